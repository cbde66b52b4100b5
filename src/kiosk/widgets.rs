//! One answer widget per item kind, touch first: whole-row choices, big fields, unit buttons,
//! day / month / year boxes instead of a calendar.
//!
//! Choices take effect on tap. Typed answers (numbers, dates, text) are kept as drafts (see
//! [`super::draft`]) and accepted on Next.

use eframe::egui::{self, RichText, Vec2};

use super::draft::{DraftKey, Drafts, Part, typed_date};
use super::keyboard::{self, Keys};
use super::locale::Locale;
use super::strings::Strings;
use crate::engine::answer::trim_number;
use crate::engine::model::{Choice, Item, Kind, Text, Unit};
use crate::engine::{Answer, ItemIdx, Questionnaire};
use crate::ui::{measure, theme};

/// A change the patient made to an answer.
pub enum Edit {
    Set(Answer),
    Clear,
}

/// What every widget of a page draws with: the questionnaire, the patient's language and the
/// kiosk's words in it, and the clinic's locale (date order, units).
pub struct Page<'a> {
    pub q: &'a Questionnaire,
    pub lang: &'a str,
    pub t: &'a Strings,
    pub locale: Locale,
}

impl Page<'_> {
    /// Draws the answer widget for `item`; returns a change made by a tap. `label` is the
    /// question's label, which names the widget for a screen reader.
    pub fn answer(
        &self,
        ui: &mut egui::Ui,
        item: &Item,
        current: Option<&Answer>,
        drafts: &mut Drafts,
        key: DraftKey,
        label: egui::Id,
    ) -> Option<Edit> {
        match &item.kind {
            Kind::Display => None,
            Kind::YesNo { not_sure } => {
                let labels = &self.q.answer_labels;
                let mut options = vec![(Answer::Yes, &labels.yes), (Answer::No, &labels.no)];
                if *not_sure {
                    options.push((Answer::NotSure, &labels.not_sure));
                }
                self.one_of(ui, item, current, options)
            }
            Kind::Single { options } => {
                let options = options
                    .iter()
                    .map(|o| (Answer::Choice(o.value.clone()), &o.text))
                    .collect();
                self.one_of(ui, item, current, options)
            }
            Kind::Multiple {
                options,
                none_of_these,
            } => self.many_of(ui, item, current, options, *none_of_these),
            Kind::Integer { unit, .. } | Kind::Decimal { unit, .. } => {
                let text = drafts
                    .entry(key)
                    .or_insert_with(|| current.and_then(number_text).unwrap_or_default());
                ui.horizontal(|ui| {
                    field(ui, key, text, 200.0, label);
                    if let Some(u) = unit {
                        ui.label(RichText::new(u.get(self.lang)).size(theme::QUESTION));
                    }
                });
                self.decline(ui, item, current)
            }
            Kind::Measure { units, .. } => {
                self.measure(ui, units, current, drafts, key, label);
                self.decline(ui, item, current)
            }
            Kind::Date { .. } => {
                self.date(ui, current, drafts, key);
                self.decline(ui, item, current)
            }
            Kind::Text { max_len } | Kind::LongText { max_len } => {
                let multiline = matches!(item.kind, Kind::LongText { .. });
                let text = drafts.entry(key).or_insert_with(|| match current {
                    Some(Answer::Text(s)) => s.clone(),
                    _ => String::new(),
                });
                text_box(ui, key, text, multiline, *max_len, label);
                self.decline(ui, item, current)
            }
            Kind::Group { items, max, .. } => {
                let edit = self.group(ui, items, *max, current, drafts, key);
                self.decline(ui, item, current).or(edit)
            }
        }
    }

    /// "Prefer not to say", where the item offers it.
    fn decline(&self, ui: &mut egui::Ui, item: &Item, current: Option<&Answer>) -> Option<Edit> {
        let text = self.q.answer_labels.prefer_not_to_say.get(self.lang);
        (item.can_decline && choice_row(ui, current == Some(&Answer::Declined), text).clicked())
            .then_some(Edit::Set(Answer::Declined))
    }

    /// One answer of several (yes / no, a single choice), as whole-row radio options.
    fn one_of(
        &self,
        ui: &mut egui::Ui,
        item: &Item,
        current: Option<&Answer>,
        options: Vec<(Answer, &Text)>,
    ) -> Option<Edit> {
        let mut edit = None;
        options_group(
            ui,
            item,
            self.lang,
            egui::accesskit::Role::RadioGroup,
            |ui| {
                for (a, text) in options {
                    if choice_row(ui, current == Some(&a), text.get(self.lang)).clicked() {
                        edit = Some(Edit::Set(a));
                    }
                }
                edit = self.decline(ui, item, current).or(edit.take());
            },
        );
        edit
    }

    /// Any number of options; "none of these" excludes the others.
    fn many_of(
        &self,
        ui: &mut egui::Ui,
        item: &Item,
        current: Option<&Answer>,
        options: &[Choice],
        none_of_these: Option<usize>,
    ) -> Option<Edit> {
        let chosen: Vec<String> = match current {
            Some(Answer::Choices(cs)) => cs.clone(),
            _ => Vec::new(),
        };
        let mut edit = None;
        options_group(ui, item, self.lang, egui::accesskit::Role::Group, |ui| {
            for (n, o) in options.iter().enumerate() {
                let selected = chosen.contains(&o.value);
                if !check_row(ui, selected, o.text.get(self.lang)).clicked() {
                    continue;
                }
                let mut next: Vec<String> = if none_of_these == Some(n) {
                    Vec::new()
                } else {
                    let none = none_of_these.map(|i| options[i].value.as_str());
                    chosen
                        .iter()
                        .filter(|c| Some(c.as_str()) != none)
                        .cloned()
                        .collect()
                };
                if selected {
                    next.retain(|c| *c != o.value);
                } else {
                    next.push(o.value.clone());
                }
                // Keep the questionnaire's order.
                next.sort_by_key(|c| options.iter().position(|o| o.value == *c));
                edit = Some(if next.is_empty() {
                    Edit::Clear
                } else {
                    Edit::Set(Answer::Choices(next))
                });
            }
            edit = self.decline(ui, item, current).or(edit.take());
        });
        edit
    }

    /// Unit buttons, the clinic's units first, then the box (or boxes, for ft + in) in the
    /// chosen unit; a new answer starts in the clinic's unit.
    fn measure(
        &self,
        ui: &mut egui::Ui,
        units: &[Unit],
        current: Option<&Answer>,
        drafts: &mut Drafts,
        key: DraftKey,
        label: egui::Id,
    ) {
        let current_unit = match current {
            Some(Answer::Quantity(_, u)) => u.clone(),
            _ => self
                .locale
                .preferred_unit(units)
                .map(|u| u.id.clone())
                .unwrap_or_default(),
        };
        let unit_key = key.part(Part::Unit);
        let chosen = drafts.entry(unit_key).or_insert(current_unit).clone();
        ui.horizontal_wrapped(|ui| {
            for u in self.locale.offered_units(units) {
                if choice_button(ui, u.id == chosen, u.label.get(self.lang)).clicked() {
                    drafts.insert(unit_key, u.id.clone());
                }
            }
        });
        let found = units.iter().find(|u| u.id == chosen);
        let Some(unit) = found.or_else(|| self.locale.preferred_unit(units)) else {
            return;
        };
        let value = match current {
            Some(Answer::Quantity(n, u)) if *u == unit.id => Some(*n),
            _ => None,
        };
        let unit_label = |ui: &mut egui::Ui, text: &Text| {
            ui.label(RichText::new(text.get(self.lang)).size(theme::QUESTION));
        };
        ui.horizontal(|ui| match &unit.split {
            Some(split) => {
                let per = f64::from(split.minor_per_major);
                let major = drafts.entry(key.part(Part::Major)).or_insert_with(|| {
                    value
                        .map(|v| trim_number((v / per).floor()))
                        .unwrap_or_default()
                });
                field(ui, key.part(Part::Major), major, 100.0, label);
                unit_label(ui, &split.major);
                let minor = drafts
                    .entry(key.part(Part::Minor))
                    .or_insert_with(|| value.map(|v| trim_number(v % per)).unwrap_or_default());
                field(ui, key.part(Part::Minor), minor, 100.0, label);
                unit_label(ui, &split.minor);
            }
            None => {
                let text = drafts
                    .entry(key)
                    .or_insert_with(|| value.map(trim_number).unwrap_or_default());
                field(ui, key, text, 200.0, label);
                unit_label(ui, &unit.label);
            }
        });
    }

    /// Day, month and year boxes in the order the clinic writes dates, each named for a
    /// screen reader; under them, once they make a date, the date in words ("March 14, 1955"),
    /// so a patient sees at once a day and a month taken the wrong way round.
    fn date(
        &self,
        ui: &mut egui::Ui,
        current: Option<&Answer>,
        drafts: &mut Drafts,
        key: DraftKey,
    ) {
        let date = match current {
            Some(Answer::Date(date)) => Some(date),
            _ => None,
        };
        let initial = |format: &str| date.map(|d| d.format(format).to_string());
        ui.horizontal(|ui| {
            for part in self.locale.date_parts() {
                let (name, init, width) = match part {
                    Part::Day => (self.t.day, initial("%d"), 90.0),
                    Part::Month => (self.t.month, initial("%m"), 90.0),
                    _ => (self.t.year, initial("%Y"), 140.0),
                };
                ui.vertical(|ui| {
                    let l = ui.label(name);
                    let part_key = key.part(part);
                    let text = drafts.entry(part_key).or_insert(init.unwrap_or_default());
                    field(ui, part_key, text, width, l.id);
                });
            }
        });
        if let Some(typed) = typed_date(drafts, key) {
            let words = self.locale.date_words(typed, self.lang);
            ui.label(RichText::new(words).size(theme::QUESTION).strong());
        }
    }

    /// A repeating group: one framed entry per item listed, each with its own questions and a
    /// Remove button, then "+ Add another".
    fn group(
        &self,
        ui: &mut egui::Ui,
        items: &[ItemIdx],
        max: u32,
        current: Option<&Answer>,
        drafts: &mut Drafts,
        key: DraftKey,
    ) -> Option<Edit> {
        let mut entries = match current {
            Some(Answer::Group(e)) => e.clone(),
            _ => Vec::new(),
        };
        let mut changed = false;
        let mut remove = None;
        for (n, entry) in entries.iter_mut().enumerate() {
            egui::Frame::group(ui.style())
                .inner_margin(12.0)
                .show(ui, |ui| {
                    let t = self.t;
                    ui.label(RichText::new(format!("{} {}", t.entry, n + 1)).strong());
                    for &c in items {
                        let child = self.q.item(c);
                        let text = RichText::new(child.text.get(self.lang)).size(theme::BODY);
                        let l = ui.label(text);
                        let name = format!("{} {}: {}", t.entry, n + 1, child.text.get(self.lang));
                        measure::note(ui, &name, &l);
                        let answer = entry.get(&child.id);
                        if let Some(e) =
                            self.answer(ui, child, answer, drafts, key.child(n, c), l.id)
                        {
                            match e {
                                Edit::Set(a) => entry.insert(child.id.clone(), a),
                                Edit::Clear => entry.remove(&child.id),
                            };
                            changed = true;
                        }
                    }
                    let remove_label =
                        format!("{} {} {}", t.remove_entry, t.entry.to_lowercase(), n + 1);
                    if ui.button(remove_label).clicked() {
                        remove = Some(n);
                    }
                });
        }
        if let Some(n) = remove {
            entries.remove(n);
            // Drafts of later entries would now be misaligned; typed entries keep their answers.
            drafts.retain(|k, _| !(k.item == key.item && k.entry.is_some()));
            changed = true;
        }
        // "Add another" only once there is one.
        let add_label = if entries.is_empty() {
            self.t.add_first_entry
        } else {
            self.t.add_entry
        };
        let add = egui::Button::new(RichText::new(format!("+ {add_label}")).size(theme::BODY))
            .min_size(Vec2::new(260.0, theme::TARGET));
        let can_add = entries.len() < max as usize;
        if can_add && {
            let response = ui.add(add);
            measure::note(ui, &format!("+ {add_label}"), &response);
            response.clicked()
        } {
            entries.push(Default::default());
            changed = true;
        }
        if !changed {
            return None;
        }
        Some(if entries.is_empty() {
            Edit::Clear
        } else {
            Edit::Set(Answer::Group(entries))
        })
    }
}

