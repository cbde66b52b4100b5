//! The staff screens: a PIN pad behind the corner button of Welcome, and the staff menu
//! (where exports go, whether they are encrypted, the last write, open the clinician review,
//! quit). Staff wording is in `strings::staff`.
//!
//! Both lock themselves: left untouched for [`Settings::staff_idle_seconds`] they return to
//! Welcome (see `idle`), so a menu left open never offers Quit to the next patient; and after
//! [`PIN_TRIES`] wrong PINs in a row the pad refuses every PIN for a delay that doubles with
//! each further wrong one ([`PinGuard`]).
//!
//! [`Settings::staff_idle_seconds`]: super::Settings::staff_idle_seconds

use eframe::egui::{self, RichText};

use super::keyboard::{self, Press};
use super::pages::big_button;
use super::strings::{Strings, staff as s};
use super::{Action, Kiosk, Screen};
use crate::ui::theme;

/// The longest PIN the pad takes.
const MAX_PIN_DIGITS: usize = 12;

/// Wrong PINs in a row before the pad locks.
pub const PIN_TRIES: u32 = 5;

/// How long the pad locks after the [`PIN_TRIES`]th wrong PIN, in seconds; each further wrong
/// PIN doubles it, up to [`LONGEST_PIN_LOCK_SECONDS`]. Four-digit PINs then take months to
/// guess, while staff who mistype a few times wait half a minute.
pub const FIRST_PIN_LOCK_SECONDS: f64 = 30.0;

/// The longest the pad locks (16 minutes: 30 s doubled five times).
pub const LONGEST_PIN_LOCK_SECONDS: f64 = 960.0;

/// Wrong PINs and the lock they earned, in egui time. Kept while the kiosk runs, across
/// patients: a reset does not unlock the pad. (Restarting unlocks it, but quitting needs the
/// PIN in locked mode.)
#[derive(Debug, Default)]
pub(super) struct PinGuard {
    /// Wrong PINs since the last right one.
    failures: u32,
    locked_until: Option<f64>,
}

impl PinGuard {
    /// Seconds the pad stays locked at `now`; `None` when it takes a PIN.
    pub(super) fn locked_for(&self, now: f64) -> Option<f64> {
        self.locked_until
            .map(|until| until - now)
            .filter(|left| *left > 0.0)
    }

    /// Wrong PINs left before the pad locks.
    pub(super) fn tries_left(&self) -> u32 {
        PIN_TRIES.saturating_sub(self.failures)
    }

    /// Whether any PIN was wrong since the last right one.
    pub(super) fn failed(&self) -> bool {
        self.failures > 0
    }

    /// A wrong PIN at `now`: from the fifth on, the pad locks, each time twice as long.
    pub(super) fn fail(&mut self, now: f64) {
        self.failures = self.failures.saturating_add(1);
        if let Some(beyond) = self.failures.checked_sub(PIN_TRIES) {
            let lock = FIRST_PIN_LOCK_SECONDS * 2f64.powi(beyond.min(16) as i32);
            self.locked_until = Some(now + lock.min(LONGEST_PIN_LOCK_SECONDS));
        }
    }

    /// The right PIN: the count starts again.
    pub(super) fn succeed(&mut self) {
        *self = PinGuard::default();
    }
}

/// The PIN pad: dots for the digits typed, the keypad, Cancel and Enter. While the pad is
/// locked it says so and for how long, and its keys and Enter do nothing.
pub(super) fn pin_pad(
    ui: &mut egui::Ui,
    pin: &str,
    guard: &PinGuard,
    t: &Strings,
    actions: &mut Vec<Action>,
) {
    let now = ui.input(|i| i.time);
    let locked = guard.locked_for(now);
    ui.heading(s::PIN_TITLE);
    ui.add_space(12.0);
    let warning = |ui: &mut egui::Ui, text: String| {
        ui.label(
            RichText::new(text)
                .size(theme::QUESTION)
                .color(egui::Color32::from_rgb(170, 20, 20))
                .strong(),
        );
    };
    if let Some(left) = locked {
        warning(ui, s::pin_locked(left.ceil() as u64));
        // The countdown is visible, so it changes once a second — only while the pad shows,
        // and never after the lock ends.
        let next_change = left - (left.ceil() - 1.0);
        ui.ctx().request_repaint_after_secs(next_change as f32);
    } else if guard.failed() {
        warning(ui, s::wrong_pin(guard.tries_left()));
    }
    ui.label(RichText::new("*".repeat(pin.len()) + " ").size(theme::HEADING));
    ui.add_space(12.0);
    ui.add_enabled_ui(locked.is_none(), |ui| {
        if let Some(press) = keyboard::show(
            ui,
            keyboard::Keys::Digits,
            keyboard::Stand::Beside,
            false,
            t,
        ) {
            actions.push(Action::PinKey(press));
        }
    });
    ui.add_space(12.0);
    ui.horizontal(|ui| {
        if big_button(ui, s::CANCEL).clicked() {
            actions.push(Action::LeaveStaff);
        }
        let enter = ui.add_enabled_ui(locked.is_none(), |ui| big_button(ui, s::ENTER));
        if enter.inner.clicked() {
            actions.push(Action::PinEnter);
        }
    });
}

