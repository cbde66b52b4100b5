//! Evaluation: which items are visible, what conditions say, what scores add up to.
//!
//! Everything here is a pure function of (questionnaire, answers, the session's date). Nothing
//! is cached on the questionnaire and nothing is stored on the session: a kiosk frame, the
//! summary and a test all get the same answer from the same inputs.
//!
//! **Hidden answers do not count.** An answer to an item whose `show_if` is false (or whose
//! section is hidden) reads as "no answer" in every condition, score and flag, and is never
//! exported. That makes hiding cascade: an item that depends on a hidden item sees no answer
//! and hides in turn. (The answer is kept in the session so that a patient who goes back and
//! changes their mind finds it again; it is dropped at submit.)

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::answer::{Answer, Entry, in_base_unit};
use super::model::{BandIdx, Cmp, Condition, Expr, ItemIdx, Kind, Questionnaire, ScoreIdx, Value};

/// Answers to top-level items, by item. Group entries live inside [`Answer::Group`].
pub type Answers = BTreeMap<ItemIdx, Answer>;

/// The visibility of every item, computed in one forward pass (conditions only read earlier
/// items, so each is decided before anything that reads it). Group children get the
/// visibility of their group here; per entry they are decided by [`Eval::visible_in_entry`].
pub fn visibility(q: &Questionnaire, answers: &Answers, today: NaiveDate) -> Vec<bool> {
    let mut visible = vec![false; q.items.len()];
    for section in &q.sections {
        let section_shown = {
            let ev = Eval::new(q, answers, today, &visible);
            section.show_if.as_ref().is_none_or(|c| ev.holds(c))
        };
        for &i in &section.items {
            let shown = section_shown && {
                let ev = Eval::new(q, answers, today, &visible);
                q.item(i).show_if.as_ref().is_none_or(|c| ev.holds(c))
            };
            visible[i.0] = shown;
            if let Kind::Group { items, .. } = &q.item(i).kind {
                for c in items {
                    visible[c.0] = shown;
                }
            }
        }
    }
    visible
}

/// A read-only view for evaluating conditions.
#[derive(Clone, Copy)]
pub struct Eval<'a> {
    q: &'a Questionnaire,
    answers: &'a Answers,
    today: NaiveDate,
    visible: &'a [bool],
    /// Set while evaluating inside one entry of a repeating group.
    entry: Option<&'a Entry>,
    /// Set when asking what *could* hold: an incomplete score whose range spans bands is read
    /// as being in the highest band it can still reach (see [`Eval::possibly`]).
    possible: bool,
}

impl<'a> Eval<'a> {
    pub fn new(
        q: &'a Questionnaire,
        answers: &'a Answers,
        today: NaiveDate,
        visible: &'a [bool],
    ) -> Self {
        Eval {
            q,
            answers,
            today,
            visible,
            entry: None,
            possible: false,
        }
    }

    /// The same view, reading each incomplete score whose range spans bands as if it were in
    /// the highest band it can still reach. A flag that holds only this way is raised as
    /// "possible", for the clinician to review; nothing is imputed into the score itself.
    pub fn possibly(self) -> Self {
        Eval {
            possible: true,
            ..self
        }
    }

    /// The same view, inside one group entry.
    pub fn in_entry(self, entry: &'a Entry) -> Self {
        Eval {
            entry: Some(entry),
            ..self
        }
    }

    /// Whether a group child is shown in the current entry.
    pub fn visible_in_entry(&self, i: ItemIdx) -> bool {
        let item = self.q.item(i);
        self.visible.get(i.0).copied().unwrap_or(false)
            && item.show_if.as_ref().is_none_or(|c| self.holds(c))
    }