fn number_text(a: &Answer) -> Option<String> {
    match a {
        Answer::Integer(n) => Some(n.to_string()),
        Answer::Decimal(n) | Answer::Quantity(n, _) => Some(trim_number(*n)),
        _ => None,
    }
}

/// A one-line box for digits. Its id comes from the draft key, so two pages never share
/// text-edit state.
fn field(ui: &mut egui::Ui, key: DraftKey, text: &mut String, width: f32, label: egui::Id) {
    let response = ui
        .add(
            egui::TextEdit::singleline(text)
                .id_salt(key)
                .desired_width(width)
                .font(egui::FontId::proportional(theme::QUESTION)),
        )
        .labelled_by(label);
    focus_on_arrival(ui, &response, key);
    track_focus(ui, &response, key, Keys::Digits);
    measure::note_box(ui, &response);
}

/// A box for words, one line or several.
fn text_box(
    ui: &mut egui::Ui,
    key: DraftKey,
    text: &mut String,
    multiline: bool,
    max_len: u32,
    label: egui::Id,
) {
    // While the letter keys are up the page is short: the box starts at one line (it still
    // grows with what is typed), so it fits above the keys at any text size.
    let typing = keyboard::target(ui.ctx()).is_some_and(|t| t.draft == key);
    let edit_box = if multiline {
        egui::TextEdit::multiline(text).desired_rows(if typing { 1 } else { 4 })
    } else {
        egui::TextEdit::singleline(text)
    };
    let width = ui.available_width().min(900.0);
    let response = ui
        .add(
            edit_box
                .id_salt(key)
                .char_limit(max_len as usize)
                .desired_width(width)
                .font(egui::FontId::proportional(theme::QUESTION)),
        )
        .labelled_by(label);
    focus_on_arrival(ui, &response, key);
    track_focus(ui, &response, key, Keys::Letters);
    measure::note_box(ui, &response);
}

