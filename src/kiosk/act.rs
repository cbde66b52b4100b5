//! What the patient's taps do: the kiosk's state machine. Each [`Action`] collected while
//! drawing is applied here, after the frame's widgets are drawn.

use eframe::egui;

use super::draft::{DraftKey, parse_draft};
use super::keyboard::{self, Keys, Press};
use super::widgets::Edit;
use super::{Action, Kiosk, Screen, THANKS_SECONDS, strings};
use crate::engine::summary::{Summary, UrgentAlert};
use crate::engine::{Alert, Cursor, Invalid, ItemIdx, Session};
use crate::export::Consistency;
use crate::outbox;
use crate::storage::WriteError;
use crate::storage::names::{ALERT_SUFFIX, SUMMARY_SUFFIX};
use crate::ui::theme;

impl Kiosk {
    pub(super) fn apply(&mut self, action: Action, ctx: &egui::Context) {
        if self.apply_staff(&action, ctx) {
            return;
        }
        match action {
            Action::Start(lang) => {
                if let Some(q) = &self.q {
                    let session = Session::new(q.clone(), &lang, self.clock.clone());
                    self.language = Some(session.language().to_owned());
                    self.session = Some(session);
                    self.screen = Screen::Intro;
                }
            }
            Action::Begin => {
                if let Some(s) = &mut self.session {
                    let _ = s.forward();
                }
                self.screen = Screen::Questions;
            }
            Action::Edit(idx, edit) => {
                // A tap on an option, Add or Remove: the patient has stopped typing, and the
                // keys would hide the rest of the page. They return with a tap on a box.
                keyboard::clear_target(ctx);
                super::surrender_focus(ctx);
                self.edit(idx, edit);
            }
            Action::Next => self.next(),
            Action::Back => {
                self.commit_drafts();
                self.message = None;
                if let Some(s) = &mut self.session
                    && s.back() == Cursor::Start
                {
                    self.screen = Screen::Intro;
                }
            }
            Action::Jump(idx) => {
                self.message = None;
                if let Some(s) = &mut self.session {
                    self.reviewed_pages = s.visible_pages();
                    self.returning_to_review = s.jump(idx).is_ok();
                }
            }
            Action::BackToReview => self.next(),
            Action::Submit | Action::Retry => self.submit(ctx),
            Action::AcknowledgeCrisis => {
                let shown = self.view_age(ctx);
                if let (Screen::Crisis(rule), Some(s)) = (&self.screen, &mut self.session) {
                    s.acknowledge(*rule, shown);
                }
                self.screen = Screen::Questions;
            }
            Action::Key(press) => self.key(press, ctx),
            Action::MoreTime => {
                self.last_activity = ctx.input(|i| i.time);
                self.idle_warning = None;
            }
            Action::Zoom(step) => {
                let max = theme::ZOOMS.len() as i32 - 1;
                self.zoom_step = (self.zoom_step as i32 + step).clamp(0, max) as usize;
                ctx.set_zoom_factor(theme::ZOOMS[self.zoom_step]);
            }
            Action::ToggleContrast => {
                self.high_contrast = !self.high_contrast;
                theme::set_contrast(ctx, self.high_contrast);
            }
            // Handled by `apply_staff`.
            Action::OpenStaff
            | Action::PinKey(_)
            | Action::PinEnter
            | Action::LeaveStaff
            | Action::OpenReview
            | Action::Quit => {}
        }
    }