    /// The answer as conditions see it: `None` when the item is hidden or unanswered.
    pub fn effective(&self, i: ItemIdx) -> Option<&'a Answer> {
        let item = self.q.item(i);
        if item.parent.is_some() {
            let entry = self.entry?;
            if !self.visible_in_entry(i) {
                return None;
            }
            return entry.get(&item.id);
        }
        if !self.visible.get(i.0).copied().unwrap_or(false) {
            return None;
        }
        self.answers.get(&i)
    }

    pub fn holds(&self, c: &Condition) -> bool {
        match c {
            Condition::Answered(i) => self.effective(*i).is_some_and(|a| *a != Answer::Declined),
            Condition::Equals(i, v) => self.effective(*i).is_some_and(|a| self.equals(*i, a, v)),
            Condition::AnyOf(i, values) => match self.effective(*i) {
                Some(Answer::Choice(c)) => values.contains(c),
                Some(Answer::Choices(cs)) => cs.iter().any(|c| values.contains(c)),
                _ => false,
            },
            Condition::Compare(a, cmp, b) => match (self.expr(a), self.expr(b)) {
                (Some(Val::Num(x)), Some(Val::Num(y))) => compare(x, *cmp, y),
                (Some(Val::Date(x)), Some(Val::Date(y))) => compare(x, *cmp, y),
                _ => false,
            },
            Condition::InBand(s, band) => {
                let r = self.score(*s);
                r.band == Some(*band)
                    || (self.possible && r.band.is_none() && r.highest == Some(*band))
            }
            Condition::All(cs) => cs.iter().all(|c| self.holds(c)),
            Condition::Any(cs) => cs.iter().any(|c| self.holds(c)),
            Condition::Not(c) => !self.holds(c),
        }
    }

    fn equals(&self, i: ItemIdx, a: &Answer, v: &Value) -> bool {
        match (a, v) {
            (Answer::Yes, Value::Yes)
            | (Answer::No, Value::No)
            | (Answer::NotSure, Value::NotSure)
            | (Answer::Declined, Value::Declined) => true,
            (Answer::Choice(c), Value::Choice(x)) => c == x,
            (Answer::Choices(cs), Value::Choice(x)) => cs.contains(x),
            (_, Value::Number(n)) => self.number(i, a).is_some_and(|x| x == *n),
            _ => false,
        }
    }

    fn number(&self, i: ItemIdx, a: &Answer) -> Option<f64> {
        match a {
            Answer::Integer(n) => Some(*n as f64),
            Answer::Decimal(n) => Some(*n),
            Answer::Quantity(n, unit) => in_base_unit(self.q.item(i), *n, unit),
            _ => None,
        }
    }

    fn expr(&self, e: &Expr) -> Option<Val> {
        match e {
            Expr::Number(n) => Some(Val::Num(*n)),
            Expr::Date(d) => Some(Val::Date(*d)),
            Expr::Today => Some(Val::Date(self.today)),
            Expr::YearsAgo(n) => Some(Val::Date(
                super::model::DateBound::YearsAgo(*n).resolve(self.today),
            )),
            Expr::Value(i) => match self.effective(*i)? {
                Answer::Date(d) => Some(Val::Date(*d)),
                a => self.number(*i, a).map(Val::Num),
            },
            Expr::Age(i) => match self.effective(*i)? {
                Answer::Date(d) => Some(Val::Num(f64::from(age_in_years(*d, self.today)))),
                _ => None,
            },
            Expr::Count(i) => match self.effective(*i) {
                Some(Answer::Group(entries)) => Some(Val::Num(entries.len() as f64)),
                _ => Some(Val::Num(0.0)),
            },
            Expr::Score(s) => {
                let r = self.score(*s);
                r.complete.then_some(Val::Num(f64::from(r.sum)))
            }
        }
    }

    /// A score over the visible, answered items. Never imputed: an item left unanswered,
    /// declined or hidden makes the score incomplete. An incomplete score still has a range —
    /// the partial sum up to the partial sum plus the largest value of every missing item —
    /// and when that whole range lies in one band, the band is known.
    ///
    /// The one exception is the instrument's own skip rule (`not_asked_counts_zero`): an item
    /// its `show_if` hides, in a section that is shown, counts 0 — the AUDIT's "skip items 2
    /// and 3 after Never". That is the instrument's scoring, not a guess: the condition that
    /// hid the item was answered. An item shown but left blank or declined is still missing.
    pub fn score(&self, s: ScoreIdx) -> ScoreTally {
        let score = &self.q.scores[s.0];
        let mut tally = ScoreTally {
            sum: 0,
            max: 0,
            answered: 0,
            skipped: 0,
            of: score.items.len(),
            complete: false,
            band: None,
            lowest: None,
            highest: None,
        };
        let mut missing_max = 0;
        for &i in &score.items {
            let options = self.q.item(i).kind.options();
            let points = match self.effective(i) {
                Some(Answer::Choice(c)) => {
                    options.iter().find(|o| &o.value == c).and_then(|o| o.score)
                }
                _ => None,
            };
            match points {
                Some(p) => {
                    tally.sum += p;
                    tally.answered += 1;
                }
                None if score.not_asked_counts_zero && self.skipped_by_its_own_rule(i) => {
                    tally.skipped += 1;
                }
                None => {
                    missing_max += options.iter().filter_map(|o| o.score).max().unwrap_or(0);
                }
            }
        }
        tally.complete = tally.answered + tally.skipped == tally.of;
        tally.max = tally.sum + missing_max;
        let band_of = |total: u32| {
            score
                .bands
                .iter()
                .position(|b| (b.min..=b.max).contains(&total))
                .map(BandIdx)
        };
        tally.lowest = band_of(tally.sum);
        tally.highest = band_of(tally.max);
        if tally.lowest == tally.highest {
            tally.band = tally.lowest;
        }
        tally
    }

    /// A top-level item hidden by its own `show_if` while its section is shown.
    fn skipped_by_its_own_rule(&self, i: ItemIdx) -> bool {
        let item = self.q.item(i);
        if item.parent.is_some() || self.visible.get(i.0).copied().unwrap_or(false) {
            return false;
        }
        let section_shown = self
            .q
            .section(item.section)
            .show_if
            .as_ref()
            .is_none_or(|c| self.holds(c));
        section_shown && item.show_if.as_ref().is_some_and(|c| !self.holds(c))
    }
}

