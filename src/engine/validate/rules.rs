//! Flags, safety rules and the identity items.
//!
//! Flags and safety rules share one id space: no flag may have a safety rule's id. Identity items
//! are the answers that name the patient (name, date of birth); they must be text or dates.

use std::collections::HashMap;

use super::meta::Lines;
use super::{Duplicate, Scope, Validator};
use crate::engine::diagnostic::{Code, Position};
use crate::engine::model::*;
use crate::engine::raw::*;

impl Validator<'_, '_> {
    /// Flags and safety rules; their conditions may read scores, so this runs after them.
    pub(super) fn rules<'k>(
        &mut self,
        raw: &'k RawQuestionnaire<'k>,
        top: Position,
    ) -> (Vec<Flag>, Vec<SafetyRule>, Vec<TextScreen>) {
        let mut seen = HashMap::new();
        let mut flags = Vec::new();
        for f in &raw.flags {
            let at = self.pos(&f.id, top);
            self.unique(&mut seen, &f.id, at, Duplicate::Flag);
            if f.text.trim().is_empty() || f.source.trim().is_empty() {
                self.error(
                    Code::Metadata,
                    at,
                    format!("flag `{}` needs a `text` and a `source`", f.id),
                );
            }
            let when = self.condition(&f.when, Scope::Anywhere, at);
            let context = f
                .context
                .iter()
                .filter_map(|r| self.item_ref(r, Scope::Anywhere, at))
                .collect();
            flags.push(Flag {
                context,
                id: f.id.to_string(),
                level: match f.level {
                    RawLevel::Review => Level::Review,
                    RawLevel::Urgent => Level::Urgent,
                },
                when,
                text: f.text.clone(),
                source: f.source.clone(),
            });
        }
        let mut safety = Vec::new();
        for s in &raw.safety {
            let at = self.pos(&s.id, top);
            self.unique(&mut seen, &s.id, at, Duplicate::SafetyRule);
            let when = self.condition(&s.when, Scope::Anywhere, at);
            let after = s
                .after
                .as_ref()
                .and_then(|a| self.item_ref(a, Scope::Anywhere, at));
            let message = self.paragraphs(&s.message, at, "safety message");
            self.control_characters(&s.alert, at, "safety alert", None, Lines::Many);
            safety.push(SafetyRule {
                id: s.id.to_string(),
                when,
                message,
                alert: s.alert.to_string(),
                level: match s.level {
                    Some(RawLevel::Review) => Level::Review,
                    Some(RawLevel::Urgent) | None => Level::Urgent,
                },
                after,
            });
        }
        let screens = raw
            .text_screens
            .iter()
            .map(|s| self.text_screen(s, &mut seen, top))
            .collect();
        (flags, safety, screens)
    }

    /// A free-text screen: known text items (top level), declared languages, no empty phrase.
    fn text_screen<'k>(
        &mut self,
        s: &'k RawTextScreen<'k>,
        seen: &mut HashMap<&'k str, Position>,
        top: Position,
    ) -> TextScreen {
        let at = self.pos(&s.id, top);
        self.unique(seen, &s.id, at, Duplicate::Flag);
        if s.text.trim().is_empty() || s.source.trim().is_empty() {
            self.error(
                Code::Metadata,
                at,
                format!("text screen `{}` needs a `text` and a `source`", s.id),
            );
        }
        let is_text = |k: &Kind| matches!(k, Kind::Text { .. } | Kind::LongText { .. });
        let items = if s.items.is_empty() {
            (0..self.items.len())
                .map(ItemIdx)
                .filter(|i| self.items[i.0].parent.is_none() && is_text(&self.items[i.0].kind))
                .collect()
        } else {
            let mut out = Vec::new();
            for r in &s.items {
                let Some(i) = self.item_ref(r, Scope::Anywhere, at) else {
                    continue;
                };
                let item = &self.items[i.0];
                if item.parent.is_some() || !is_text(&item.kind) {
                    let p = self.pos(r, at);
                    let msg = format!(
                        "text screen `{}` reads `{r}`, which is {}; only top-level text items \
                         can be screened",
                        s.id,
                        item.kind.describe()
                    );
                    self.error(Code::TypeMismatch, p, msg);
                    continue;
                }
                out.push(i);
            }
            out
        };
        let mut phrases = Vec::new();
        for (lang, list) in &s.phrases {
            if !self.languages.iter().any(|l| l == lang) {
                self.error(
                    Code::Metadata,
                    at,
                    format!(
                        "text screen `{}` has phrases in `{lang}`, which is not a declared language",
                        s.id
                    ),
                );
            }
            if list.iter().any(|p| p.trim().is_empty()) || list.is_empty() {
                self.error(
                    Code::Metadata,
                    at,
                    format!(
                        "text screen `{}` has an empty phrase list or phrase in `{lang}`",
                        s.id
                    ),
                );
            }
            phrases.extend(list.iter().map(|p| p.trim().to_owned()));
        }
        TextScreen {
            id: s.id.to_string(),
            level: match s.level {
                RawLevel::Review => Level::Review,
                RawLevel::Urgent => Level::Urgent,
            },
            items,
            phrases,
            text: s.text.clone(),
            source: s.source.clone(),
        }
    }

    pub(super) fn identity(&mut self, raw: &RawQuestionnaire<'_>, top: Position) -> Vec<ItemIdx> {
        let mut out = Vec::new();
        for r in &raw.identity {
            let Some(i) = self.item_ref(r, Scope::Anywhere, top) else {
                continue;
            };
            if !matches!(self.items[i.0].kind, Kind::Text { .. } | Kind::Date { .. }) {
                let p = self.pos(r, top);
                let msg = format!(
                    "identity item `{r}` is {}; identity items are text or dates",
                    self.items[i.0].kind.describe()
                );
                self.error(Code::TypeMismatch, p, msg);
                continue;
            }
            out.push(i);
        }
        out
    }
}
