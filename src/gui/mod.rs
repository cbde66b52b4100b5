//! The patient kiosk: a thin egui view over the engine's [`Session`].
//!
//! Screens: Welcome → Intro → one question per page → Review → Thank you → (hard reset) →
//! Welcome. Every rule (what is shown, required, valid; when a safety rule fires) is the
//! engine's; this module only draws the session and turns taps into `set` / `forward` / `back`.
//!
//! Rendering collects [`Action`]s and applies them after the frame's widgets are drawn, so the
//! drawing code only reads the session.

mod keyboard;
pub mod measure;
pub mod review;
mod strings;
pub mod theme;
mod widgets;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui::{self, Align, Layout, RichText, ScrollArea, Vec2};

use crate::engine::summary::{Summary, UrgentAlert};
use crate::engine::{
    Alert, Answer, Clock, Cursor, Invalid, ItemIdx, Questionnaire, Session, answer,
};
use crate::outbox;
pub use strings::{Strings, strings};
use widgets::Edit;

/// Seconds the thank-you screen stays before the kiosk resets for the next patient.
pub const THANKS_SECONDS: f64 = 20.0;

/// Seconds without a touch or key before "Are you still here?" appears.
pub const IDLE_SECONDS: f64 = 120.0;

/// Seconds "Are you still here?" counts down before the session is wiped.
pub const COUNTDOWN_SECONDS: f64 = 30.0;

/// Site settings the kiosk runs with (from the configuration file and the command line).
#[derive(Clone, Debug)]
pub struct Settings {
    pub clinic_name: Option<String>,
    /// Languages offered on Welcome, first the default; empty means all of the questionnaire's.
    pub languages: Vec<String>,
    pub idle_seconds: f64,
    pub countdown_seconds: f64,
    /// Locked mode: fullscreen, no decorations, closing only through the staff menu.
    pub kiosk: bool,
    /// The staff PIN hash (`sha256:salt:hex`); `None` means the staff menu cannot be opened.
    pub staff_pin: Option<String>,
    /// Public keys exports are encrypted to; empty: written unencrypted (the staff menu warns).
    pub recipients: crate::crypto::Recipients,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clinic_name: None,
            languages: Vec::new(),
            idle_seconds: IDLE_SECONDS,
            countdown_seconds: COUNTDOWN_SECONDS,
            kiosk: false,
            staff_pin: None,
            recipients: crate::crypto::Recipients::default(),
        }
    }
}

impl Settings {
    pub fn from_config(
        config: &crate::config::Config,
        languages: Vec<String>,
        kiosk: bool,
    ) -> Self {
        Settings {
            clinic_name: config.clinic_name.clone(),
            languages,
            idle_seconds: f64::from(config.idle_seconds),
            countdown_seconds: f64::from(config.countdown_seconds),
            kiosk,
            staff_pin: config.staff_pin.clone(),
            recipients: config.recipients.clone(),
        }
    }
}

/// What the kiosk is showing.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Welcome,
    Intro,
    /// The session's cursor decides which question or the review page.
    Questions,
    /// A safety rule fired: its message, full screen, until acknowledged.
    Crisis(usize),
    Thanks,
    /// Submitting failed: the answers are kept; staff can fix the outbox and retry.
    SaveFailed(String),
    /// The questionnaire did not load: staff-facing diagnostics, no patient flow.
    Broken(String),
    /// The staff PIN pad (from the corner of Welcome).
    StaffPin,
    /// The staff menu: outbox, last write, quit.
    Staff,
}

/// One thing the patient did this frame.
enum Action {
    Start(String),
    Begin,
    Edit(ItemIdx, Edit),
    Next,
    Back,
    Jump(ItemIdx),
    Submit,
    Retry,
    AcknowledgeCrisis,
    MoreTime,
    Key(keyboard::Press),
    OpenStaff,
    PinKey(keyboard::Press),
    PinEnter,
    LeaveStaff,
    OpenReview,
    Quit,
    Zoom(i32),
    ToggleContrast,
}