impl Kiosk {
    pub(super) fn draw_staff_menu(&self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        ui.heading(s::MENU_TITLE);
        ui.add_space(12.0);
        ui.label(format!("{}{}", s::OUTBOX, self.outbox.display()));
        ui.label(match &self.last_write {
            None => s::NOTHING_WRITTEN.to_owned(),
            Some(Ok(path)) => format!(
                "{}{}",
                s::LAST_WRITE_OK,
                path.file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned())
            ),
            Some(Err(reason)) => format!("{}{reason}", s::LAST_WRITE_FAILED),
        });
        let recipients = self.settings.recipients.len();
        if recipients == 0 {
            let warning = RichText::new(s::NOT_ENCRYPTED)
                .color(egui::Color32::from_rgb(170, 20, 20))
                .strong();
            ui.label(warning);
        } else {
            ui.label(s::encrypted_for(recipients));
        }
        if let Some(q) = &self.q {
            let short = &q.sha256[..12.min(q.sha256.len())];
            ui.label(format!(
                "{}{} {} (sha256 {short}…)",
                s::QUESTIONNAIRE,
                q.id,
                q.version
            ));
        }
        ui.label(if self.settings.kiosk {
            s::MODE_LOCKED
        } else {
            s::MODE_WINDOW
        });
        ui.add_space(24.0);
        ui.horizontal(|ui| {
            if big_button(ui, s::BACK_TO_WELCOME).clicked() {
                actions.push(Action::LeaveStaff);
            }
            if big_button(ui, s::OPEN_REVIEW).clicked() {
                actions.push(Action::OpenReview);
            }
            if big_button(ui, s::QUIT).clicked() {
                actions.push(Action::Quit);
            }
        });
        if let Some(note) = &self.staff_note {
            ui.label(note);
        }
    }

    /// A staff action; `false` when `action` is not one.
    pub(super) fn apply_staff(&mut self, action: &Action, ctx: &egui::Context) -> bool {
        match action {
            Action::OpenStaff => {
                zeroize::Zeroize::zeroize(&mut self.pin);
                self.screen = Screen::StaffPin;
            }
            // A locked pad takes no digits (its keys are disabled too).
            Action::PinKey(_) if self.pin_guard.locked_for(now(ctx)).is_some() => {}
            Action::PinKey(press) => match press {
                Press::Char(c) if c.is_ascii_digit() && self.pin.len() < MAX_PIN_DIGITS => {
                    self.pin.push(*c);
                }
                Press::Delete => {
                    self.pin.pop();
                }
                _ => {}
            },
            Action::PinEnter => {
                let now = now(ctx);
                // While locked, even the right PIN is refused: that is what makes guessing slow.
                let ok = self.pin_guard.locked_for(now).is_none()
                    && crate::config::pin_matches(self.settings.staff_pin.as_deref(), &self.pin);
                zeroize::Zeroize::zeroize(&mut self.pin);
                if ok {
                    self.pin_guard.succeed();
                    self.screen = Screen::Staff;
                } else if self.pin_guard.locked_for(now).is_none() {
                    // The pad stays, saying the PIN was wrong and how many tries are left.
                    self.pin_guard.fail(now);
                }
            }
            Action::LeaveStaff => self.leave_staff(),
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
                    Ok(_) => s::REVIEW_OPENING.to_owned(),
                    Err(e) => format!("{}{e}", s::REVIEW_FAILED),
                });
            }
            Action::Quit => {
                self.staff_quit = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            _ => return false,
        }
        true
    }

    /// Leaves the staff screens for Welcome: Cancel, "Back to welcome", or nobody touching
    /// them for [`Settings::staff_idle_seconds`](super::Settings::staff_idle_seconds).
    pub(super) fn leave_staff(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.pin);
        self.staff_note = None;
        self.screen = Screen::Welcome;
    }
}

fn now(ctx: &egui::Context) -> f64 {
    ctx.input(|i| i.time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pad_locks_after_five_wrong_pins_for_a_doubling_delay() {
        let mut guard = PinGuard::default();
        for n in 0..PIN_TRIES {
            assert_eq!(
                guard.locked_for(0.0),
                None,
                "{n} wrong PINs: not locked yet"
            );
            assert_eq!(guard.tries_left(), PIN_TRIES - n);
            guard.fail(0.0);
        }
        assert_eq!(guard.locked_for(0.0), Some(30.0));
        assert_eq!(guard.locked_for(29.5), Some(0.5));
        assert_eq!(guard.locked_for(30.0), None, "unlocked when the time is up");
        // Each further wrong PIN locks the pad twice as long, up to 16 minutes.
        let mut at = 30.0;
        for lock in [60.0, 120.0, 240.0, 480.0, 960.0, 960.0, 960.0] {
            guard.fail(at);
            assert_eq!(guard.locked_for(at), Some(lock));
            at += lock;
        }
        guard.succeed();
        assert_eq!(
            guard.tries_left(),
            PIN_TRIES,
            "the right PIN starts the count again"
        );
        assert!(!guard.failed());
    }
}