/// A score's running total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScoreTally {
    /// Sum of the answered items (the total when complete, a partial sum otherwise).
    pub sum: u32,
    /// The highest total still possible: `sum` plus the largest value of each missing item
    /// (equal to `sum` when complete).
    pub max: u32,
    pub answered: usize,
    /// Items not asked under the instrument's skip rule, counted 0 (`not_asked_counts_zero`).
    pub skipped: usize,
    pub of: usize,
    pub complete: bool,
    /// The band the total falls in: when complete, or when the whole range `sum..=max` lies
    /// in one band.
    pub band: Option<BandIdx>,
    /// The bands of the lowest (`sum`) and highest (`max`) totals still possible.
    pub lowest: Option<BandIdx>,
    pub highest: Option<BandIdx>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Val {
    Num(f64),
    Date(NaiveDate),
}

fn compare<T: PartialOrd>(a: T, cmp: Cmp, b: T) -> bool {
    match cmp {
        Cmp::Lt => a < b,
        Cmp::Le => a <= b,
        Cmp::Gt => a > b,
        Cmp::Ge => a >= b,
    }
}

/// Whole years from `born` to `on` (a birthday counts on the day itself; 29 February birthdays
/// count on 1 March in common years).
pub fn age_in_years(born: NaiveDate, on: NaiveDate) -> u32 {
    if on < born {
        return 0;
    }
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_in_years(d("2008-11-21"), d("2026-11-21")), 18);
        assert_eq!(age_in_years(d("2008-11-22"), d("2026-11-21")), 17);
        assert_eq!(age_in_years(d("2008-02-29"), d("2026-02-28")), 17);
        assert_eq!(age_in_years(d("2008-02-29"), d("2026-03-01")), 18);
        assert_eq!(age_in_years(d("2030-01-01"), d("2026-03-01")), 0);
    }
}
