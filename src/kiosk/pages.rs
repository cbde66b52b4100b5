//! The patient's screens around the questions: Welcome, Intro, the crisis message, Thank you,
//! a failed save; and the controls every page shares (A−, A+, contrast; big buttons).

use eframe::egui::{self, Align, Layout, RichText, ScrollArea, Vec2};

use super::strings::{self, Strings, strings};
use super::{Action, CRISIS_GUARD_SECONDS, Kiosk, Screen, idle, staff};
use crate::engine::RuleIdx;
use crate::ui::theme;

impl Kiosk {
    pub(super) fn draw(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let lang = self.lang();
        let t = strings(&lang);
        if let Some(seconds) = self.idle_warning {
            idle::warning(ui, t, seconds, actions);
            return;
        }
        match &self.screen {
            Screen::Broken(diagnostics) => broken(ui, diagnostics, actions),
            Screen::Welcome => self.draw_welcome(ui, actions),
            Screen::StaffPin => staff::pin_pad(ui, &self.pin, t, actions),
            Screen::Staff => self.draw_staff_menu(ui, actions),
            Screen::Intro => {
                toolbar(ui, t, actions, |_| {});
                ui.heading(t.intro_title);
                ui.add_space(12.0);
                ui.label(RichText::new(t.intro_body).size(theme::QUESTION * 0.9));
                ui.add_space(24.0);
                if big_button(ui, t.begin).clicked() {
                    actions.push(Action::Begin);
                }
            }
            Screen::Questions => self.draw_questions(ui, t, &lang, actions),
            Screen::Crisis(rule) => self.draw_crisis(ui, *rule, t, &lang, actions),
            Screen::Thanks => {
                ui.add_space(60.0);
                ui.vertical_centered(|ui| {
                    ui.heading(t.thanks_title);
                    ui.add_space(20.0);
                    ui.label(RichText::new(t.thanks_body).size(theme::QUESTION));
                });
            }
            Screen::SaveFailed(_) => {
                ui.heading(t.save_failed_title);
                ui.add_space(12.0);
                ui.label(t.save_failed_body);
                ui.add_space(24.0);
                if big_button(ui, t.retry).clicked() {
                    actions.push(Action::Retry);
                }
            }
        }
    }

    /// The crisis message, full screen. "Continue" stands at the bottom, away from where the
    /// answer that raised it was, and works only once the message has been on screen for
    /// [`CRISIS_GUARD_SECONDS`].
    fn draw_crisis(
        &self,
        ui: &mut egui::Ui,
        rule: RuleIdx,
        t: &Strings,
        lang: &str,
        actions: &mut Vec<Action>,
    ) {
        let message = self
            .q
            .as_ref()
            .and_then(|q| q.safety_rule(rule))
            .map_or("", |r| r.message.get(lang));
        let wait = CRISIS_GUARD_SECONDS - self.view_age(ui.ctx());
        if wait > 0.0 {
            // One repaint when the button may be used: nothing ticks meanwhile.
            ui.ctx().request_repaint_after_secs(wait as f32);
        }
        ui.add_space(24.0);
        ScrollArea::vertical()
            .max_height(ui.available_height() - theme::TARGET - 40.0)
            .show(ui, |ui| {
                ui.label(RichText::new(message).size(theme::QUESTION));
            });
        ui.with_layout(Layout::bottom_up(Align::Center), |ui| {
            let button = egui::Button::new(RichText::new(t.crisis_continue).size(theme::QUESTION))
                .min_size(Vec2::new(420.0, theme::TARGET + 8.0));
            if ui.add_enabled(wait <= 0.0, button).clicked() {
                actions.push(Action::AcknowledgeCrisis);
            }
        });
    }

    fn draw_welcome(&self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let Some(q) = &self.q else { return };
        let languages = if self.settings.languages.is_empty() {
            &q.languages
        } else {
            &self.settings.languages
        };
        let default = languages
            .first()
            .map_or_else(|| q.default_language(), String::as_str);
        ui.add_space(40.0);
        ui.vertical_centered(|ui| {
            if let Some(clinic) = &self.settings.clinic_name {
                ui.label(RichText::new(clinic).size(theme::QUESTION).strong());
                ui.add_space(12.0);
            }
            ui.heading(q.title.get(default));
            ui.add_space(40.0);
            // Each language is named in its own language; tapping one starts in it.
            for lang in languages {
                let name = strings(lang).language_name;
                let label = format!("{} — {name}", strings(lang).start);
                let button = egui::Button::new(RichText::new(label).size(theme::QUESTION));
                if ui.add_sized([420.0, 90.0], button).clicked() {
                    actions.push(Action::Start(lang.clone()));
                }
                ui.add_space(16.0);
            }
        });
        // A discreet corner for staff, only between patients.
        ui.with_layout(Layout::bottom_up(Align::Max), |ui| {
            let staff =
                egui::Button::new(RichText::new(strings(default).staff).size(theme::BODY * 0.8));
            if ui.add(staff).clicked() {
                actions.push(Action::OpenStaff);
            }
        });
    }
}

/// The questionnaire did not load: staff read why; no patient can start.
fn broken(ui: &mut egui::Ui, diagnostics: &str, actions: &mut Vec<Action>) {
    ui.heading(strings::staff::BROKEN_TITLE);
    ui.label(strings::staff::BROKEN_BODY);
    if ui.button(strings::staff::QUIT).clicked() {
        actions.push(Action::Quit);
    }
    ScrollArea::vertical().show(ui, |ui| {
        ui.label(RichText::new(diagnostics).monospace().size(16.0));
    });
}

/// A–, A+ and contrast, on every page; `left` draws where the patient is beside them.
pub(super) fn toolbar(
    ui: &mut egui::Ui,
    t: &Strings,
    actions: &mut Vec<Action>,
    left: impl FnOnce(&mut egui::Ui),
) {
    ui.horizontal(|ui| {
        // Where the patient is (section, progress) shares the row with A−, A+ and contrast,
        // leaving the height of the page to the question and the keyboard.
        ui.vertical(|ui| {
            ui.set_max_width(ui.available_width() - 420.0);
            left(ui);
        });
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui
                .button(RichText::new(t.high_contrast).size(theme::BODY))
                .clicked()
            {
                actions.push(Action::ToggleContrast);
            }
            if ui
                .button(RichText::new("A+").size(theme::BODY))
                .accessible_name(t.bigger_text)
                .clicked()
            {
                actions.push(Action::Zoom(1));
            }
            if ui
                .button(RichText::new("A−").size(theme::BODY))
                .accessible_name(t.smaller_text)
                .clicked()
            {
                actions.push(Action::Zoom(-1));
            }
        });
    });
}

pub(super) fn big_button(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add(
        egui::Button::new(RichText::new(text).size(theme::QUESTION))
            .min_size(Vec2::new(220.0, theme::TARGET + 8.0)),
    )
}
