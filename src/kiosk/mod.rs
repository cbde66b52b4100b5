//! The patient kiosk: a thin egui view over the engine's [`Session`].
//!
//! Screens: Welcome → Intro → one question per page → Review → Thank you → (hard reset) →
//! Welcome. Every rule (what is shown, required, valid; when a safety rule fires) is the
//! engine's; this module only draws the session and turns taps into `set` / `forward` / `back`.
//!
//! Drawing collects [`Action`]s and applies them after the frame's widgets are drawn (see
//! `act`), so the drawing code only reads the session. The rooms: `pages` and `question` draw
//! the patient's screens, `review_page` the "check your answers" page, `staff` the PIN pad and
//! staff menu, `idle` the inactivity reset, `widgets` / `draft` / `keyboard` the answer boxes
//! and the on-screen keys, `locale` the clinic's date order, dates in words and units,
//! `strings` every word the kiosk itself shows.

mod act;
mod draft;
mod idle;
mod keyboard;
mod locale;
mod pages;
mod question;
mod review_page;
mod settings;
mod staff;
mod strings;
mod widgets;

use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;

use crate::engine::{Clock, Cursor, ItemIdx, Questionnaire, RuleIdx, Session};
use crate::ui::{measure, theme};
use draft::Drafts;
pub use locale::Locale;
pub use settings::{COUNTDOWN_SECONDS, IDLE_SECONDS, STAFF_IDLE_SECONDS, Settings};
pub use staff::{FIRST_PIN_LOCK_SECONDS, LONGEST_PIN_LOCK_SECONDS, PIN_TRIES};
pub use strings::{Strings, invalid as message, invalid_in as message_in, strings};

/// Seconds the thank-you screen stays before the kiosk resets for the next patient.
pub const THANKS_SECONDS: f64 = 20.0;

/// A tap whose press began less than this many seconds after the page, overlay or screen
/// appeared does nothing: it was meant for what was there before (a double tap, a tap held
/// through a page change). Nobody reads a new page and taps on it this fast.
pub const TAP_GUARD_SECONDS: f64 = 0.35;

/// The crisis screen's "continue" works only after its resources have been on screen this
/// long, so the tap that raised it, or the next one, cannot dismiss it unseen.
pub const CRISIS_GUARD_SECONDS: f64 = 3.0;

/// What the kiosk is showing.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Welcome,
    Intro,
    /// The session's cursor decides which question or the review page.
    Questions,
    /// A safety rule fired: its message, full screen, until acknowledged.
    Crisis(RuleIdx),
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

