//! One answer widget per item kind, touch first: whole-row choices, big fields, unit buttons,
//! day / month / year boxes instead of a calendar.
//!
//! Choices take effect on tap. Typed answers (numbers, dates, text) are kept as drafts and
//! accepted on Next through [`parse_draft`], so a half-typed "3" on the way to "30" is never
//! judged out of range.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use eframe::egui::{self, RichText, Vec2};

use super::keyboard::{self, Keys};
use super::strings::Strings;
use super::{DraftResult, theme};
use crate::engine::answer::trim_number;
use crate::engine::model::{Item, Kind, Unit};
use crate::engine::{Answer, Invalid, Questionnaire};

/// A change the patient made to an answer.
pub enum Edit {
    Set(Answer),
    Clear,
}

/// Draws the answer widget for `item`; returns a change made by a tap.
#[allow(clippy::too_many_arguments)]
pub fn answer(
    ui: &mut egui::Ui,
    q: &Questionnaire,
    item: &Item,
    current: Option<&Answer>,
    drafts: &mut BTreeMap<String, String>,
    key: &str,
    lang: &str,
    t: &Strings,
    label: egui::Id,
) -> Option<Edit> {
    let labels = &q.answer_labels;
    let mut edit = None;
    let decline = |edit: &mut Option<Edit>, ui: &mut egui::Ui| {
        if item.can_decline
            && choice_row(
                ui,
                current == Some(&Answer::Declined),
                labels.prefer_not_to_say.get(lang),
            )
            .clicked()
        {
            *edit = Some(Edit::Set(Answer::Declined));
        }
    };
    match &item.kind {
        Kind::Display => {}
        Kind::YesNo { not_sure } => {
            group(ui, item, lang, egui::accesskit::Role::RadioGroup, |ui| {
                let mut options = vec![(Answer::Yes, &labels.yes), (Answer::No, &labels.no)];
                if *not_sure {
                    options.push((Answer::NotSure, &labels.not_sure));
                }
                for (a, text) in options {
                    if choice_row(ui, current == Some(&a), text.get(lang)).clicked() {
                        edit = Some(Edit::Set(a));
                    }
                }
                decline(&mut edit, ui);
            });
        }
        Kind::Single { options } => {
            group(ui, item, lang, egui::accesskit::Role::RadioGroup, |ui| {
                for o in options {
                    let selected = matches!(current, Some(Answer::Choice(c)) if *c == o.value);
                    if choice_row(ui, selected, o.text.get(lang)).clicked() {
                        edit = Some(Edit::Set(Answer::Choice(o.value.clone())));
                    }
                }
                decline(&mut edit, ui);
            });
        }
        Kind::Multiple {
            options,
            none_of_these,
        } => {
            let chosen: Vec<String> = match current {
                Some(Answer::Choices(cs)) => cs.clone(),
                _ => Vec::new(),
            };
            group(ui, item, lang, egui::accesskit::Role::Group, |ui| {
                for (n, o) in options.iter().enumerate() {
                    let selected = chosen.contains(&o.value);
                    if check_row(ui, selected, o.text.get(lang)).clicked() {
                        let exclusive = *none_of_these == Some(n);
                        let mut next: Vec<String> = if exclusive {
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
                }
                decline(&mut edit, ui);
            });
        }
        Kind::Integer { unit, .. } | Kind::Decimal { unit, .. } => {
            let draft = draft(drafts, key, || {
                current.and_then(number_text).unwrap_or_default()
            });
            ui.horizontal(|ui| {
                field(ui, key, draft, 200.0, label);
                if let Some(u) = unit {
                    ui.label(RichText::new(u.get(lang)).size(theme::QUESTION));
                }
            });
            decline(&mut edit, ui);
        }
        Kind::Measure { units, .. } => {
            let current_unit = match current {
                Some(Answer::Quantity(_, u)) => u.clone(),
                _ => units.first().map(|u| u.id.clone()).unwrap_or_default(),
            };
            let unit_key = format!("{key}#unit");
            let chosen = drafts
                .entry(unit_key.clone())
                .or_insert(current_unit)
                .clone();
            ui.horizontal_wrapped(|ui| {
                for u in units {
                    if choice_button(ui, u.id == chosen, u.label.get(lang)).clicked() {
                        drafts.insert(unit_key.clone(), u.id.clone());
                    }
                }
            });
            let unit = units.iter().find(|u| u.id == chosen).or(units.first());
            if let Some(unit) = unit {
                measure_fields(ui, unit, current, drafts, key, lang, label);
            }
            decline(&mut edit, ui);
        }
        Kind::Date { .. } => {
            let (d, m, y) = match current {
                Some(Answer::Date(date)) => (
                    date.format("%d").to_string(),
                    date.format("%m").to_string(),
                    date.format("%Y").to_string(),
                ),
                _ => Default::default(),
            };
            ui.horizontal(|ui| {
                for (part, init, width, name) in [
                    ("d", d, 90.0, t.day),
                    ("m", m, 90.0, t.month),
                    ("y", y, 140.0, t.year),
                ] {
                    ui.vertical(|ui| {
                        let l = ui.label(name);
                        let part_key = format!("{key}#{part}");
                        let draft = draft(drafts, &part_key, || init);
                        field(ui, &part_key, draft, width, l.id);
                    });
                }
            });
            decline(&mut edit, ui);
        }
        Kind::Text { max_len } | Kind::LongText { max_len } => {
            let draft = draft(drafts, key, || match current {
                Some(Answer::Text(s)) => s.clone(),
                _ => String::new(),
            });
            let multiline = matches!(item.kind, Kind::LongText { .. });
            let edit_box = if multiline {
                egui::TextEdit::multiline(draft).desired_rows(4)
            } else {
                egui::TextEdit::singleline(draft)
            }
            .id_salt(key);
            let width = ui.available_width().min(900.0);
            let response = ui
                .add(
                    edit_box
                        .char_limit(*max_len as usize)
                        .desired_width(width)
                        .font(egui::FontId::proportional(theme::QUESTION)),
                )
                .labelled_by(label);
            focus_on_arrival(ui, &response);
            track_focus(ui, &response, key, Keys::Letters);
            decline(&mut edit, ui);
        }
        Kind::Group { items, max, .. } => {
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
                        ui.label(RichText::new(format!("{} {}", t.entry, n + 1)).strong());
                        for &c in items {
                            let child = q.item(c);
                            let l = ui.label(RichText::new(child.text.get(lang)).size(theme::BODY));
                            let key = format!("{key}/{n}/{}", child.id);
                            if let Some(e) = answer(
                                ui,
                                q,
                                child,
                                entry.get(&child.id),
                                drafts,
                                &key,
                                lang,
                                t,
                                l.id,
                            ) {
                                match e {
                                    Edit::Set(a) => entry.insert(child.id.clone(), a),
                                    Edit::Clear => entry.remove(&child.id),
                                };
                                changed = true;
                            }
                        }
                        if ui
                            .button(format!(
                                "{} {} {}",
                                t.remove_entry,
                                t.entry.to_lowercase(),
                                n + 1
                            ))
                            .clicked()
                        {
                            remove = Some(n);
                        }
                    });
            }
            if let Some(n) = remove {
                entries.remove(n);
                // Drafts of later entries would now be misaligned; typed entries keep their answers.
                drafts.retain(|k, _| !k.starts_with(&format!("{key}/")));
                changed = true;
            }
            if entries.len() < *max as usize
                && ui
                    .add(
                        egui::Button::new(
                            RichText::new(format!("+ {}", t.add_entry)).size(theme::BODY),
                        )
                        .min_size(Vec2::new(260.0, theme::TARGET)),
                    )
                    .clicked()
            {
                entries.push(Default::default());
                changed = true;
            }
            if changed {
                edit = Some(if entries.is_empty() {
                    Edit::Clear
                } else {
                    Edit::Set(Answer::Group(entries))
                });
            }
            decline(&mut edit, ui);
        }
    }
    edit
}

