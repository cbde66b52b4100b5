//! The question page: where the patient is (section, progress) in the top bar; the question,
//! its help, its answer widget and the message when an answer is not accepted in the middle;
//! the on-screen keys, the message again, and Back / Next in the bottom bar. The review page
//! (`review_page`) shares the bars.

use eframe::egui::{self, Align, Layout, RichText};

use super::draft::DraftKey;
use super::keyboard::{self, Keys, Stand, Target};
use super::pages::{nav, scrolling, toolbar, zoom};
use super::strings::Strings;
use super::widgets::Page;
use super::{Action, Kiosk};
use crate::engine::{Cursor, ItemIdx, Session};
use crate::ui::theme;

/// The width the page needs beside the keypad for the keypad to stand beside it, in points.
const ROOM_BESIDE_KEYPAD: f32 = 420.0;

/// Whether the keypad fits beside the answer (else it goes in the bottom bar).
fn keypad_fits_beside(ui: &egui::Ui) -> bool {
    ui.available_width() >= keyboard::KEYPAD_WIDTH / zoom(ui) + ROOM_BESIDE_KEYPAD
}

const MESSAGE: egui::Color32 = egui::Color32::from_rgb(170, 0, 0);

impl Kiosk {
    /// The middle of a question or the review page.
    pub(super) fn draw_questions(
        &mut self,
        ui: &mut egui::Ui,
        t: &Strings,
        lang: &str,
        actions: &mut Vec<Action>,
    ) {
        let Some(session) = &self.session else { return };
        match session.cursor() {
            Cursor::Start => {}
            Cursor::Review => self.draw_review(ui, t, lang, actions),
            Cursor::Item(idx) => {
                let target = self.letters_or_keypad(ui.ctx(), idx);
                let z = zoom(ui);
                let keypad_beside = target.as_ref().is_some_and(|k| k.keys == Keys::Digits)
                    && keypad_fits_beside(ui);
                if keypad_beside {
                    ui.horizontal_top(|ui| {
                        let keypad = keyboard::KEYPAD_WIDTH / z + 24.0 / z;
                        ui.vertical(|ui| {
                            ui.set_max_width(ui.available_width() - keypad);
                            scrolling(ui, t, (idx, self.arrivals), true, |ui| {
                                self.draw_body(ui, idx, t, lang, actions)
                            });
                        });
                        ui.vertical(|ui| {
                            if let Some(press) =
                                keyboard::show(ui, Keys::Digits, Stand::Beside, false, t)
                            {
                                actions.push(Action::Key(press));
                            }
                        });
                    });
                } else {
                    let letters = target.is_some_and(|k| k.keys == Keys::Letters);
                    scrolling(ui, t, (idx, self.arrivals), !letters, |ui| {
                        self.draw_body(ui, idx, t, lang, actions)
                    });
                }
            }
        }
    }

    /// The box the on-screen keys type into, when it is on this page.
    fn letters_or_keypad(&self, ctx: &egui::Context, idx: ItemIdx) -> Option<Target> {
        keyboard::target(ctx).filter(|k| k.draft.item == idx)
    }

    /// The bottom bar of a question or the review page: the letter keys (or the keypad when
    /// there is no room beside the answer), the message, and the buttons that move on.
    pub(super) fn draw_question_bottom(
        &self,
        ui: &mut egui::Ui,
        t: &Strings,
        actions: &mut Vec<Action>,
    ) {
        let Some(session) = &self.session else { return };
        let idx = match session.cursor() {
            Cursor::Item(idx) => idx,
            Cursor::Review => {
                nav(
                    ui,
                    Some((t.back, Action::Back)),
                    Some((t.submit, Action::Submit)),
                    actions,
                );
                return;
            }
            Cursor::Start => return,
        };
        let mut keys_shown = None;
        if let Some(target) = self.letters_or_keypad(ui.ctx(), idx)
            && (target.keys == Keys::Letters || !keypad_fits_beside(ui))
        {
            self.draw_keys(ui, &target, t, actions);
            keys_shown = Some(target.keys);
        }
        // The bar has just grown or shrunk: draw once more at once, so what is on screen is
        // where the next tap lands (egui places a bar from its size in the frame before).
        let marker = egui::Id::NULL.with("prescreen-keys-shown");
        if ui.ctx().data(|d| d.get_temp::<Option<Keys>>(marker)) != Some(keys_shown) {
            ui.ctx().data_mut(|d| d.insert_temp(marker, keys_shown));
            ui.ctx().request_repaint();
        }
        // The message again beside the buttons, where the patient's eyes are when Next
        // seems to do nothing.
        if let Some(message) = &self.message {
            let z = zoom(ui);
            ui.label(
                RichText::new(message)
                    .color(MESSAGE)
                    .size(theme::BODY / z)
                    .strong(),
            );
        }
        ui.horizontal(|ui| {
            nav(
                ui,
                Some((t.back, Action::Back)),
                Some((t.next, Action::Next)),
                actions,
            );
        });
        if self.returning_to_review {
            ui.vertical_centered(|ui| {
                if super::pages::big_button(ui, t.back_to_answers).clicked() {
                    actions.push(Action::BackToReview);
                }
            });
        }
    }