/// The focused field is where the on-screen keyboard types.
fn track_focus(ui: &egui::Ui, response: &egui::Response, key: DraftKey, keys: Keys) {
    if response.has_focus() {
        keyboard::set_target(
            ui.ctx(),
            keyboard::Target {
                draft: key,
                widget: response.id,
                keys,
            },
        );
    }
}

/// The first box of a page takes the keyboard focus when the page opens, so typing (on the
/// on-screen keyboard or a real one) goes somewhere without a tap first. Only then: after
/// that the focus never moves by itself — a tap on a key takes the focus from the box for a
/// moment, and no other box may take it meanwhile, or the next key lands there.
fn focus_on_arrival(ui: &egui::Ui, response: &egui::Response, key: DraftKey) {
    let marker = arrival_marker();
    let done_for = ui.ctx().data(|d| d.get_temp::<ItemIdx>(marker));
    if done_for != Some(key.item) {
        response.request_focus();
        ui.ctx().data_mut(|d| d.insert_temp(marker, key.item));
    }
}

fn arrival_marker() -> egui::Id {
    egui::Id::NULL.with("prescreen-arrival-focus")
}

/// Forgets which page had its arrival focus, so the page shown next focuses its first box.
pub fn new_page(ctx: &egui::Context) {
    ctx.data_mut(|d| d.remove::<ItemIdx>(arrival_marker()));
}