/// The draft answer typed for `item`: `None` when nothing is typed for it, `Some(Ok(None))`
/// when the fields were emptied, `Some(Err)` when what is typed cannot be an answer.
pub fn parse_draft(
    q: &Questionnaire,
    item: &Item,
    current: Option<&Answer>,
    drafts: &BTreeMap<String, String>,
    key: &str,
) -> Option<DraftResult> {
    let text = |k: &str| drafts.get(k).map(|s| s.trim().to_owned());
    match &item.kind {
        Kind::Integer { .. } => {
            let s = text(key)?;
            Some(if s.is_empty() {
                Ok(None)
            } else {
                s.parse::<i64>()
                    .map(|n| Some(Answer::Integer(n)))
                    .map_err(|_| Invalid::TooManyDecimals { decimals: 0 })
            })
        }
        Kind::Decimal { .. } => {
            let s = text(key)?;
            Some(if s.is_empty() {
                Ok(None)
            } else {
                parse_number(&s).map(|n| Some(Answer::Decimal(n)))
            })
        }
        Kind::Measure { units, .. } => {
            let unit_id = text(&format!("{key}#unit")).unwrap_or_default();
            let unit = units.iter().find(|u| u.id == unit_id).or(units.first())?;
            match &unit.split {
                Some(split) => {
                    let major = text(&format!("{key}#major"));
                    let minor = text(&format!("{key}#minor"));
                    if major.is_none() && minor.is_none() {
                        return None;
                    }
                    let (major, minor) = (major.unwrap_or_default(), minor.unwrap_or_default());
                    if major.is_empty() && minor.is_empty() {
                        return Some(Ok(None));
                    }
                    let whole = |s: &str| {
                        if s.is_empty() {
                            Ok(0)
                        } else {
                            s.parse::<u32>()
                                .map_err(|_| Invalid::TooManyDecimals { decimals: 0 })
                        }
                    };
                    Some(whole(&major).and_then(|a| {
                        whole(&minor).map(|b| {
                            Some(Answer::Quantity(
                                f64::from(a) * f64::from(split.minor_per_major) + f64::from(b),
                                unit.id.clone(),
                            ))
                        })
                    }))
                }
                None => {
                    let s = match text(key) {
                        Some(s) => s,
                        // Only the unit changed: keep the number, in the new unit.
                        None => match current {
                            Some(Answer::Quantity(n, u)) if *u != unit.id => trim_number(*n),
                            _ => return None,
                        },
                    };
                    Some(if s.is_empty() {
                        Ok(None)
                    } else {
                        parse_number(&s).map(|n| Some(Answer::Quantity(n, unit.id.clone())))
                    })
                }
            }
        }
        Kind::Date { .. } => {
            let parts = ["d", "m", "y"].map(|p| text(&format!("{key}#{p}")));
            if parts.iter().all(Option::is_none) {
                return None;
            }
            let [d, m, y] = parts.map(Option::unwrap_or_default);
            if d.is_empty() && m.is_empty() && y.is_empty() {
                return Some(Ok(None));
            }
            let date = match (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) {
                (Ok(d), Ok(m), Ok(y)) if y >= 1000 => NaiveDate::from_ymd_opt(y, m, d),
                _ => None,
            };
            Some(date.map(|d| Some(Answer::Date(d))).ok_or(Invalid::NotADate))
        }
        Kind::Text { .. } | Kind::LongText { .. } => {
            let s = drafts.get(key)?;
            Some(Ok((!s.trim().is_empty()).then(|| Answer::Text(s.clone()))))
        }
        Kind::Group { items, .. } => {
            let Some(Answer::Group(entries)) = current else {
                return None;
            };
            let mut entries = entries.clone();
            let mut any = false;
            for (n, entry) in entries.iter_mut().enumerate() {
                for &c in items {
                    let child = q.item(c);
                    let child_key = format!("{key}/{n}/{}", child.id);
                    match parse_draft(q, child, entry.get(&child.id), drafts, &child_key) {
                        None => {}
                        Some(Ok(Some(a))) => {
                            entry.insert(child.id.clone(), a);
                            any = true;
                        }
                        Some(Ok(None)) => {
                            any |= entry.remove(&child.id).is_some();
                        }
                        Some(Err(e)) => {
                            return Some(Err(Invalid::InEntry {
                                entry: n + 1,
                                item: child.id.clone(),
                                error: Box::new(e),
                            }));
                        }
                    }
                }
            }
            any.then_some(Ok(Some(Answer::Group(entries))))
        }
        _ => None,
    }
}

