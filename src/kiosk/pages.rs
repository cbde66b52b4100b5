//! The patient's screens around the questions: Welcome, Intro, the crisis message, Thank you,
//! a failed save; and the controls every page shares (A−, A+, contrast; big buttons).

use eframe::egui::{self, Align, Layout, RichText, ScrollArea, Vec2};

use super::strings::{self, Strings, strings};
use super::{Action, CRISIS_GUARD_SECONDS, Kiosk, Screen, idle, staff};
use crate::ui::{measure, theme};

/// Margins of the page, in physical pixels (divided by the zoom factor, so text size buttons
/// do not push the page's edges inwards).
const MARGIN_X: f32 = 48.0;
const MARGIN_Y: f32 = 8.0;

/// The zoom factor: sizes that must stay the same on screen at any text size (keys, buttons
/// that move between pages, margins) are divided by it.
pub(super) fn zoom(ui: &egui::Ui) -> f32 {
    ui.ctx().zoom_factor().max(0.1)
}

fn frame(ui: &egui::Ui) -> egui::Frame {
    let z = zoom(ui);
    egui::Frame::central_panel(ui.style()).inner_margin(egui::Margin::symmetric(
        (MARGIN_X / z) as i8,
        (MARGIN_Y / z) as i8,
    ))
}

impl Kiosk {
    /// A patient's page is three parts: the bar at the top (where they are, text size,
    /// contrast), the bar at the bottom (keys, Back and Next) — both always on screen, at any
    /// text size — and the page itself between them, which scrolls and says when there is more
    /// below. Other screens are one part.
    pub(super) fn draw_panels(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let lang = self.lang();
        let t = strings(&lang);
        let patient_page = self.idle_warning.is_none()
            && matches!(
                self.screen,
                Screen::Intro | Screen::Questions | Screen::Crisis(_)
            );
        let generation = self.generation;
        // The bars keep their size on screen at any text size: their spacing is divided by
        // the zoom factor too.
        let z = zoom(ui);
        let bar_spacing = |ui: &mut egui::Ui| {
            let s = ui.spacing_mut();
            s.interact_size = Vec2::splat(theme::TARGET / z);
            s.button_padding = Vec2::new(20.0 / z, 14.0 / z);
            s.item_spacing = Vec2::splat(14.0 / z);
        };
        if patient_page {
            egui::Panel::top("kiosk-top")
                .frame(frame(ui))
                .show(ui, |ui| {
                    bar_spacing(ui);
                    ui.push_id(generation, |ui| self.draw_top(ui, t, &lang, actions))
                });
            egui::Panel::bottom("kiosk-bottom")
                .frame(frame(ui))
                .show(ui, |ui| {
                    bar_spacing(ui);
                    ui.push_id(generation, |ui| self.draw_bottom(ui, t, actions))
                });
        }
        egui::CentralPanel::default()
            .frame(frame(ui))
            .show(ui, |ui| {
                ui.set_max_width(1100.0_f32.min(ui.available_width()));
                // Touch targets are the kiosk's size on screen at any text size: enlarged text
                // makes a box or an option as tall as its text needs, not twice the target.
                ui.spacing_mut().interact_size = Vec2::splat(theme::TARGET / z);
                ui.spacing_mut().button_padding = Vec2::new(20.0 / z, 14.0 / z);
                ui.push_id(generation, |ui| {
                    if patient_page {
                        self.draw_middle(ui, t, &lang, actions);
                    } else {
                        self.draw(ui, t, actions);
                    }
                });
            });
    }

    /// The top bar of a patient's page.
    fn draw_top(&self, ui: &mut egui::Ui, t: &Strings, lang: &str, actions: &mut Vec<Action>) {
        match (&self.screen, &self.session) {
            (Screen::Questions, Some(session)) => {
                super::question::progress(ui, session, t, lang, actions)
            }
            _ => toolbar(ui, t, actions, |_| {}),
        }
    }

    /// The bottom bar of a patient's page.
    fn draw_bottom(&self, ui: &mut egui::Ui, t: &Strings, actions: &mut Vec<Action>) {
        match &self.screen {
            Screen::Intro => nav(ui, None, Some((t.begin, Action::Begin)), actions),
            Screen::Crisis(_) => self.draw_crisis_button(ui, t, actions),
            Screen::Questions => self.draw_question_bottom(ui, t, actions),
            _ => {}
        }
    }