/// Lays out a question's options as one accessible group named by the question.
fn options_group(
    ui: &mut egui::Ui,
    item: &Item,
    lang: &str,
    role: egui::accesskit::Role,
    add: impl FnOnce(&mut egui::Ui),
) {
    ui.scope_builder(
        egui::UiBuilder::new()
            .accessibility_role(role)
            .accessibility_label(item.text.get(lang)),
        |ui| {
            ui.spacing_mut().item_spacing.y = 10.0;
            add(ui);
        },
    );
}

/// A whole-row option: the full width is the tap target; a painted radio mark shows the choice.
fn choice_row(ui: &mut egui::Ui, selected: bool, text: &str) -> egui::Response {
    marked_row(ui, selected, text, false)
}

/// A whole-row option of a multiple choice, with a painted check box.
fn check_row(ui: &mut egui::Ui, selected: bool, text: &str) -> egui::Response {
    marked_row(ui, selected, text, true)
}

/// The room a painted radio or check mark takes at the left of an option, in points.
const MARK_ROOM: f32 = 64.0;

fn marked_row(ui: &mut egui::Ui, selected: bool, text: &str, check: bool) -> egui::Response {
    let width = ui.available_width().min(900.0);
    // Room on the left for the mark, painted rather than drawn from a font: the text is padded
    // on both sides, so a wrapped line starts beside the mark, never under it.
    let label = RichText::new(text).size(theme::QUESTION * 0.9);
    let response = ui
        .scope(|ui| {
            let padding = &mut ui.spacing_mut().button_padding;
            padding.x = padding.x.max(MARK_ROOM);
            ui.add(
                option_button(selected, label)
                    .wrap()
                    .min_size(Vec2::new(width, theme::TARGET)),
            )
        })
        .inner
        .accessible_name(text);
    measure::note(ui, text, &response);
    let painter = ui.painter();
    let color = ui.visuals().strong_text_color();
    let stroke = egui::Stroke::new(3.0, color);
    let center = egui::pos2(response.rect.left() + 34.0, response.rect.center().y);
    if check {
        let rect = egui::Rect::from_center_size(center, Vec2::splat(26.0));
        painter.rect_stroke(rect, 4.0, stroke, egui::StrokeKind::Inside);
        if selected {
            let points = [
                center + Vec2::new(-7.0, 0.0),
                center + Vec2::new(-2.0, 6.0),
                center + Vec2::new(8.0, -7.0),
            ];
            painter.line_segment([points[0], points[1]], egui::Stroke::new(4.0, color));
            painter.line_segment([points[1], points[2]], egui::Stroke::new(4.0, color));
        }
    } else {
        painter.circle_stroke(center, 13.0, stroke);
        if selected {
            painter.circle_filled(center, 7.0, color);
        }
    }
    response
}

/// A framed button that shows whether it is chosen: an option must look tappable before it is.
fn option_button<'a>(selected: bool, text: RichText) -> egui::Button<'a> {
    egui::Button::new(text).selected(selected).frame(true)
}

fn choice_button(ui: &mut egui::Ui, selected: bool, text: &str) -> egui::Response {
    let response = ui
        .add(
            option_button(selected, RichText::new(text).size(theme::QUESTION * 0.9))
                .min_size(Vec2::new(120.0, theme::TARGET)),
        )
        .accessible_name(text);
    measure::note(ui, text, &response);
    response
}
