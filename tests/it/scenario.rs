//! A helper for walking a questionnaire in tests, in the style of JavaRosa's `Scenario`:
//!
//! ```ignore
//! Scenario::demo().answer("smoker", Yes).next().assert_current("cigarettes")
//! ```
//!
//! Time is fixed (2026-11-21 09:00 UTC) so ages and summaries are reproducible.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use prescreen::engine::summary::Summary;
use prescreen::engine::{Alert, Answer, Cursor, FixedClock, Invalid, Questionnaire, Session};

pub fn test_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
        .single()
        .unwrap()
}

pub fn load(rel: &str) -> Arc<Questionnaire> {
    Arc::new(Questionnaire::load(&crate::repo(rel)).unwrap_or_else(|e| panic!("{e}")))
}

pub fn parse(src: &str) -> Arc<Questionnaire> {
    Arc::new(
        Questionnaire::from_bytes(src.as_bytes()).unwrap_or_else(|d| {
            panic!(
                "{}",
                prescreen::engine::diagnostic::render_all(&d, "<test>")
            )
        }),
    )
}

pub struct Scenario {
    pub session: Session,
    pub clock: Arc<FixedClock>,
    pub last_alerts: Vec<Alert>,
}

impl Scenario {
    pub fn new(q: Arc<Questionnaire>) -> Self {
        Self::in_language(q, "en")
    }

    pub fn in_language(q: Arc<Questionnaire>, lang: &str) -> Self {
        let clock = Arc::new(FixedClock::new(test_time()));
        let session = Session::new(q, lang, clock.clone());
        Scenario {
            session,
            clock,
            last_alerts: Vec::new(),
        }
    }

    pub fn demo() -> Self {
        Self::new(load("questionnaires/demo.ron"))
    }

    pub fn idx(&self, id: &str) -> prescreen::engine::ItemIdx {
        self.session
            .questionnaire()
            .find(id)
            .unwrap_or_else(|| panic!("no item `{id}`"))
    }

    pub fn try_answer(&mut self, id: &str, answer: Answer) -> Result<Vec<Alert>, Invalid> {
        let i = self.idx(id);
        self.session.set(i, answer)
    }

    /// Answers and expects acceptance.
    pub fn answer(mut self, id: &str, answer: Answer) -> Self {
        match self.try_answer(id, answer) {
            Ok(alerts) => self.last_alerts = alerts,
            Err(e) => panic!("answer to `{id}` refused: {e}"),
        }
        self
    }

    pub fn next(mut self) -> Self {
        if let Err(b) = self.session.forward() {
            panic!(
                "blocked at `{}`: {}",
                self.session.questionnaire().item(b.item).id,
                b.reason
            );
        }
        self
    }

    pub fn back(mut self) -> Self {
        self.session.back();
        self
    }

    pub fn current(&self) -> Option<String> {
        match self.session.cursor() {
            Cursor::Item(i) => Some(self.session.questionnaire().item(i).id.clone()),
            _ => None,
        }
    }

    pub fn assert_current(self, id: &str) -> Self {
        assert_eq!(
            self.current().as_deref(),
            Some(id),
            "cursor is at {:?}",
            self.session.cursor()
        );
        self
    }

    pub fn assert_review(self) -> Self {
        assert_eq!(self.session.cursor(), Cursor::Review);
        self
    }

    pub fn assert_visible(self, id: &str) -> Self {
        assert!(
            self.session.is_visible(self.idx(id)),
            "`{id}` should be visible"
        );
        self
    }

    pub fn assert_hidden(self, id: &str) -> Self {
        assert!(
            !self.session.is_visible(self.idx(id)),
            "`{id}` should be hidden"
        );
        self
    }

    pub fn summary(&self) -> Summary {
        Summary::build(&self.session, self.clock.now_for_tests())
    }

    pub fn flags(&self) -> Vec<String> {
        self.summary().flags.into_iter().map(|f| f.id).collect()
    }

    pub fn assert_flag(self, id: &str) -> Self {
        let flags = self.flags();
        assert!(
            flags.iter().any(|f| f == id),
            "flag `{id}` not raised; raised: {flags:?}"
        );
        self
    }

    pub fn assert_no_flag(self, id: &str) -> Self {
        let flags = self.flags();
        assert!(
            !flags.iter().any(|f| f == id),
            "flag `{id}` raised; raised: {flags:?}"
        );
        self
    }
}

/// `FixedClock` implements `Clock`; a short name for reading it in tests.
pub trait NowForTests {
    fn now_for_tests(&self) -> DateTime<Utc>;
}

impl NowForTests for FixedClock {
    fn now_for_tests(&self) -> DateTime<Utc> {
        prescreen::engine::Clock::now(self)
    }
}