    /// The scrolling middle of a patient's page.
    fn draw_middle(
        &mut self,
        ui: &mut egui::Ui,
        t: &Strings,
        lang: &str,
        actions: &mut Vec<Action>,
    ) {
        match self.screen.clone() {
            Screen::Intro => scrolling(ui, t, "intro", true, |ui| {
                ui.heading(t.intro_title);
                ui.add_space(12.0);
                ui.label(RichText::new(t.intro_body).size(theme::QUESTION * 0.9));
            }),
            Screen::Crisis(rule) => {
                let message = self
                    .q
                    .as_ref()
                    .and_then(|q| q.safety_rule(rule))
                    .map_or("", |r| r.message.get(lang));
                scrolling(ui, t, ("crisis", rule), true, |ui| {
                    ui.add_space(12.0);
                    ui.label(RichText::new(message).size(theme::QUESTION));
                });
            }
            _ => self.draw_questions(ui, t, lang, actions),
        }
    }

    /// The screens that are one part: Welcome, Thanks, a failed save, the staff screens, the
    /// idle overlay.
    fn draw(&mut self, ui: &mut egui::Ui, t: &Strings, actions: &mut Vec<Action>) {
        if let Some(seconds) = self.idle_warning {
            idle::warning(ui, t, seconds, actions);
            return;
        }
        match &self.screen {
            Screen::Broken(diagnostics) => broken(ui, diagnostics, actions),
            Screen::Welcome => self.draw_welcome(ui, actions),
            Screen::StaffPin => staff::pin_pad(ui, &self.pin, &self.pin_guard, t, actions),
            Screen::Staff => self.draw_staff_menu(ui, actions),
            // Drawn in three parts by `draw_panels`.
            Screen::Intro | Screen::Questions | Screen::Crisis(_) => {}
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

    /// The crisis screen's one button, at the bottom, away from where the answer that raised
    /// it was; it works only once the message has been on screen for [`CRISIS_GUARD_SECONDS`].
    fn draw_crisis_button(&self, ui: &mut egui::Ui, t: &Strings, actions: &mut Vec<Action>) {
        let wait = CRISIS_GUARD_SECONDS - self.view_age(ui.ctx());
        if wait > 0.0 {
            // One repaint when the button may be used: nothing ticks meanwhile.
            ui.ctx().request_repaint_after_secs(wait as f32);
        }
        ui.vertical_centered(|ui| {
            let z = zoom(ui);
            let button =
                egui::Button::new(RichText::new(t.crisis_continue).size(theme::QUESTION / z))
                    .min_size(Vec2::new(420.0 / z, (theme::TARGET + 8.0) / z));
            let response = ui.add_enabled(wait <= 0.0, button);
            measure::note(ui, t.crisis_continue, &response);
            if response.clicked() {
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
                let button = egui::Button::new(RichText::new(&label).size(theme::QUESTION));
                let response = ui.add_sized([420.0, 90.0], button);
                measure::note(ui, &label, &response);
                if response.clicked() {
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

/// The page in the middle: it scrolls (by dragging, too), and when it does not all fit, a
/// line at its foot says there is more below.
/// `page` names the page: each page has its own place in the scroll, so a new page starts at
/// its top, not where the last one was left. Without `cue` (while the letter keys are up, when
/// at large text the page is hardly taller than the box being typed in) the line is left out
/// and the room is the box's; it is back when the keys are put away.
pub(super) fn scrolling(
    ui: &mut egui::Ui,
    t: &Strings,
    page: impl std::hash::Hash + std::fmt::Debug,
    cue: bool,
    body: impl FnOnce(&mut egui::Ui),
) {
    // The cue keeps its size on screen, so at 200 % it does not take the room of a box; it is
    // a button too, for a patient who does not know that a page slides.
    let z = zoom(ui);
    let size = theme::BODY / z;
    let room = if cue {
        CUE_HEIGHT / z + ui.spacing().item_spacing.y
    } else {
        0.0
    };
    // Where the page was slid to, kept by page rather than by egui's widget path: when the
    // keypad opens beside the answer the page is laid out anew, and it must not jump back to
    // its top and hide the box being typed in.
    let kept = egui::Id::NULL.with(("prescreen-page-offset", &page));
    let offset = ui.ctx().data(|d| d.get_temp::<PageOffset>(kept));
    let mut area = ScrollArea::vertical()
        .id_salt(("page", page))
        // Never taller than the room between the bars (egui's default minimum of 64 points
        // would run under the keys at 200 %).
        .max_height((ui.available_height() - room).max(1.0))
        .min_scrolled_height(0.0)
        .auto_shrink([false, true])
        .scroll_source(egui::scroll_area::ScrollSource::ALL);
    if let Some(PageOffset(y)) = offset {
        area = area.vertical_scroll_offset(y);
    }
    let out = area.show(ui, body);
    let y = out.state.unclamped_offset().y;
    ui.ctx().data_mut(|d| d.insert_temp(kept, PageOffset(y)));
    let shown = out.inner_rect.height();
    let hidden_below = out.content_size.y - (out.state.clamped_offset().y + shown);
    if cue && hidden_below > 1.0 {
        let text = RichText::new(t.more_below)
            .size(size)
            .color(egui::Color32::from_rgb(0, 70, 160))
            .strong();
        let button = egui::Button::new(text)
            .frame(false)
            .min_size(Vec2::new(ui.available_width(), CUE_HEIGHT / z));
        let response = ui.add(button);
        measure::note(ui, t.more_below, &response);
        if response.clicked() {
            // Most of a screen further, keeping a line of what was read in view.
            let down = (shown * 0.8).min(hidden_below);
            let to = out.state.clamped_offset().y + down;
            ui.ctx().data_mut(|d| d.insert_temp(kept, PageOffset(to)));
            ui.ctx().request_repaint();
        }
    }
}

/// The height of the "More below" cue on screen, in pixels: a comfortable touch target that
/// leaves the page its room.
const CUE_HEIGHT: f32 = 48.0;

/// How far a page is slid up, in points (see [`scrolling`]); forgotten with the patient.
#[derive(Clone, Copy, Debug)]
pub(super) struct PageOffset(f32);

/// A–, A+ and contrast, on every patient's page, at the same size on screen whatever the text
/// size; `left` draws where the patient is beside them, or under them when there is no room.
pub(super) fn toolbar(
    ui: &mut egui::Ui,
    t: &Strings,
    actions: &mut Vec<Action>,
    left: impl FnOnce(&mut egui::Ui),
) {
    let z = zoom(ui);
    let controls = 430.0 / z;
    let buttons = |ui: &mut egui::Ui, actions: &mut Vec<Action>| {
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            let size = theme::BODY / z;
            let min = Vec2::splat(theme::TARGET / z);
            let mut button = |ui: &mut egui::Ui, text: &str, name: &str, action: Action| {
                let b = egui::Button::new(RichText::new(text).size(size)).min_size(min);
                let response = ui.add(b).accessible_name(name);
                measure::note(ui, name, &response);
                if response.clicked() {
                    actions.push(action);
                }
            };
            button(ui, t.high_contrast, t.high_contrast, Action::ToggleContrast);
            button(ui, "A+", t.bigger_text, Action::Zoom(1));
            button(ui, "A−", t.smaller_text, Action::Zoom(-1));
        });
    };
    if ui.available_width() - controls >= 300.0 / z {
        ui.horizontal(|ui| {
            // Where the patient is shares the row with the controls, leaving the height of
            // the page to the question and the keyboard.
            ui.vertical(|ui| {
                ui.set_max_width(ui.available_width() - controls);
                left(ui);
            });
            buttons(ui, actions);
        });
    } else {
        ui.horizontal(|ui| buttons(ui, actions));
        left(ui);
    }
}

/// Back on the left, the way on at the right, at the same size on screen at any text size;
/// `middle` between them (a message).
pub(super) fn nav(
    ui: &mut egui::Ui,
    back: Option<(&str, Action)>,
    on: Option<(&str, Action)>,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        if let Some((text, action)) = back
            && big_button(ui, text).clicked()
        {
            actions.push(action);
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if let Some((text, action)) = on
                && big_button(ui, text).clicked()
            {
                actions.push(action);
            }
        });
    });
}

/// A button that moves between pages: the same size on screen at any text size, so it always
/// fits.
pub(super) fn big_button(ui: &mut egui::Ui, text: &str) -> egui::Response {
    let z = zoom(ui);
    let response = ui.add(
        egui::Button::new(RichText::new(text).size(theme::QUESTION / z))
            .min_size(Vec2::new(200.0 / z, (theme::TARGET + 8.0) / z)),
    );
    measure::note(ui, text, &response);
    response
}