pub struct Kiosk {
    q: Option<Arc<Questionnaire>>,
    clock: Arc<dyn Clock>,
    outbox: PathBuf,
    screen: Screen,
    session: Option<Session>,
    /// Text typed into number, date and text fields, not yet accepted as an answer.
    drafts: BTreeMap<String, String>,
    /// The message next to the current answer ("Please enter a number between …").
    message: Option<String>,
    zoom_step: usize,
    high_contrast: bool,
    /// The patient's language, kept past the session for the thank-you screen; reset with it.
    language: Option<String>,
    /// One-shot capital letter on the on-screen keyboard.
    shift: bool,
    /// Salts widget ids: a new session never meets the previous one's widget state.
    generation: u64,
    thanks_until: Option<f64>,
    /// egui time of the patient's last touch or key.
    last_activity: f64,
    /// Seconds left on the "Are you still here?" countdown, while it shows.
    idle_warning: Option<u32>,
    settings: Settings,
    /// Digits typed on the staff PIN pad.
    pin: String,
    /// Set by the staff menu's Quit, so the locked window lets itself close.
    staff_quit: bool,
    /// The outcome of the last staff action (opening the review window).
    staff_note: Option<String>,
    /// The last outbox write, for staff: a path or the reason it failed.
    pub last_write: Option<Result<PathBuf, String>>,
}

impl Kiosk {
    pub fn new(
        q: Result<Arc<Questionnaire>, String>,
        outbox: PathBuf,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let (q, screen) = match q {
            Ok(q) => (Some(q), Screen::Welcome),
            Err(diagnostics) => (None, Screen::Broken(diagnostics)),
        };
        Kiosk {
            q,
            clock,
            outbox,
            screen,
            session: None,
            drafts: BTreeMap::new(),
            message: None,
            zoom_step: 0,
            high_contrast: false,
            language: None,
            shift: false,
            generation: 0,
            thanks_until: None,
            last_activity: 0.0,
            idle_warning: None,
            settings: Settings::default(),
            pin: String::new(),
            staff_quit: false,
            staff_note: None,
            last_write: None,
        }
    }

    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    pub fn session_mut(&mut self) -> Option<&mut Session> {
        self.session.as_mut()
    }

    /// Shows an already started session (for tests and for resuming after a failed save).
    pub fn open(&mut self, session: Session) {
        self.language = Some(session.language().to_owned());
        self.session = Some(session);
        self.screen = Screen::Questions;
    }

    /// Typed text not yet accepted as an answer, overwritten before it is dropped.
    fn forget_drafts(&mut self) {
        for draft in self.drafts.values_mut() {
            zeroize::Zeroize::zeroize(draft);
        }
        self.drafts.clear();
    }

    /// Everything one patient left behind is dropped: answers (zeroized by the session),
    /// drafts, messages, language, zoom, contrast, and egui's own text-edit state and focus.
    pub fn reset(&mut self, ctx: &egui::Context) {
        self.session = None;
        self.forget_drafts();
        self.message = None;
        self.zoom_step = 0;
        self.high_contrast = false;
        self.language = None;
        self.shift = false;
        keyboard::clear_target(ctx);
        self.thanks_until = None;
        self.idle_warning = None;
        self.generation += 1;
        self.staff_note = None;
        self.screen = Screen::Welcome;
        ctx.data_mut(|d| d.remove_by_type::<egui::text_edit::TextEditState>());
        ctx.memory_mut(|m| {
            if let Some(id) = m.focused() {
                m.surrender_focus(id);
            }
        });
        ctx.set_zoom_factor(1.0);
        theme::set_contrast(ctx, false);
    }

    fn lang(&self) -> String {
        match (&self.language, &self.q) {
            (Some(l), _) => l.clone(),
            (None, Some(q)) => q.default_language().to_owned(),
            (None, None) => "en".to_owned(),
        }
    }

