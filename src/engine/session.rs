//! A session: one patient walking one questionnaire.
//!
//! `Session = definition + answers + cursor`. The definition is shared and immutable; the
//! answers are the only state the patient creates; the cursor says which page is showing.
//! Everything else (what is visible, required, scored, flagged) is derived on demand.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::answer::{self, Answer, Invalid};
use super::eval::{Answers, Eval, visibility};
use super::model::{ItemIdx, Kind, Questionnaire, RuleIdx};

/// Where time comes from. Injected so that tests (and summaries built from them) are exact.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it is told: for tests and reproducible `fill` runs.
#[derive(Debug)]
pub struct FixedClock(std::sync::Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(std::sync::Mutex::new(at))
    }

    /// Moves the clock on.
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_default()
    }
}

/// Which page is showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// Before the first question.
    Start,
    /// A question page (a top-level item).
    Item(ItemIdx),
    /// The review page after the last question.
    Review,
}

/// A safety rule that fired: the patient was shown its message and staff must be told.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    pub rule: RuleIdx,
    pub at: DateTime<Utc>,
    /// Whole seconds its message was on screen before the patient went on, once they have.
    pub shown_seconds: Option<u32>,
}

/// Why navigation could not move on.
#[derive(Clone, Debug, PartialEq)]
pub struct Blocked {
    pub item: ItemIdx,
    pub reason: Invalid,
}

pub struct Session {
    q: Arc<Questionnaire>,
    answers: Answers,
    cursor: Cursor,
    language: String,
    started_at: DateTime<Utc>,
    clock: Arc<dyn Clock>,
    alerts: Vec<Alert>,
}

impl Session {
    /// Starts a session in `language` (falls back to the questionnaire's default when the
    /// language is not offered).
    pub fn new(q: Arc<Questionnaire>, language: &str, clock: Arc<dyn Clock>) -> Self {
        let language = if q.languages.iter().any(|l| l == language) {
            language.to_owned()
        } else {
            q.default_language().to_owned()
        };
        let started_at = clock.now();
        Session {
            q,
            answers: Answers::new(),
            cursor: Cursor::Start,
            language,
            started_at,
            clock,
            alerts: Vec::new(),
        }
    }

    pub fn questionnaire(&self) -> &Arc<Questionnaire> {
        &self.q
    }

    pub fn language(&self) -> &str {
        &self.language
    }

    /// Changes the language mid-session; answers are kept (they are language-neutral).
    pub fn set_language(&mut self, language: &str) {
        if self.q.languages.iter().any(|l| l == language) {
            self.language = language.to_owned();
        }
    }

    pub fn cursor(&self) -> Cursor {
        self.cursor
    }

    pub fn started_at(&self) -> DateTime<Utc> {
        self.started_at
    }

