//! "Check your answers": every question shown, by section, each row one big button that jumps
//! back to the question to change it.

use eframe::egui::{self, Align, RichText, Vec2};

use super::pages::scrolling;

use super::locale::Locale;
use super::strings::Strings;
use super::{Action, Kiosk};
use crate::engine::model::Item;
use crate::engine::{Answer, Entry, Kind, Questionnaire, SectionIdx, answer};
use crate::ui::{bold, measure, theme};

impl Kiosk {
    pub(super) fn draw_review(
        &self,
        ui: &mut egui::Ui,
        t: &Strings,
        lang: &str,
        actions: &mut Vec<Action>,
    ) {
        let Some(session) = &self.session else { return };
        let q = session.questionnaire();
        let locale = self.settings.locale;
        scrolling(ui, t, "review", true, |ui| {
            ui.heading(t.review_title);
            ui.label(t.review_body);
            let mut last_section: Option<SectionIdx> = None;
            for idx in session.visible_pages() {
                let item = q.item(idx);
                if !item.kind.is_question() {
                    continue;
                }
                if last_section != Some(item.section) {
                    last_section = Some(item.section);
                    ui.add_space(12.0);
                    let title = q.section(item.section).title.get(lang);
                    ui.label(RichText::new(title).size(theme::QUESTION).strong());
                }
                let shown = session.answer(idx).map_or_else(
                    || t.not_answered.to_owned(),
                    |a| shown(q, item, a, lang, locale),
                );
                let row = review_row(ui, item.text.get(lang), &shown, t);
                // Named by its question only: the answer is the patient's.
                measure::note(ui, &format!("{}: {}", t.change, item.text.get(lang)), &row);
                if row.clicked() {
                    actions.push(Action::Jump(idx));
                }
            }
        });
    }
}

/// The whole row is one big button: question, answer, and "Change". The answer is in bold
/// under the question, so it stands out when checking.
fn review_row(ui: &mut egui::Ui, question: &str, shown: &str, t: &Strings) -> egui::Response {
    let mut text = egui::text::LayoutJob::default();
    let style = ui.style().clone();
    for part in [
        RichText::new(format!("{question}\n")).size(theme::BODY),
        bold(shown).size(theme::BODY),
    ] {
        part.append_to(&mut text, &style, egui::FontSelection::Default, Align::Min);
    }
    ui.add(
        egui::Button::new(egui::WidgetText::from(text))
            .wrap()
            .min_size(Vec2::new(ui.available_width(), theme::TARGET)),
    )
    .accessible_name(format!("{}: {question} — {shown}", t.change))
}

/// An answer as the patient gave it, dates in words as the clinic writes them; a group's
/// entries one after another. (Exports keep the engine's own forms: the locale is the
/// patient's screen only.)
fn shown(q: &Questionnaire, item: &Item, a: &Answer, lang: &str, locale: Locale) -> String {
    match a {
        Answer::Group(entries) => group_summary(q, item, entries, lang, locale),
        Answer::Date(d) => locale.date_words(*d, lang),
        a => answer::display(q, item, a, lang),
    }
}

fn group_summary(
    q: &Questionnaire,
    item: &Item,
    entries: &[Entry],
    lang: &str,
    locale: Locale,
) -> String {
    let Kind::Group { items, .. } = &item.kind else {
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
                        .map(|a| shown(q, child, a, lang, locale))
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}