    /// Draws the kiosk for one frame and applies what the patient did.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if let (Screen::Thanks, Some(until)) = (&self.screen, self.thanks_until) {
            let now = ctx.input(|i| i.time);
            if now >= until {
                self.reset(&ctx);
            } else {
                ctx.request_repaint_after_secs((until - now) as f32);
            }
        }
        self.watch_idle(&ctx);
        let mut actions = Vec::new();
        let frame =
            egui::Frame::central_panel(ui.style()).inner_margin(egui::Margin::symmetric(48, 28));
        egui::CentralPanel::default().frame(frame).show(ui, |ui| {
            ui.set_max_width(1100.0_f32.min(ui.available_width()));
            ui.push_id(self.generation, |ui| self.draw(ui, &mut actions));
        });
        let navigated = actions.iter().any(|a| {
            matches!(
                a,
                Action::Next | Action::Back | Action::Jump(_) | Action::Begin | Action::Submit
            )
        });
        for action in actions {
            self.apply(action, &ctx);
        }
        if navigated {
            // The old page's focus goes with it; one more frame lets the new page's first
            // field take the focus (see `widgets::focus_on_arrival`).
            ctx.memory_mut(|m| {
                if let Some(id) = m.focused() {
                    m.surrender_focus(id);
                }
            });
            ctx.request_repaint();
        }
    }

    /// Idle reset. Touches and keys count as activity. While a patient is mid-session, one
    /// repaint is scheduled at the deadline (no polling); then a countdown with "I need more
    /// time"; then everything is wiped. A failed save is left for staff, with its answers.
    fn watch_idle(&mut self, ctx: &egui::Context) {
        let (now, active) = ctx.input(|i| {
            let active = i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::PointerButton { .. }
                        | egui::Event::Touch { .. }
                        | egui::Event::MouseWheel { .. }
                )
            });
            (i.time, active)
        });
        if active {
            self.last_activity = now;
        }
        let watching = matches!(
            self.screen,
            Screen::Intro | Screen::Questions | Screen::Crisis(_)
        );
        if !watching {
            self.idle_warning = None;
            return;
        }
        let idle = now - self.last_activity;
        let deadline = self.settings.idle_seconds + self.settings.countdown_seconds;
        if idle >= deadline {
            self.reset(ctx);
        } else if idle >= self.settings.idle_seconds {
            self.idle_warning = Some((deadline - idle).ceil() as u32);
            // The countdown is visible, so it ticks once a second — only while it shows.
            ctx.request_repaint_after_secs(1.0_f64.min(deadline - idle) as f32);
        } else {
            self.idle_warning = None;
            ctx.request_repaint_after_secs((self.settings.idle_seconds - idle) as f32);
        }
    }

    fn draw(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let lang = self.lang();
        let t = strings(&lang);
        if let Some(seconds) = self.idle_warning {
            // The page underneath is hidden too: a passer-by sees no answers.
            ui.add_space(60.0);
            ui.vertical_centered(|ui| {
                ui.heading(t.still_here_title);
                ui.add_space(20.0);
                let body = t.still_here_body.replace("{n}", &seconds.to_string());
                ui.label(RichText::new(body).size(theme::QUESTION));
                ui.add_space(30.0);
                let button = egui::Button::new(RichText::new(t.more_time).size(theme::QUESTION))
                    .min_size(Vec2::new(420.0, 96.0));
                if ui.add(button).clicked() {
                    actions.push(Action::MoreTime);
                }
            });
            return;
        }
        match self.screen.clone() {
            Screen::Broken(diagnostics) => {
                ui.heading("prescreen cannot start");
                ui.label("Staff: fix the problem below, then restart prescreen. No patient can start until then.");
                if ui.button("Quit prescreen").clicked() {
                    actions.push(Action::Quit);
                }
                ScrollArea::vertical().show(ui, |ui| {
                    ui.label(RichText::new(diagnostics).monospace().size(16.0));
                });
            }
            Screen::Welcome => self.draw_welcome(ui, actions),
            Screen::StaffPin => {
                ui.heading("Staff PIN");
                ui.add_space(12.0);
                ui.label(RichText::new("*".repeat(self.pin.len()) + " ").size(theme::HEADING));
                ui.add_space(12.0);
                if let Some(press) = keyboard::show(ui, keyboard::Keys::Digits, false, t) {
                    actions.push(Action::PinKey(press));
                }
                ui.add_space(12.0);
                ui.horizontal(|ui| {
                    if big_button(ui, "Cancel").clicked() {
                        actions.push(Action::LeaveStaff);
                    }
                    if big_button(ui, "Enter").clicked() {
                        actions.push(Action::PinEnter);
                    }
                });
            }
            Screen::Staff => {
                ui.heading("Staff menu");
                ui.add_space(12.0);
                ui.label(format!("Outbox: {}", self.outbox.display()));
                let status = match &self.last_write {
                    None => "Last write: nothing written since start".to_owned(),
                    Some(Ok(path)) => format!(
                        "Last write: ok — {}",
                        path.file_name()
                            .map_or(String::new(), |n| n.to_string_lossy().into_owned())
                    ),
                    Some(Err(reason)) => format!("Last write FAILED: {reason}"),
                };
                ui.label(status);
                let recipients = self.settings.recipients.len();
                if recipients == 0 {
                    ui.label(
                        RichText::new(
                            "Exports are NOT encrypted: anyone who can read the outbox can read \
                             patients' answers. Set `recipients` in the site configuration.",
                        )
                        .color(egui::Color32::from_rgb(170, 20, 20))
                        .strong(),
                    );
                } else {
                    ui.label(format!(
                        "Exports are encrypted for {recipients} recipient{}",
                        if recipients == 1 { "" } else { "s" }
                    ));
                }
                if let Some(q) = &self.q {
                    ui.label(format!(
                        "Questionnaire: {} {} (sha256 {}…)",
                        q.id,
                        q.version,
                        &q.sha256[..12.min(q.sha256.len())]
                    ));
                }
                ui.label(format!(
                    "Kiosk mode: {}",
                    if self.settings.kiosk {
                        "locked"
                    } else {
                        "window"
                    }
                ));
                ui.add_space(24.0);
                ui.horizontal(|ui| {
                    if big_button(ui, "Back to welcome").clicked() {
                        actions.push(Action::LeaveStaff);
                    }
                    if big_button(ui, "Open clinician review").clicked() {
                        actions.push(Action::OpenReview);
                    }
                    if big_button(ui, "Quit prescreen").clicked() {
                        actions.push(Action::Quit);
                    }
                });
                if let Some(note) = &self.staff_note {
                    ui.label(note);
                }
            }
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
            Screen::Crisis(rule) => {
                let message = self
                    .q
                    .as_ref()
                    .and_then(|q| q.safety.get(rule))
                    .map_or(String::new(), |r| r.message.get(&lang).to_owned());
                ui.add_space(24.0);
                ui.label(RichText::new(message).size(theme::QUESTION));
                ui.add_space(24.0);
                if big_button(ui, t.crisis_continue).clicked() {
                    actions.push(Action::AcknowledgeCrisis);
                }
            }
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

    fn draw_welcome(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let Some(q) = self.q.clone() else { return };
        let languages = if self.settings.languages.is_empty() {
            q.languages.clone()
        } else {
            self.settings.languages.clone()
        };
        let default = languages
            .first()
            .cloned()
            .unwrap_or_else(|| q.default_language().to_owned());
        ui.add_space(40.0);
        ui.vertical_centered(|ui| {
            if let Some(clinic) = &self.settings.clinic_name {
                ui.label(RichText::new(clinic).size(theme::QUESTION).strong());
                ui.add_space(12.0);
            }
            ui.heading(q.title.get(&default));
            ui.add_space(40.0);
            // Each language is named in its own language; tapping one starts in it.
            for lang in &languages {
                let name = strings(lang).language_name;
                let label = format!("{} — {name}", strings(lang).start);
                if ui
                    .add_sized(
                        [420.0, 90.0],
                        egui::Button::new(RichText::new(label).size(theme::QUESTION)),
                    )
                    .clicked()
                {
                    actions.push(Action::Start(lang.clone()));
                }
                ui.add_space(16.0);
            }
        });
        // A discreet corner for staff, only between patients.
        ui.with_layout(Layout::bottom_up(Align::Max), |ui| {
            let staff =
                egui::Button::new(RichText::new(strings(&default).staff).size(theme::BODY * 0.8));
            if ui.add(staff).clicked() {
                actions.push(Action::OpenStaff);
            }
        });
    }

    fn draw_questions(
        &mut self,
        ui: &mut egui::Ui,
        t: &Strings,
        lang: &str,
        actions: &mut Vec<Action>,
    ) {
        let Some(session) = &self.session else { return };
        let q = session.questionnaire().clone();
        let (answered, asked) = session.progress();
        let section_title = match session.cursor() {
            Cursor::Item(idx) => Some(q.sections[q.item(idx).section].title.get(lang).to_owned()),
            _ => None,
        };
        toolbar(ui, t, actions, |ui| {
            if let Some(title) = section_title {
                ui.label(RichText::new(title).size(theme::BODY).strong());
            }
            let fraction = if asked == 0 {
                0.0
            } else {
                answered as f32 / asked as f32
            };
            ui.horizontal(|ui| {
                ui.scope(|ui| {
                    // A dark fill on a light track: visible to a low-vision reader.
                    ui.visuals_mut().extreme_bg_color = egui::Color32::from_gray(215);
                    ui.visuals_mut().selection.bg_fill = egui::Color32::from_rgb(0, 90, 200);
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .desired_height(14.0)
                            .desired_width(220.0),
                    );
                });
                ui.label(format!("{answered} / {asked} {}", t.answered_of));
            });
        });
        match session.cursor() {
            Cursor::Start => {}
            Cursor::Review => {
                ui.heading(t.review_title);
                ui.label(t.review_body);
                self.draw_review(ui, t, lang, actions);
                ui.add_space(16.0);
                ui.horizontal(|ui| {
                    if big_button(ui, t.back).clicked() {
                        actions.push(Action::Back);
                    }
                    if big_button(ui, t.submit).clicked() {
                        actions.push(Action::Submit);
                    }
                });
            }
            Cursor::Item(idx) => {
                let item = q.item(idx);
                ui.add_space(12.0);
                let target = keyboard::target(ui.ctx()).filter(|k| {
                    k.draft == item.id
                        || k.draft.starts_with(&format!("{}#", item.id))
                        || k.draft.starts_with(&format!("{}/", item.id))
                });
                // The keypad is narrow: it stands beside the answer, so the question stays in
                // view. The letter keyboard is wide: it goes below, and the page makes room.
                let side_keypad = target
                    .as_ref()
                    .is_some_and(|k| k.keys == keyboard::Keys::Digits);
                let keyboard_height = target
                    .as_ref()
                    .filter(|k| k.keys == keyboard::Keys::Letters)
                    .map_or(0.0, |k| keyboard::height(k.keys) + 4.0);
                let body_height = ui.available_height() - theme::TARGET - 20.0 - keyboard_height;
                let keypad_width = if side_keypad {
                    keyboard::KEYPAD_WIDTH + 24.0
                } else {
                    0.0
                };
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_max_width(ui.available_width() - keypad_width);
                        ScrollArea::vertical()
                            .max_height(body_height.max(120.0))
                            .scroll_source(egui::scroll_area::ScrollSource::ALL)
                            .show(ui, |ui| {
                                let question = ui.label(
                                    RichText::new(item.text.get(lang)).size(theme::QUESTION),
                                );
                                if let Some(help) = &item.help {
                                    ui.label(RichText::new(help.get(lang)).size(theme::BODY * 0.9));
                                }
                                if item.kind.is_question() {
                                    let hint = if session.is_required(idx) {
                                        t.required_hint
                                    } else {
                                        t.skip_hint
                                    };
                                    ui.label(RichText::new(hint).italics());
                                }
                                ui.add_space(8.0);
                                let key = item.id.clone();
                                if let Some(edit) = widgets::answer(
                                    ui,
                                    &q,
                                    item,
                                    session.answer(idx),
                                    &mut self.drafts,
                                    &key,
                                    lang,
                                    t,
                                    question.id,
                                ) {
                                    actions.push(Action::Edit(idx, edit));
                                }
                                if let Some(message) = &self.message {
                                    ui.add_space(8.0);
                                    ui.label(
                                        RichText::new(message)
                                            .color(egui::Color32::from_rgb(170, 0, 0))
                                            .size(theme::BODY)
                                            .strong(),
                                    );
                                }
                                // When the keyboard takes the lower part of the page, a field
                                // cut by the edge is scrolled fully into view (once: a field in
                                // view is left alone, so this schedules nothing while idle).
                                let clip = ui.clip_rect();
                                if let Some(r) = ui
                                    .ctx()
                                    .memory(|m| m.focused())
                                    .and_then(|id| ui.ctx().read_response(id))
                                    && r.rect.top() < clip.bottom()
                                    && r.rect.bottom() > clip.bottom() + 0.5
                                {
                                    ui.scroll_to_rect(r.rect, Some(Align::Max));
                                }
                            });
                    });
                    if side_keypad {
                        ui.vertical(|ui| {
                            if let Some(press) =
                                keyboard::show(ui, keyboard::Keys::Digits, false, t)
                            {
                                actions.push(Action::Key(press));
                            }
                        });
                    }
                });
                ui.with_layout(Layout::bottom_up(Align::Min), |ui| {
                    // Bottom-up: navigation first (at the bottom), the keyboard above it.
                    let nav = ui.horizontal(|ui| {
                        if big_button(ui, t.back).clicked() {
                            actions.push(Action::Back);
                        }
                        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                            if big_button(ui, t.next).clicked() {
                                actions.push(Action::Next);
                            }
                        });
                    });
                    let _ = nav;
                    if let Some(target) = target.filter(|k| k.keys == keyboard::Keys::Letters) {
                        // A capital at the start of a name or sentence, without asking.
                        let empty = self.drafts.get(&target.draft).is_none_or(String::is_empty);
                        let shift = self.shift || (target.keys == keyboard::Keys::Letters && empty);
                        ui.add_space(4.0);
                        ui.with_layout(Layout::top_down(Align::Min), |ui| {
                            if let Some(press) = keyboard::show(ui, target.keys, shift, t) {
                                actions.push(Action::Key(press));
                            }
                        });
                    }
                });
            }
        }
    }

    fn draw_review(&self, ui: &mut egui::Ui, t: &Strings, lang: &str, actions: &mut Vec<Action>) {
        let Some(session) = &self.session else { return };
        let q = session.questionnaire();
        let pages = session.visible_pages();
        let height = ui.available_height() - theme::TARGET - 40.0;
        ScrollArea::vertical()
            .max_height(height.max(120.0))
            .scroll_source(egui::scroll_area::ScrollSource::ALL)
            .show(ui, |ui| {
                let mut last_section = usize::MAX;
                for idx in pages {
                    let item = q.item(idx);
                    if !item.kind.is_question() {
                        continue;
                    }
                    if item.section != last_section {
                        last_section = item.section;
                        ui.add_space(12.0);
                        ui.label(
                            RichText::new(q.sections[item.section].title.get(lang))
                                .size(theme::QUESTION)
                                .strong(),
                        );
                    }
                    let shown = session.answer(idx).map_or_else(
                        || t.not_answered.to_owned(),
                        |a| {
                            let mut s = answer::display(q, item, a, lang);
                            if let Answer::Group(entries) = a {
                                s = group_summary(q, item, entries, lang);
                            }
                            s
                        },
                    );
                    // The whole row is one big button: question, answer, and "Change".
                    // The answer in bold under the question, so it stands out when checking.
                    let mut text = egui::text::LayoutJob::default();
                    let style = ui.style().clone();
                    for part in [
                        RichText::new(format!("{}\n", item.text.get(lang))).size(theme::BODY),
                        RichText::new(&shown)
                            .size(theme::BODY)
                            .family(egui::FontFamily::Name("bold".into())),
                    ] {
                        part.append_to(&mut text, &style, egui::FontSelection::Default, Align::Min);
                    }
                    let row = ui.add(
                        egui::Button::new(egui::WidgetText::from(text))
                            .wrap()
                            .min_size(Vec2::new(ui.available_width(), theme::TARGET)),
                    );
                    let row = row.accessible_name(format!(
                        "{}: {} — {}",
                        t.change,
                        item.text.get(lang),
                        shown
                    ));
                    if row.clicked() {
                        actions.push(Action::Jump(idx));
                    }
                }
            });
    }

    fn apply(&mut self, action: Action, ctx: &egui::Context) {
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
            Action::Edit(idx, edit) => self.edit(idx, edit),
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
                    let _ = s.jump(idx);
                }
            }
            Action::Submit | Action::Retry => self.submit(ctx),
            Action::AcknowledgeCrisis => self.screen = Screen::Questions,
            Action::Key(press) => {
                if let Some(target) = keyboard::target(ctx) {
                    let draft = self.drafts.entry(target.draft.clone()).or_default();
                    if target.keys == keyboard::Keys::Letters
                        && draft.is_empty()
                        && matches!(press, keyboard::Press::Char(_))
                    {
                        self.shift = true;
                    }
                    keyboard::apply(draft, &press, &mut self.shift);
                    // Keys edit the end of the text: the cursor goes there too, so what the
                    // patient sees matches where the next letter lands.
                    let end = egui::text::CCursor::new(draft.chars().count());
                    let mut state = egui::text_edit::TextEditState::load(ctx, target.widget)
                        .unwrap_or_default();
                    state
                        .cursor
                        .set_char_range(Some(egui::text::CCursorRange::one(end)));
                    state.store(ctx, target.widget);
                    ctx.memory_mut(|m| m.request_focus(target.widget));
                }
            }
            Action::OpenStaff => {
                zeroize::Zeroize::zeroize(&mut self.pin);
                self.screen = Screen::StaffPin;
            }
            Action::PinKey(press) => {
                if let keyboard::Press::Char(c) = press {
                    if c.is_ascii_digit() && self.pin.len() < 12 {
                        self.pin.push(c);
                    }
                } else if press == keyboard::Press::Delete {
                    self.pin.pop();
                }
            }
            Action::PinEnter => {
                let ok = crate::config::pin_matches(self.settings.staff_pin.as_deref(), &self.pin);
                zeroize::Zeroize::zeroize(&mut self.pin);
                self.screen = if ok { Screen::Staff } else { Screen::Welcome };
            }
            Action::LeaveStaff => {
                zeroize::Zeroize::zeroize(&mut self.pin);
                self.screen = Screen::Welcome;
            }
            Action::OpenReview => {
                // A separate process, so the kiosk goes on running and a problem in one
                // window cannot take the other down.
                let started = std::env::current_exe().and_then(|exe| {
                    std::process::Command::new(exe)
                        .arg("review")
                        .arg(&self.outbox)
                        .spawn()
                });
                self.staff_note = Some(match started {
                    Ok(_) => "The clinician review window is opening.".to_owned(),
                    Err(e) => format!("Could not open the clinician review: {e}"),
                });
            }
            Action::Quit => {
                self.staff_quit = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
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
        }
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
                Err(e) => self.message = Some(strings::invalid(&e, &self.lang())),
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
        match widgets::parse_draft(&q, item, session.answer(idx), &self.drafts, &item.id) {
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
                self.message = Some(strings::invalid(&e, &self.lang()));
                false
            }
        }
    }

    fn next(&mut self) {
        if !self.commit_drafts() || matches!(self.screen, Screen::Crisis(_)) {
            return;
        }
        let lang = self.lang();
        let Some(session) = &mut self.session else {
            return;
        };
        match session.forward() {
            Ok(_) => self.message = None,
            Err(blocked) => self.message = Some(strings::invalid(&blocked.reason, &lang)),
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
                outbox::ALERT_SUFFIX,
                record.to_ron().as_bytes(),
                &self.settings.recipients,
            )
            .map_err(|e| e.to_string());
            self.last_write = Some(result);
        }
        self.screen = Screen::Crisis(alert.rule);
    }

    fn submit(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let Some(session) = &mut self.session else {
            return;
        };
        if let Some((idx, reason)) = session.missing().into_iter().next() {
            let _ = session.jump(idx);
            self.message = Some(strings::invalid(&reason, &lang));
            self.screen = Screen::Questions;
            return;
        }
        let now = self.clock.now();
        let summary = Summary::build(session, now);
        // A missing outbox is an error, not something to create: a configured outbox on a
        // share that is not mounted would otherwise fill the local disk where nobody looks.
        let result = outbox::write_export(
            &self.outbox,
            now,
            outbox::SUMMARY_SUFFIX,
            summary.to_ron().as_bytes(),
            &self.settings.recipients,
        )
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

impl eframe::App for Kiosk {
    /// In locked mode a close request (window button, Alt+F4) is cancelled unless staff chose
    /// Quit behind the PIN.
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // A broken setup has no patient to protect: staff must be able to close it.
        let broken = matches!(self.screen, Screen::Broken(_));
        if self.settings.kiosk
            && !self.staff_quit
            && !broken
            && ctx.input(|i| i.viewport().close_requested())
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// Patient data must never reach eframe's storage.
    fn persist_egui_memory(&self) -> bool {
        false
    }
}

/// A–, A+ and contrast, on every page.
fn toolbar(
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

fn big_button(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add(
        egui::Button::new(RichText::new(text).size(theme::QUESTION))
            .min_size(Vec2::new(220.0, theme::TARGET + 8.0)),
    )
}

fn group_summary(
    q: &Questionnaire,
    item: &crate::engine::model::Item,
    entries: &[crate::engine::Entry],
    lang: &str,
) -> String {
    let crate::engine::Kind::Group { items, .. } = &item.kind else {
        return String::new();
    };
    entries
        .iter()
        .map(|entry| {
            items
                .iter()
                .filter_map(|c| {
                    let child = q.item(*c);
                    entry
                        .get(&child.id)
                        .map(|a| answer::display(q, child, a, lang))
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Starts the kiosk window.
pub fn run(
    q: Result<Arc<Questionnaire>, String>,
    outbox: PathBuf,
    clock: Arc<dyn Clock>,
    settings: Settings,
) -> eframe::Result {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("prescreen")
        .with_app_id("prescreen")
        .with_inner_size([1024.0, 768.0])
        .with_min_inner_size([640.0, 480.0]);
    if settings.kiosk {
        viewport = viewport.with_fullscreen(true).with_decorations(false);
    }
    let options = eframe::NativeOptions {
        viewport,
        persist_window: false,
        ..Default::default()
    };
    let locked = settings.kiosk;
    eframe::run_native(
        "prescreen",
        options,
        Box::new(move |cc| {
            theme::install(&cc.egui_ctx);
            if locked {
                // No quitting by shortcut, no zooming by keyboard: staff use the staff menu,
                // patients the A− / A+ buttons.
                cc.egui_ctx.options_mut(|o| {
                    o.quit_shortcuts.clear();
                    o.zoom_with_keyboard = false;
                });
            }
            // Unwrapped unless a measuring switch is set in the environment.
            Ok(measure::from_env(
                Kiosk::new(q, outbox, clock).with_settings(settings),
            ))
        }),
    )
}

/// Keeps [`Invalid`] in this module's vocabulary for the widgets.
pub(crate) type DraftResult = Result<Option<Answer>, Invalid>;