    /// The date the session started: ages and date bounds are computed against it.
    pub fn today(&self) -> NaiveDate {
        self.started_at.date_naive()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// The stored answer for an item (even if the item is now hidden).
    pub fn answer(&self, i: ItemIdx) -> Option<&Answer> {
        self.answers.get(&i)
    }

    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    /// The patient went on from `rule`'s message after `seconds` on screen.
    pub fn acknowledge(&mut self, rule: RuleIdx, seconds: f64) {
        if let Some(a) = self.alerts.iter_mut().find(|a| a.rule == rule) {
            a.shown_seconds = Some(seconds.clamp(0.0, f64::from(u32::MAX)) as u32);
        }
    }

    pub fn visibility(&self) -> Vec<bool> {
        visibility(&self.q, &self.answers, self.today())
    }

    pub fn is_visible(&self, i: ItemIdx) -> bool {
        self.visibility().get(i.0).copied().unwrap_or(false)
    }

    /// Runs `f` with an evaluator over the current answers.
    pub fn with_eval<R>(&self, f: impl FnOnce(&Eval<'_>) -> R) -> R {
        let visible = self.visibility();
        let ev = Eval::new(&self.q, &self.answers, self.today(), &visible);
        f(&ev)
    }

    /// Whether a visible item must be answered: `required`, or `required_if` holds.
    pub fn is_required(&self, i: ItemIdx) -> bool {
        let item = self.q.item(i);
        item.required
            || item
                .required_if
                .as_ref()
                .is_some_and(|c| self.with_eval(|ev| ev.holds(c)))
    }

    /// Top-level items currently shown, in order.
    pub fn visible_pages(&self) -> Vec<ItemIdx> {
        let visible = self.visibility();
        self.q.pages().filter(|i| visible[i.0]).collect()
    }

    /// Records an answer after checking it. Returns the safety alerts this answer raised (each
    /// rule fires once per session, the moment its condition first holds).
    pub fn set(&mut self, i: ItemIdx, answer: Answer) -> Result<Vec<Alert>, Invalid> {
        let item = self.q.item(i);
        if item.parent.is_some() {
            return Err(Invalid::NotInGroup {
                item: item.id.clone(),
            });
        }
        if !self.is_visible(i) {
            return Err(Invalid::NotShown);
        }
        answer::check(&self.q, item, &answer, self.today())?;
        self.answers.insert(i, answer);
        Ok(self.fire_safety_rules())
    }

    /// Removes an answer (the patient took it back).
    pub fn clear(&mut self, i: ItemIdx) {
        self.answers.remove(&i);
    }

    /// Whether the patient has moved on past `i` (to a later page or the review page).
    fn passed(&self, i: ItemIdx) -> bool {
        match self.cursor {
            Cursor::Start => false,
            Cursor::Item(c) => c.0 > i.0,
            Cursor::Review => true,
        }
    }

    fn fire_safety_rules(&mut self) -> Vec<Alert> {
        let visible = self.visibility();
        let ev = Eval::new(&self.q, &self.answers, self.today(), &visible);
        let now = self.clock.now();
        let mut fired = Vec::new();
        for (n, rule) in self.q.safety.iter().enumerate() {
            let n = RuleIdx(n);
            let due = rule.after.is_none_or(|a| self.passed(a));
            if due && !self.alerts.iter().any(|a| a.rule == n) && ev.holds(&rule.when) {
                fired.push(Alert {
                    rule: n,
                    at: now,
                    shown_seconds: None,
                });
            }
        }
        self.alerts.extend(fired.iter().cloned());
        fired
    }

    /// What keeps an item from being complete: a missing required answer, or a problem in
    /// one of its group entries. `None` when the patient may move on.
    pub fn problem(&self, i: ItemIdx) -> Option<Invalid> {
        let item = self.q.item(i);
        let answer = self.answers.get(&i);
        if answer.is_none() {
            return (item.kind.is_question() && self.is_required(i)).then_some(Invalid::Required);
        }
        let (Kind::Group { items, min, .. }, Some(Answer::Group(entries))) = (&item.kind, answer)
        else {
            return None;
        };
        if entries.len() < *min as usize {
            return Some(Invalid::TooFewEntries { min: *min });
        }
        let visible = self.visibility();
        let ev = Eval::new(&self.q, &self.answers, self.today(), &visible);
        for (n, entry) in entries.iter().enumerate() {
            let ev = ev.in_entry(entry);
            for &c in items {
                let child = self.q.item(c);
                if !ev.visible_in_entry(c)
                    || entry.contains_key(&child.id)
                    || !child.kind.is_question()
                {
                    continue;
                }
                let required =
                    child.required || child.required_if.as_ref().is_some_and(|r| ev.holds(r));
                if required {
                    return Some(Invalid::InEntry {
                        entry: n + 1,
                        item: child.id.clone(),
                        error: Box::new(Invalid::Required),
                    });
                }
            }
        }
        None
    }

    /// Moves to the next visible page, or to review after the last. Refuses (saying why) when
    /// the current item is required and unanswered.
    ///
    /// This checks no safety rule: a caller that can show a rule's message uses
    /// [`Session::forward_with_alerts`] instead, so that a session never records a message as
    /// shown when it was not.
    pub fn forward(&mut self) -> Result<Cursor, Blocked> {
        self.step_forward()
    }

    /// [`Session::forward`], then the safety rules that moving on made due (rules with `after`,
    /// such as a self-harm question passed without an answer). The caller must show the
    /// returned alerts' messages; they are also kept in [`Session::alerts`].
    pub fn forward_with_alerts(&mut self) -> Result<(Cursor, Vec<Alert>), Blocked> {
        let cursor = self.step_forward()?;
        Ok((cursor, self.fire_safety_rules()))
    }

    fn step_forward(&mut self) -> Result<Cursor, Blocked> {
        if let Cursor::Item(i) = self.cursor
            && self.is_visible(i)
            && let Some(reason) = self.problem(i)
        {
            return Err(Blocked { item: i, reason });
        }
        let pages = self.visible_pages();
        self.cursor = match self.cursor {
            Cursor::Start => pages.first().map_or(Cursor::Review, |&i| Cursor::Item(i)),
            Cursor::Item(cur) => pages
                .iter()
                .find(|p| p.0 > cur.0)
                .map_or(Cursor::Review, |&i| Cursor::Item(i)),
            Cursor::Review => Cursor::Review,
        };
        Ok(self.cursor)
    }

    /// Moves to the previous visible page (or the start).
    pub fn back(&mut self) -> Cursor {
        let pages = self.visible_pages();
        self.cursor = match self.cursor {
            Cursor::Start => Cursor::Start,
            Cursor::Item(cur) => pages
                .iter()
                .rev()
                .find(|p| p.0 < cur.0)
                .map_or(Cursor::Start, |&i| Cursor::Item(i)),
            Cursor::Review => pages.last().map_or(Cursor::Start, |&i| Cursor::Item(i)),
        };
        self.cursor
    }

    /// Jumps to a visible page (from the review page). Hidden or nested items are refused.
    pub fn jump(&mut self, i: ItemIdx) -> Result<(), Invalid> {
        if self.q.item(i).parent.is_some() || !self.is_visible(i) {
            return Err(Invalid::NotShown);
        }
        self.cursor = Cursor::Item(i);
        Ok(())
    }

    /// Goes to the review page. Every item is then passed, so a safety rule checked only
    /// after an item may fire: its alerts are returned (and kept in [`Session::alerts`]).
    pub fn review(&mut self) -> Vec<Alert> {
        self.cursor = Cursor::Review;
        self.fire_safety_rules()
    }

    /// (answered, asked): visible questions with an answer, of visible questions.
    pub fn progress(&self) -> (usize, usize) {
        let pages = self.visible_pages();
        let questions: Vec<_> = pages
            .iter()
            .filter(|i| self.q.item(**i).kind.is_question())
            .collect();
        let answered = questions
            .iter()
            .filter(|i| self.answers.contains_key(i))
            .count();
        (answered, questions.len())
    }

    /// Every visible item that still needs something, in order.
    pub fn missing(&self) -> Vec<(ItemIdx, Invalid)> {
        self.visible_pages()
            .into_iter()
            .filter_map(|i| self.problem(i).map(|p| (i, p)))
            .collect()
    }
}

impl Drop for Session {
    /// Answers are health data: overwrite typed text before the memory is released, so the
    /// next patient's session cannot find it in freed memory.
    fn drop(&mut self) {
        wipe(&mut self.answers);
    }
}

/// Overwrites every string in the answers with zeros, then empties the map.
pub(crate) fn wipe(answers: &mut Answers) {
    fn wipe_answer(a: &mut Answer) {
        match a {
            Answer::Text(s) | Answer::Choice(s) | Answer::Quantity(_, s) => wipe_string(s),
            Answer::Choices(v) => v.iter_mut().for_each(wipe_string),
            Answer::Group(entries) => {
                for e in entries.iter_mut() {
                    e.values_mut().for_each(wipe_answer);
                }
            }
            _ => {}
        }
    }
    answers.values_mut().for_each(wipe_answer);
    answers.clear();
}

fn wipe_string(s: &mut String) {
    zeroize::Zeroize::zeroize(s);
}
