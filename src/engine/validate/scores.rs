//! Scores and their bands.
//!
//! A score sums single-choice items whose every option carries a score, so its highest possible
//! total is known here; the bands must then cover every total from 0 to that maximum exactly
//! once, or some patient's total would fall in no band (or in two).

use std::collections::HashMap;

use super::{Duplicate, Scope, Validator, coding};
use crate::engine::diagnostic::{Code, Position, Suggester};
use crate::engine::model::*;
use crate::engine::raw::*;

impl Validator<'_, '_> {
    /// Every score, each made resolvable by its id for the flags and safety rules.
    pub(super) fn scores(&mut self, raw: &RawQuestionnaire<'_>, fallback: Position) {
        let mut seen = HashMap::new();
        for (n, rs) in raw.scores.iter().enumerate() {
            let at = self.pos(&rs.id, fallback);
            self.check_id("score", &rs.id, at);
            if self.unique(&mut seen, &rs.id, at, Duplicate::Score) {
                self.score_ids.insert(rs.id.to_string(), ScoreIdx(n));
            }
            let score = self.score(rs, at);
            self.scores.push(score);
        }
        self.score_names = Suggester::new(raw.scores.iter().map(|s| &*s.id));
    }

    fn score(&mut self, rs: &RawScore<'_>, at: Position) -> Score {
        let mut items = Vec::new();
        let mut counted = HashMap::new();
        let mut possible_max: u32 = 0;
        for r in &rs.items {
            let Some(i) = self.item_ref(r, Scope::Anywhere, at) else {
                continue;
            };
            let p = self.pos(r, at);
            if self.unresolved[i.0] {
                // Its options are unknown: whether it is scored is not checked.
                self.unique(&mut counted, r, p, Duplicate::Counted(&rs.id));
                continue;
            }
            let item = &self.items[i.0];
            let scored = match &item.kind {
                Kind::Single { options }
                    if !options.is_empty() && options.iter().all(|o| o.score.is_some()) =>
                {
                    options.iter().filter_map(|o| o.score).max()
                }
                _ => None,
            };
            match scored {
                Some(max) => {
                    possible_max = possible_max.saturating_add(max);
                    self.unique(&mut counted, r, p, Duplicate::Counted(&rs.id));
                    items.push(i);
                }
                None => {
                    let msg = format!(
                        "score `{}` includes `{r}`, whose answers carry no scores",
                        rs.id
                    );
                    self.error(Code::UnscoredItem, p, msg).help = Some(
                        "only single-choice items whose every option has a `score` can be summed"
                            .into(),
                    );
                }
            }
        }
        if rs.items.is_empty() {
            self.error(
                Code::ItemKind,
                at,
                format!("score `{}` has no items", rs.id),
            );
        }
        let mut bands: Vec<Band> = Vec::new();
        let mut seen = HashMap::new();
        for b in &rs.bands {
            let bp = self.pos(&b.id, at);
            if b.min > b.max {
                self.error(
                    Code::BadRange,
                    bp,
                    format!("band `{}` has min {} above max {}", b.id, b.min, b.max),
                );
            }
            self.unique(&mut seen, &b.id, bp, Duplicate::Band);
            bands.push(Band {
                id: b.id.to_string(),
                min: b.min,
                max: b.max,
                label: b.label.clone(),
            });
        }
        if !bands.is_empty() && items.len() == rs.items.len() {
            self.check_bands(&rs.id, &bands, &rs.bands, possible_max, at);
        }
        Score {
            id: rs.id.to_string(),
            title: rs.title.clone(),
            items,
            bands,
            code: rs.code.as_ref().map(coding),
            not_asked_counts_zero: rs.not_asked_counts_zero,
        }
    }

    /// Bands must tile 0..=max possible score exactly: no gap, no overlap, nothing beyond.
    fn check_bands(
        &mut self,
        score: &str,
        bands: &[Band],
        raw: &[RawBand<'_>],
        possible_max: u32,
        at: Position,
    ) {
        let mut order: Vec<usize> = (0..bands.len()).collect();
        order.sort_by_key(|&i| (bands[i].min, bands[i].max));
        let mut expect = 0u32;
        for &i in &order {
            let b = &bands[i];
            let bp = self.pos(&raw[i].id, at);
            if b.min > expect {
                self.error(
                    Code::Bands,
                    bp,
                    format!(
                        "score `{score}` has no band for {}",
                        span(expect, b.min - 1)
                    ),
                );
            } else if b.min < expect {
                self.error(
                    Code::Bands,
                    bp,
                    format!("band `{}` overlaps the band before it at {}", b.id, b.min),
                );
            }
            expect = b.max.saturating_add(1);
        }
        if expect <= possible_max {
            self.error(
                Code::Bands,
                at,
                format!(
                    "score `{score}` has no band for {}",
                    span(expect, possible_max)
                ),
            );
        } else if expect > possible_max.saturating_add(1) {
            self.error(
                Code::Bands,
                at,
                format!(
                    "bands of `{score}` reach {}, but the highest possible total is {possible_max}",
                    expect - 1
                ),
            );
        }
    }
}

/// "3" or "3–5".
fn span(lo: u32, hi: u32) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}–{hi}")
    }
}
