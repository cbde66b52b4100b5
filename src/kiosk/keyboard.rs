//! The built-in on-screen keyboard and numeric keypad: a kiosk has no physical keyboard, and
//! egui cannot reliably raise the operating system's.
//!
//! Keys edit the draft of the field that last had the focus (a tap on a key would otherwise
//! take the focus away from the text box), then hand the focus back to that field.

use eframe::egui::{self, RichText, Vec2};

use super::draft::DraftKey;
use super::strings::Strings;
use crate::ui::{measure, theme};

/// Which keys a field needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keys {
    Letters,
    Digits,
}

/// The field the keyboard types into: its draft key, its widget id, and its keys.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub draft: DraftKey,
    pub widget: egui::Id,
    pub keys: Keys,
}

fn slot() -> egui::Id {
    egui::Id::NULL.with("prescreen-keyboard-target")
}

/// Records the field the keyboard should type into (called by fields that have the focus).
pub fn set_target(ctx: &egui::Context, target: Target) {
    ctx.data_mut(|d| d.insert_temp(slot(), target));
}

pub fn target(ctx: &egui::Context) -> Option<Target> {
    ctx.data(|d| d.get_temp::<Target>(slot()))
}

pub fn clear_target(ctx: &egui::Context) {
    ctx.data_mut(|d| d.remove::<Target>(slot()));
}

/// Where the numeric keypad stands, which decides its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stand {
    /// Beside the answer (or on the PIN pad): three keys a row, like a telephone.
    Beside,
    /// Under the page, across the screen, when there is no room beside it: the digits in one
    /// row and ".", Delete and "Hide keys" under them, so it takes two rows of the screen's
    /// height instead of four — at large text the page keeps room for the question.
    Under,
}

/// A key press.
#[derive(Clone, Debug, PartialEq)]
pub enum Press {
    Char(char),
    Space,
    Delete,
    Shift,
    /// Put the letter keys away: they take most of the screen, and with them open a page with
    /// several boxes shows only the one being typed in.
    Hide,
}

/// Applies a key press to a draft. `shift` is one-shot: it capitalises the next letter.
pub fn apply(draft: &mut String, press: &Press, shift: &mut bool) {
    match press {
        Press::Char(c) => {
            if *shift {
                draft.extend(c.to_uppercase());
                *shift = false;
            } else {
                draft.push(*c);
            }
        }
        Press::Space => draft.push(' '),
        Press::Delete => {
            draft.pop();
        }
        Press::Shift => *shift = !*shift,
        Press::Hide => {}
    }
}

const LETTER_ROWS: [&str; 5] = [
    "1234567890",
    "qwertyuiop",
    "asdfghjklñ",
    "zxcvbnm-'.",
    "áéíóúü,@",
];
const DIGIT_ROWS: [&str; 4] = ["123", "456", "789", ".0"];

/// Height of a key on screen, in pixels: the kiosk's own touch target. Keys keep this size at
/// every text size (their sizes are divided by the zoom factor), so the keyboard never grows
/// over the page when the patient enlarges the text.
const KEY_HEIGHT: f32 = theme::TARGET;
const GAP: f32 = 6.0;
/// The widest a letter key grows, in pixels.
const MAX_LETTER_WIDTH: f32 = 90.0;

/// The width of the numeric keypad on screen (three 90 px keys and two gaps), in pixels; it
/// stands beside the answer when there is room.
pub const KEYPAD_WIDTH: f32 = 3.0 * 90.0 + 2.0 * GAP;

/// Draws the keys; returns the one pressed.
pub fn show(
    ui: &mut egui::Ui,
    keys: Keys,
    stand: Stand,
    shift: bool,
    t: &Strings,
) -> Option<Press> {
    let z = ui.ctx().zoom_factor().max(0.1);
    let (height, gap) = (KEY_HEIGHT / z, GAP / z);
    // Ten letter keys fill the width, up to a comfortable size.
    let letter = ((ui.available_width() - 9.0 * gap) / 10.0).min(MAX_LETTER_WIDTH / z);
    let mut pressed = None;
    let key = |ui: &mut egui::Ui, label: &str, width: f32| {
        let text = RichText::new(label).size(theme::BODY * 1.1 / z);
        let response = ui.add(egui::Button::new(text).min_size(Vec2::new(width, height)));
        measure::note(ui, &format!("key {label}"), &response);
        response
    };
    ui.scope_builder(
        egui::UiBuilder::new()
            .accessibility_role(egui::accesskit::Role::Group)
            .accessibility_label(t.keyboard),
        |ui| {
            ui.spacing_mut().item_spacing = Vec2::splat(gap);
            ui.spacing_mut().interact_size.y = height;
            ui.spacing_mut().button_padding = Vec2::new(4.0 / z, 2.0 / z);
            match keys {
                Keys::Letters => {
                    for row in LETTER_ROWS {
                        ui.horizontal(|ui| {
                            for c in row.chars() {
                                let shown: String = if shift {
                                    c.to_uppercase().collect()
                                } else {
                                    c.to_string()
                                };
                                if key(ui, &shown, letter).clicked() {
                                    pressed = Some(Press::Char(c));
                                }
                            }
                        });
                    }
                    ui.horizontal(|ui| {
                        let shift_label = if shift { t.shift_on } else { t.shift };
                        if key(ui, shift_label, letter * 2.2).clicked() {
                            pressed = Some(Press::Shift);
                        }
                        if key(ui, t.space, letter * 3.4).clicked() {
                            pressed = Some(Press::Space);
                        }
                        if key(ui, t.delete, letter * 2.0).clicked() {
                            pressed = Some(Press::Delete);
                        }
                        // At the far right, away from Space and the letters.
                        if key(ui, t.hide_keys, letter * 2.2).clicked() {
                            pressed = Some(Press::Hide);
                        }
                    });
                }
                Keys::Digits if stand == Stand::Under => {
                    ui.horizontal(|ui| {
                        for c in LETTER_ROWS[0].chars() {
                            if key(ui, &c.to_string(), letter).clicked() {
                                pressed = Some(Press::Char(c));
                            }
                        }
                    });
                    ui.horizontal(|ui| {
                        if key(ui, ".", letter).clicked() {
                            pressed = Some(Press::Char('.'));
                        }
                        if key(ui, t.delete, letter * 2.0).clicked() {
                            pressed = Some(Press::Delete);
                        }
                        if key(ui, t.hide_keys, letter * 2.2).clicked() {
                            pressed = Some(Press::Hide);
                        }
                    });
                }
                Keys::Digits => {
                    for row in DIGIT_ROWS {
                        ui.horizontal(|ui| {
                            for c in row.chars() {
                                if key(ui, &c.to_string(), 90.0 / z).clicked() {
                                    pressed = Some(Press::Char(c));
                                }
                            }
                            if row == ".0" && key(ui, t.delete, 90.0 / z).clicked() {
                                pressed = Some(Press::Delete);
                            }
                        });
                    }
                }
            }
        },
    );
    pressed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_capitalises_one_letter_and_delete_removes_one_character() {
        let mut draft = String::new();
        let mut shift = true;
        for p in [
            Press::Char('ñ'),
            Press::Char('a'),
            Press::Space,
            Press::Char('é'),
            Press::Delete,
        ] {
            apply(&mut draft, &p, &mut shift);
        }
        assert_eq!(draft, "Ña ");
        assert!(!shift);
    }
}