/// One thing the patient (or staff) did this frame.
enum Action {
    Start(String),
    Begin,
    Edit(ItemIdx, widgets::Edit),
    Next,
    Back,
    Jump(ItemIdx),
    Submit,
    Retry,
    AcknowledgeCrisis,
    /// From a page reached with "Change": on to the review page, asking first any question
    /// the change revealed.
    BackToReview,
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

impl Action {
    /// Whether the action leaves the page, so its focus goes with it.
    fn navigates(&self) -> bool {
        matches!(
            self,
            Action::Next
                | Action::Back
                | Action::Jump(_)
                | Action::Begin
                | Action::Submit
                | Action::BackToReview
        )
    }
}

pub struct Kiosk {
    q: Option<Arc<Questionnaire>>,
    clock: Arc<dyn Clock>,
    outbox: PathBuf,
    screen: Screen,
    session: Option<Session>,
    /// Text typed into number, date and text fields, not yet accepted as an answer.
    drafts: Drafts,
    /// The message next to the current answer ("Please enter a number between …").
    message: Option<String>,
    /// Set by "Change" on the review page: the pages the patient had seen then. Next and
    /// "Back to my answers" skip them, so only questions the change revealed are asked before
    /// the review page returns.
    returning_to_review: bool,
    reviewed_pages: Vec<ItemIdx>,
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
    /// Wrong PINs and the pad's lock; kept across patients.
    pin_guard: staff::PinGuard,
    /// Set by the staff menu's Quit, so the locked window lets itself close.
    staff_quit: bool,
    /// The outcome of the last staff action (opening the review window).
    staff_note: Option<String>,
    /// The last outbox write, for staff: a path or the reason it failed.
    pub last_write: Option<Result<PathBuf, String>>,
    /// What was on screen at the end of the last frame, and since when (egui time).
    view: View,
    view_since: f64,
    /// Counts arrivals on a page or screen: a page the patient comes back to (Back, or
    /// "Change" on the review page) opens at its top, showing its question again.
    arrivals: u64,
    /// egui time the latest press (mouse button or touch) began.
    press_at: f64,
    /// Presses after a text-size change, put back under the finger.
    pointer: crate::ui::pointer::ZoomedPointer,
}

/// What the patient sees, as far as taps are concerned: a change of any part is a new view.
#[derive(Clone, Debug, PartialEq)]
struct View {
    screen: Screen,
    cursor: Option<Cursor>,
    overlay: bool,
}

impl Kiosk {
    /// A kiosk on `q`, or, when it did not load, on a staff screen showing why (`Err` holds the
    /// diagnostics as they are printed).
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
            drafts: Drafts::new(),
            message: None,
            returning_to_review: false,
            reviewed_pages: Vec::new(),
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
            pin_guard: staff::PinGuard::default(),
            staff_quit: false,
            staff_note: None,
            last_write: None,
            view: View {
                screen: Screen::Welcome,
                cursor: None,
                overlay: false,
            },
            view_since: 0.0,
            arrivals: 0,
            pointer: Default::default(),
            press_at: f64::NEG_INFINITY,
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
        self.returning_to_review = false;
        self.reviewed_pages.clear();
        self.zoom_step = 0;
        self.high_contrast = false;
        self.language = None;
        self.shift = false;
        keyboard::clear_target(ctx);
        widgets::new_page(ctx);
        self.thanks_until = None;
        self.idle_warning = None;
        self.generation += 1;
        self.staff_note = None;
        self.screen = Screen::Welcome;
        ctx.data_mut(|d| {
            d.remove_by_type::<egui::text_edit::TextEditState>();
            d.remove_by_type::<pages::PageOffset>();
        });
        surrender_focus(ctx);
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
        let (now, pressed, released) = ctx.input(|i| {
            let (mut pressed, mut released) = (false, false);
            for e in &i.events {
                match e {
                    egui::Event::PointerButton { pressed: p, .. } => {
                        pressed |= *p;
                        released |= !*p;
                    }
                    egui::Event::Touch { phase, .. } => {
                        pressed |= *phase == egui::TouchPhase::Start;
                        released |= *phase == egui::TouchPhase::End;
                    }
                    _ => {}
                }
            }
            (i.time, pressed, released)
        });
        if pressed {
            self.press_at = now;
        }
        self.note_view(now);
        let mut actions = Vec::new();
        self.draw_panels(ui, &mut actions);
        // A tap begun before this view appeared, or just after, was meant for the one before.
        // (Keys of a real keyboard are not taps: Tab and Enter work at once.)
        if released && self.press_at - self.view_since < TAP_GUARD_SECONDS {
            actions.clear();
        }
        let navigated = actions.iter().any(Action::navigates);
        for action in actions {
            self.apply(action, &ctx);
        }
        self.note_view(now);
        measure::note_view(&ctx, self.view_since);
        if navigated {
            // The old page's focus goes with it; one more frame lets the new page's first
            // field take the focus (see `widgets::focus_on_arrival`).
            surrender_focus(&ctx);
            widgets::new_page(&ctx);
            ctx.request_repaint();
        }
    }
}

impl Kiosk {
    /// Starts the tap guard when what the patient sees has changed.
    fn note_view(&mut self, now: f64) {
        let view = View {
            screen: self.screen.clone(),
            cursor: self.session.as_ref().map(Session::cursor),
            overlay: self.idle_warning.is_some(),
        };
        if view != self.view {
            if (&view.screen, &view.cursor) != (&self.view.screen, &self.view.cursor) {
                self.arrivals += 1;
            }
            self.view = view;
            self.view_since = now;
        }
    }

    /// Seconds the current view has been on screen.
    fn view_age(&self, ctx: &egui::Context) -> f64 {
        ctx.input(|i| i.time) - self.view_since
    }
}

fn surrender_focus(ctx: &egui::Context) {
    ctx.memory_mut(|m| {
        if let Some(id) = m.focused() {
            m.surrender_focus(id);
        }
    });
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

    /// A tap right after A+ or A− lands where the finger is (see `ui::pointer`).
    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        let latest = ctx.input(|i| i.pointer.latest_pos());
        self.pointer
            .fix(ctx.zoom_factor(), latest, &mut raw_input.events);
    }

    /// Patient data must never reach eframe's storage.
    fn persist_egui_memory(&self) -> bool {
        false
    }
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