    /// An on-screen key: it edits the draft of the box the keyboard types into.
    fn key(&mut self, press: Press, ctx: &egui::Context) {
        if press == Press::Hide {
            // No box has the focus, so no box calls the keys back until one is tapped.
            keyboard::clear_target(ctx);
            super::surrender_focus(ctx);
            return;
        }
        let Some(target) = keyboard::target(ctx) else {
            return;
        };
        let draft = self.drafts.entry(target.draft).or_default();
        if target.keys == Keys::Letters && draft.is_empty() && matches!(press, Press::Char(_)) {
            self.shift = true;
        }
        keyboard::apply(draft, &press, &mut self.shift);
        // Keys edit the end of the text: the cursor goes there too, so what the patient sees
        // matches where the next letter lands.
        let end = egui::text::CCursor::new(draft.chars().count());
        let mut state =
            egui::text_edit::TextEditState::load(ctx, target.widget).unwrap_or_default();
        state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::one(end)));
        state.store(ctx, target.widget);
        ctx.memory_mut(|m| m.request_focus(target.widget));
    }

    fn edit(&mut self, idx: ItemIdx, edit: Edit) {
        let Some(session) = &mut self.session else {
            return;
        };
        match edit {
            Edit::Set(answer) => match session.set(idx, answer) {
                Ok(alerts) => {
                    self.message = None;
                    self.raise(alerts);
                }
                Err(e) => self.message = Some(self.say(&e)),
            },
            Edit::Clear => {
                session.clear(idx);
                self.message = None;
            }
        }
    }

    /// Accepts what was typed on the current page; `false` (with a message) when it is not valid.
    fn commit_drafts(&mut self) -> bool {
        let Some(session) = &self.session else {
            return true;
        };
        let Cursor::Item(idx) = session.cursor() else {
            return true;
        };
        let q = session.questionnaire().clone();
        let item = q.item(idx);
        match parse_draft(
            &q,
            item,
            session.answer(idx),
            &self.drafts,
            DraftKey::of(idx),
            self.settings.locale,
        ) {
            None => true,
            Some(Ok(Some(answer))) => {
                self.edit(idx, Edit::Set(answer));
                self.message.is_none()
            }
            Some(Ok(None)) => {
                self.edit(idx, Edit::Clear);
                true
            }
            Some(Err(e)) => {
                self.message = Some(self.say(&e));
                false
            }
        }
    }

    /// Why an answer was not accepted, in the patient's language and the clinic's locale.
    fn say(&self, e: &Invalid) -> String {
        strings::invalid_in(e, &self.lang(), self.settings.locale)
    }

    fn next(&mut self) {
        if !self.commit_drafts() || matches!(self.screen, Screen::Crisis(_)) {
            return;
        }
        let (lang, locale) = (self.lang(), self.settings.locale);
        let Some(session) = &mut self.session else {
            return;
        };
        // Moving on can fire a safety rule too (a self-harm question skipped).
        let mut alerts = Vec::new();
        let mut step = |session: &mut Session| {
            session.forward_with_alerts().map(|(cursor, fired)| {
                alerts.extend(fired);
                cursor
            })
        };
        let mut moved = step(session);
        // After "Change": pages seen before are passed over; a question the change revealed
        // is asked, then the review page returns.
        while self.returning_to_review
            && let Ok(Cursor::Item(i)) = moved
            && self.reviewed_pages.contains(&i)
        {
            moved = step(session);
        }
        self.raise(alerts);
        match moved {
            Ok(Cursor::Review) => {
                self.message = None;
                self.returning_to_review = false;
            }
            Ok(_) => self.message = None,
            Err(blocked) => {
                self.message = Some(strings::invalid_in(&blocked.reason, &lang, locale))
            }
        }
    }

    /// A safety rule fired: write the urgent alert at once, then show the crisis screen.
    fn raise(&mut self, alerts: Vec<Alert>) {
        let Some(alert) = alerts.first() else { return };
        if let Some(session) = &self.session {
            let record = UrgentAlert::build(session, alert);
            let result = outbox::write_export(
                &self.outbox,
                alert.at,
                ALERT_SUFFIX,
                record.sealed(self.settings.signer.as_ref()).as_bytes(),
                &self.settings.recipients,
            )
            .map_err(|e| e.to_string());
            self.last_write = Some(result);
        }
        self.screen = Screen::Crisis(alert.rule);
    }

    fn submit(&mut self, ctx: &egui::Context) {
        let (lang, locale) = (self.lang(), self.settings.locale);
        let Some(session) = &mut self.session else {
            return;
        };
        if let Some((idx, reason)) = session.missing().into_iter().next() {
            let _ = session.jump(idx);
            self.message = Some(strings::invalid_in(&reason, &lang, locale));
            self.screen = Screen::Questions;
            return;
        }
        let now = self.clock.now();
        let summary = Summary::build(session, now);
        // The same re-derivation review runs: a fault can never write a record that
        // contradicts its own answers. A missing outbox is an error, not something to create:
        // a configured outbox on a share that is not mounted would otherwise fill the local
        // disk where nobody looks.
        let result = match Consistency::against(&summary, session.questionnaire()) {
            Consistency::Inconsistent(d) => Err(WriteError::Inconsistent(d.join("; "))),
            _ => outbox::write_export(
                &self.outbox,
                now,
                SUMMARY_SUFFIX,
                summary.sealed(self.settings.signer.as_ref()).as_bytes(),
                &self.settings.recipients,
            ),
        }
        .map_err(|e| e.to_string());
        match &result {
            Ok(_) => {
                self.screen = Screen::Thanks;
                self.thanks_until = Some(ctx.input(|i| i.time) + THANKS_SECONDS);
                // Nothing of the patient's is needed any more, including egui's undo history
                // of what was typed.
                self.session = None;
                self.forget_drafts();
                ctx.data_mut(|d| d.remove_by_type::<egui::text_edit::TextEditState>());
                ctx.request_repaint_after_secs(THANKS_SECONDS as f32);
            }
            Err(reason) => self.screen = Screen::SaveFailed(reason.clone()),
        }
        self.last_write = Some(result);
    }
}
