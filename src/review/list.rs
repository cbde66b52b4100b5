//! The inbox list on the left of the window: one whole-row button per record, urgent first,
//! whose accessible name says everything the row shows.

use chrono::{DateTime, Local, Utc};
use eframe::egui::{self, Color32, RichText, ScrollArea};

use super::{ReviewApp, URGENT, URGENT_BG};
use crate::deliver::state::Stage;
use crate::engine::summary::Field;
use crate::export::Trust;
use crate::inbox::{Record, Review as Mark, Row};

impl ReviewApp {
    pub(super) fn inbox(&mut self, ui: &mut egui::Ui) {
        ui.add_space(6.0);
        let urgent = self
            .rows
            .iter()
            .filter(|r| r.is_urgent() && !r.is_reviewed())
            .count();
        let n = self.rows.len();
        let records = if n == 1 { "record" } else { "records" };
        ui.label(RichText::new(format!("Inbox: {n} {records}")).strong());
        if urgent > 0 {
            ui.colored_label(URGENT, format!("{urgent} urgent, not yet reviewed"));
        }
        if self.rows.is_empty() {
            ui.label(match &self.dir {
                Some(_) => "No summaries in this folder yet. New ones appear here by themselves.",
                None => "Open a folder or a summary file, or drop one onto this window.",
            });
        }
        let mut clicked = None;
        ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
            for row in &self.rows {
                let selected = self.opened.as_ref().is_some_and(|o| o.path() == row.path);
                if inbox_row(ui, row, selected).clicked() {
                    clicked = Some(row.path.clone());
                }
            }
        });
        if let Some(p) = clicked {
            // Opening is not acknowledging: the banner stays until someone acknowledges.
            self.open(&p);
        }
    }
}

/// "Sat 21 Nov 2026, 09:00" in the computer's time zone.
pub(super) fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%a %-d %b %Y, %H:%M")
        .to_string()
}

fn patient_line(fields: &[Field]) -> String {
    if fields.is_empty() {
        return "(no name given)".to_owned();
    }
    fields
        .iter()
        .map(|f| f.answer.as_str())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// One inbox row: a whole-row button whose accessible name says everything the row shows.
fn inbox_row(ui: &mut egui::Ui, row: &Row, selected: bool) -> egui::Response {
    let urgent = row.is_urgent() && !row.is_reviewed();
    let lines = row_lines(row, urgent);
    let name = lines
        .iter()
        .map(|(t, _, _)| t.as_str())
        .collect::<Vec<_>>()
        .join(". ");
    draw_row(ui, row, selected, urgent, &lines, &name)
}

/// A line of a row: text, colour, strong.
type Line = (String, Option<Color32>, bool);

/// What a row says, line by line.
fn row_lines(row: &Row, urgent: bool) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    match &row.record {
        Record::Summary(s) => {
            if urgent {
                let head = if s.alerts > 0 {
                    "URGENT — safety alert"
                } else {
                    "URGENT — urgent flag (free text)"
                };
                lines.push((head.to_owned(), Some(URGENT), true));
            }
            lines.push((patient_line(&s.patient), None, true));
            lines.push((format!("Submitted {}", local(row.received)), None, false));
            let flags = match s.flags {
                0 => "no flags".to_owned(),
                1 => "1 flag".to_owned(),
                n => format!("{n} flags"),
            };
            lines.push((flags, None, false));
            match &s.trust {
                Trust::Altered { .. } => lines.push((
                    "ALTERED: changed after it was written".to_owned(),
                    Some(URGENT),
                    true,
                )),
                Trust::Unsigned { .. } => {
                    lines.push(("Not signed by a known kiosk".to_owned(), None, false))
                }
                Trust::Signed { kiosk } => {
                    lines.push((format!("Signed by kiosk “{kiosk}”"), None, false));
                }
            }
            if s.known_questionnaire == Some(false) {
                lines.push(("Unknown questionnaire version".to_owned(), None, false));
            }
        }
        Record::Alert(a) => {
            let head = if a.summary.is_none() {
                "URGENT — alert, no summary submitted"
            } else {
                "Alert (summary received)"
            };
            lines.push((head.to_owned(), Some(URGENT), true));
            lines.push((patient_line(&a.patient), None, true));
            lines.push((format!("Alert at {}", local(row.received)), None, false));
        }
        Record::Unreadable { reason } => {
            lines.push(("Cannot be read".to_owned(), Some(URGENT), true));
            lines.push((row.file_name(), None, false));
            lines.push((reason.clone(), None, false));
        }
    }
    if let Some(d) = &row.delivery {
        let colour = (d.stage == Stage::Refused).then_some(URGENT);
        lines.push((d.describe(), colour, false));
    }
    lines.push((
        match &row.review {
            Some(Mark::Reviewed(m)) => format!("Reviewed by {} on {}", m.by, local(m.at)),
            Some(Mark::ChangedSince(m)) => format!("File changed since reviewed by {}", m.by),
            Some(Mark::WithSummary(m)) => {
                format!("Reviewed with its summary by {} on {}", m.by, local(m.at))
            }
            None => "Not reviewed".to_owned(),
        },
        None,
        false,
    ));
    lines
}

fn draw_row(
    ui: &mut egui::Ui,
    row: &Row,
    selected: bool,
    urgent: bool,
    lines: &[Line],
    name: &str,
) -> egui::Response {
    let fill = if selected {
        ui.visuals().selection.bg_fill
    } else if urgent {
        URGENT_BG
    } else {
        ui.visuals().panel_fill
    };
    let inner = egui::Frame::new()
        .fill(fill)
        .stroke(egui::Stroke::new(1.0, Color32::from_gray(190)))
        .inner_margin(8.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            for (text, color, strong) in lines {
                let mut t = RichText::new(text);
                if *strong {
                    t = t.strong();
                }
                if let Some(c) = color {
                    t = t.color(*c);
                }
                ui.add(egui::Label::new(t).selectable(false).wrap());
            }
        });
    let response = ui.interact(
        inner.response.rect,
        ui.scope_id().with(&row.path),
        egui::Sense::click(),
    );
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
    if response.has_focus() || response.hovered() {
        ui.painter().rect_stroke(
            inner.response.rect,
            4.0,
            ui.visuals().selection.stroke,
            egui::StrokeKind::Inside,
        );
    }
    ui.add_space(4.0);
    response
}
