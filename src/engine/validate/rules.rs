//! Flags, safety rules and the identity items.
//!
//! Flags and safety rules share one id space: no flag may have a safety rule's id. Identity items
//! are the answers that name the patient (name, date of birth); they must be text or dates.

use std::collections::HashMap;

use super::{Duplicate, Scope, Validator};
use crate::engine::diagnostic::{Code, Position};
use crate::engine::model::*;
use crate::engine::raw::*;

impl Validator<'_, '_> {
    /// Flags and safety rules; their conditions may read scores, so this runs after them.
    pub(super) fn rules(
        &mut self,
        raw: &RawQuestionnaire<'_>,
        top: Position,
    ) -> (Vec<Flag>, Vec<SafetyRule>) {
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
            flags.push(Flag {
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
            safety.push(SafetyRule {
                id: s.id.to_string(),
                when,
                message: self.text(&s.message, at, "safety message"),
                alert: s.alert.clone(),
            });
        }
        (flags, safety)
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
