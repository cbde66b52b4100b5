//! The staff screens: a PIN pad behind the corner button of Welcome, and the staff menu
//! (where exports go, whether they are encrypted, the last write, open the clinician review,
//! quit). Staff wording is in `strings::staff`.

use eframe::egui::{self, RichText};

use super::keyboard::{self, Press};
use super::pages::big_button;
use super::strings::{Strings, staff as s};
use super::{Action, Kiosk, Screen};
use crate::ui::theme;

/// The longest PIN the pad takes.
const MAX_PIN_DIGITS: usize = 12;

/// The PIN pad: dots for the digits typed, the keypad, Cancel and Enter.
pub(super) fn pin_pad(ui: &mut egui::Ui, pin: &str, t: &Strings, actions: &mut Vec<Action>) {
    ui.heading(s::PIN_TITLE);
    ui.add_space(12.0);
    ui.label(RichText::new("*".repeat(pin.len()) + " ").size(theme::HEADING));
    ui.add_space(12.0);
    if let Some(press) = keyboard::show(ui, keyboard::Keys::Digits, false, t) {
        actions.push(Action::PinKey(press));
    }
    ui.add_space(12.0);
    ui.horizontal(|ui| {
        if big_button(ui, s::CANCEL).clicked() {
            actions.push(Action::LeaveStaff);
        }
        if big_button(ui, s::ENTER).clicked() {
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
}