/// Accepts "70.5" and "70,5" (Spanish decimal comma).
fn parse_number(s: &str) -> Result<f64, Invalid> {
    s.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or(Invalid::NotANumber)
}

fn number_text(a: &Answer) -> Option<String> {
    match a {
        Answer::Integer(n) => Some(n.to_string()),
        Answer::Decimal(n) | Answer::Quantity(n, _) => Some(trim_number(*n)),
        _ => None,
    }
}

fn draft<'d>(
    drafts: &'d mut BTreeMap<String, String>,
    key: &str,
    init: impl FnOnce() -> String,
) -> &'d mut String {
    drafts.entry(key.to_owned()).or_insert_with(init)
}

/// A one-line field. Its id comes from the draft key, so two pages never share text-edit state.
fn field(
    ui: &mut egui::Ui,
    key: &str,
    text: &mut String,
    width: f32,
    label: egui::Id,
) -> egui::Response {
    let response = ui
        .add(
            egui::TextEdit::singleline(text)
                .id_salt(key)
                .desired_width(width)
                .font(egui::FontId::proportional(theme::QUESTION)),
        )
        .labelled_by(label);
    focus_on_arrival(ui, &response);
    track_focus(ui, &response, key, Keys::Digits);
    response
}

/// The focused field is where the on-screen keyboard types.
fn track_focus(ui: &egui::Ui, response: &egui::Response, key: &str, keys: Keys) {
    if response.has_focus() {
        keyboard::set_target(
            ui.ctx(),
            keyboard::Target {
                draft: key.to_owned(),
                widget: response.id,
                keys,
            },
        );
    }
}