    /// The question, its help, the answer widget and the message, in the scrolling middle.
    fn draw_body(
        &mut self,
        ui: &mut egui::Ui,
        idx: ItemIdx,
        t: &Strings,
        lang: &str,
        actions: &mut Vec<Action>,
    ) {
        let Some(session) = &self.session else { return };
        let q = session.questionnaire().clone();
        let item = q.item(idx);
        let question = ui.label(RichText::new(item.text.get(lang)).size(theme::QUESTION));
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
        let page = Page {
            q: &q,
            lang,
            t,
            locale: self.settings.locale,
        };
        let current = session.answer(idx);
        if let Some(edit) = page.answer(
            ui,
            item,
            current,
            &mut self.drafts,
            DraftKey::of(idx),
            question.id,
        ) {
            actions.push(Action::Edit(idx, edit));
        }
        if let Some(message) = &self.message {
            ui.add_space(8.0);
            ui.label(
                RichText::new(message)
                    .color(MESSAGE)
                    .size(theme::BODY)
                    .strong(),
            );
        }
        scroll_focus_into_view(ui);
    }

    fn draw_keys(
        &self,
        ui: &mut egui::Ui,
        target: &Target,
        t: &Strings,
        actions: &mut Vec<Action>,
    ) {
        // A capital at the start of a name or sentence, without asking.
        let empty = self.drafts.get(&target.draft).is_none_or(String::is_empty);
        let shift = target.keys == Keys::Letters && (self.shift || empty);
        ui.with_layout(Layout::top_down(Align::Center), |ui| {
            if let Some(press) = keyboard::show(ui, target.keys, Stand::Under, shift, t) {
                actions.push(Action::Key(press));
            }
        });
        ui.add_space(4.0);
    }
}

/// The section's title and "n / N answered", beside A−, A+ and contrast.
pub(super) fn progress(
    ui: &mut egui::Ui,
    session: &Session,
    t: &Strings,
    lang: &str,
    actions: &mut Vec<Action>,
) {
    let q = session.questionnaire();
    let (answered, asked) = session.progress();
    let item = match session.cursor() {
        Cursor::Item(idx) => Some((idx, q.item(idx))),
        _ => None,
    };
    let section_title = item.map(|(_, item)| q.section(item.section).title.get(lang));
    // While keys are up under the page (the letter keys, or the keypad when it does not fit
    // beside the answer) they take much of the screen, and at large text the question has
    // scrolled out of sight above the box: it stays readable here instead.
    let typing = item.filter(|(idx, _)| {
        keyboard::target(ui.ctx()).is_some_and(|k| {
            k.draft.item == *idx && (k.keys == Keys::Letters || !keypad_fits_beside(ui))
        })
    });
    toolbar(ui, t, actions, |ui| {
        let z = zoom(ui);
        if let Some((_, item)) = typing {
            let colour = ui.visuals().strong_text_color();
            let mut job = egui::text::LayoutJob::single_section(
                item.text.get(lang).to_owned(),
                egui::TextFormat::simple(egui::FontId::proportional(theme::QUESTION / z), colour),
            );
            job.wrap = egui::text::TextWrapping {
                max_width: ui.available_width(),
                max_rows: 2,
                break_anywhere: false,
                overflow_character: Some('…'),
            };
            // Painted, not a label: a screen reader already reads the question on the page.
            let galley = ui.painter().layout_job(job);
            let (rect, _) = ui.allocate_exact_size(galley.size(), egui::Sense::hover());
            ui.painter().galley(rect.min, galley, colour);
            return;
        }
        if let Some(title) = section_title {
            ui.label(RichText::new(title).size(theme::BODY / z).strong());
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
                        .desired_height(14.0 / z)
                        .desired_width(200.0 / z),
                );
            });
            ui.label(
                RichText::new(format!("{answered} / {asked} {}", t.answered_of))
                    .size(theme::BODY / z),
            );
        });
    });
}

/// When the keyboard takes the lower part of the screen, a box cut by the edge of the page is
/// scrolled fully into view (once: a box in view is left alone, so this schedules nothing while
/// idle); a box that grows as the patient types (a new line) is scrolled so its last line, where
/// the typing is, stays in view.
fn scroll_focus_into_view(ui: &mut egui::Ui) {
    // The box last brought into view, the page's height then and the box's: a patient who
    // then slides the page to read the question is not pulled back, but when the keys appear
    // and the page gets shorter, or the box gets taller, the box is brought into view again.
    let marker = egui::Id::NULL.with("prescreen-scrolled-for");
    let clip = ui.clip_rect();
    let Some(focused) = ui.ctx().memory(|m| m.focused()) else {
        return;
    };
    let Some(r) = ui.ctx().read_response(focused) else {
        return;
    };
    let now = (
        focused,
        clip.height().round() as i32,
        r.rect.height().round() as i32,
    );
    let before = ui
        .ctx()
        .data(|d| d.get_temp::<(egui::Id, i32, i32)>(marker));
    // Only a newly focused box, a page that got shorter (the keys came up) or a box that got
    // taller is looked at: a page that grows (the keys went away, "More below" came or went)
    // is the patient's to slide.
    if before.is_some_and(|(id, page, boxed)| id == focused && now.1 >= page && now.2 <= boxed) {
        if before != Some(now) {
            ui.ctx().data_mut(|d| d.insert_temp(marker, now));
        }
        return;
    }
    // Looked at once, whether or not it had to move: a box that was in view when tapped is
    // not pulled back when the patient then slides the page to another.
    ui.ctx().data_mut(|d| d.insert_temp(marker, now));
    if r.rect.bottom() > clip.bottom() + 0.5 || r.rect.top() < clip.top() - 0.5 {
        ui.scroll_to_rect(r.rect, Some(Align::Max));
    }
}
