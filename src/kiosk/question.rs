//! The question page: where the patient is (section, progress), the question, its help and
//! answer widget, the message when an answer is not accepted, the on-screen keys, Back and
//! Next. The review page (`review_page`) shares the toolbar.

use eframe::egui::{self, Align, Layout, RichText, ScrollArea};

use super::draft::DraftKey;
use super::keyboard::{self, Keys, Target};
use super::pages::{big_button, toolbar};
use super::strings::Strings;
use super::widgets::Page;
use super::{Action, Kiosk};
use crate::engine::{Cursor, ItemIdx, Session};
use crate::ui::theme;

impl Kiosk {
    pub(super) fn draw_questions(
        &mut self,
        ui: &mut egui::Ui,
        t: &Strings,
        lang: &str,
        actions: &mut Vec<Action>,
    ) {
        let Some(session) = &self.session else { return };
        progress(ui, session, t, lang, actions);
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
            Cursor::Item(idx) => self.draw_question(ui, idx, t, lang, actions),
        }
    }

    fn draw_question(
        &mut self,
        ui: &mut egui::Ui,
        idx: ItemIdx,
        t: &Strings,
        lang: &str,
        actions: &mut Vec<Action>,
    ) {
        ui.add_space(12.0);
        // The keys type into a box of this page only.
        let target = keyboard::target(ui.ctx()).filter(|k| k.draft.item == idx);
        // The keypad is narrow: it stands beside the answer, so the question stays in view.
        // The letter keyboard is wide: it goes below, and the page makes room.
        let side_keypad = target.as_ref().is_some_and(|k| k.keys == Keys::Digits);
        let letters = target.filter(|k| k.keys == Keys::Letters);
        let keyboard_height = letters
            .as_ref()
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
                    .show(ui, |ui| self.draw_body(ui, idx, t, lang, actions));
            });
            if side_keypad {
                ui.vertical(|ui| {
                    if let Some(press) = keyboard::show(ui, Keys::Digits, false, t) {
                        actions.push(Action::Key(press));
                    }
                });
            }
        });
        ui.with_layout(Layout::bottom_up(Align::Min), |ui| {
            // Bottom-up: navigation first (at the bottom), the keyboard above it.
            ui.horizontal(|ui| {
                if big_button(ui, t.back).clicked() {
                    actions.push(Action::Back);
                }
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    if big_button(ui, t.next).clicked() {
                        actions.push(Action::Next);
                    }
                });
            });
            if let Some(target) = letters {
                self.draw_letters(ui, &target, t, actions);
            }
        });
    }

    /// The question, its help, the answer widget and the message, in the scrolling part.
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
        let page = Page { q: &q, lang, t };
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
                    .color(egui::Color32::from_rgb(170, 0, 0))
                    .size(theme::BODY)
                    .strong(),
            );
        }
        scroll_focus_into_view(ui);
    }

    fn draw_letters(
        &self,
        ui: &mut egui::Ui,
        target: &Target,
        t: &Strings,
        actions: &mut Vec<Action>,
    ) {
        // A capital at the start of a name or sentence, without asking.
        let empty = self.drafts.get(&target.draft).is_none_or(String::is_empty);
        let shift = self.shift || empty;
        ui.add_space(4.0);
        ui.with_layout(Layout::top_down(Align::Min), |ui| {
            if let Some(press) = keyboard::show(ui, target.keys, shift, t) {
                actions.push(Action::Key(press));
            }
        });
    }
}

/// The section's title and "n / N answered", beside A−, A+ and contrast.
fn progress(
    ui: &mut egui::Ui,
    session: &Session,
    t: &Strings,
    lang: &str,
    actions: &mut Vec<Action>,
) {
    let q = session.questionnaire();
    let (answered, asked) = session.progress();
    let section_title = match session.cursor() {
        Cursor::Item(idx) => Some(q.section(q.item(idx).section).title.get(lang)),
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
}

/// When the keyboard takes the lower part of the page, a field cut by the edge is scrolled
/// fully into view (once: a field in view is left alone, so this schedules nothing while idle).
fn scroll_focus_into_view(ui: &mut egui::Ui) {
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
}