/// The first field of a page takes the keyboard focus when the page opens, so typing (on the
/// on-screen keyboard or a real one) goes somewhere without a tap first.
fn focus_on_arrival(ui: &egui::Ui, response: &egui::Response) {
    // Remembers the last field focused this way; a field seen for the first time takes focus.
    let marker = egui::Id::NULL.with("prescreen-arrival-focus");
    let seen = ui.ctx().data(|d| d.get_temp::<egui::Id>(marker));
    let anything_focused = ui.ctx().memory(|m| m.focused().is_some());
    if seen != Some(response.id) && !anything_focused {
        response.request_focus();
        ui.ctx().data_mut(|d| d.insert_temp(marker, response.id));
    }
}

#[allow(clippy::too_many_arguments)]
fn measure_fields(
    ui: &mut egui::Ui,
    unit: &Unit,
    current: Option<&Answer>,
    drafts: &mut BTreeMap<String, String>,
    key: &str,
    lang: &str,
    label: egui::Id,
) {
    let value = match current {
        Some(Answer::Quantity(n, u)) if *u == unit.id => Some(*n),
        _ => None,
    };
    ui.horizontal(|ui| match &unit.split {
        Some(split) => {
            let per = f64::from(split.minor_per_major);
            let major_key = format!("{key}#major");
            let major = draft(drafts, &major_key, || {
                value
                    .map(|v| trim_number((v / per).floor()))
                    .unwrap_or_default()
            });
            field(ui, &major_key, major, 100.0, label);
            ui.label(RichText::new(split.major.get(lang)).size(theme::QUESTION));
            let minor_key = format!("{key}#minor");
            let minor = draft(drafts, &minor_key, || {
                value.map(|v| trim_number(v % per)).unwrap_or_default()
            });
            field(ui, &minor_key, minor, 100.0, label);
            ui.label(RichText::new(split.minor.get(lang)).size(theme::QUESTION));
        }
        None => {
            let text = draft(drafts, key, || value.map(trim_number).unwrap_or_default());
            field(ui, key, text, 200.0, label);
            ui.label(RichText::new(unit.label.get(lang)).size(theme::QUESTION));
        }
    });
}

/// Lays out a question's options as one accessible group named by the question.
fn group(
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

fn marked_row(ui: &mut egui::Ui, selected: bool, text: &str, check: bool) -> egui::Response {
    let width = ui.available_width().min(900.0);
    // Room on the left for the mark, painted rather than drawn from a font.
    let label = RichText::new(format!("        {text}")).size(theme::QUESTION * 0.9);
    let response = ui
        .add(
            option_button(selected, label)
                .wrap()
                .min_size(Vec2::new(width, theme::TARGET)),
        )
        .accessible_name(text);
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
    ui.add(
        option_button(selected, RichText::new(text).size(theme::QUESTION * 0.9))
            .min_size(Vec2::new(120.0, theme::TARGET)),
    )
    .accessible_name(text)
}
