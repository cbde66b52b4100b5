//! The open record, on the right of the window: a summary drawn from the same
//! [`View`] the text and HTML exports render — header, urgent alerts, attention flags (urgent
//! first), scores, then every section — so the window and `prescreen render` cannot disagree
//! about content, order or integrity wording. Also an alert record, and a file that cannot be
//! read, with its reason.

use std::path::{Path, PathBuf};

use eframe::egui::{self, Color32, RichText};

use super::list::local;
use super::{HEADING, OK, ReviewApp, URGENT, URGENT_BG, WARN_BG};
use crate::engine::UrgentAlert;
use crate::engine::summary::{Field, Summary};
use crate::export::view::{AnswerView, DECLINED, NOT_ANSWERED, NotAsked, Row as ViewRow, View};
use crate::export::{Checks, Trust};
use crate::inbox::{self, Known, Record, Review as Mark, Row};
use crate::storage::crypto::Identities;
use crate::storage::names;
use crate::ui::bold;

/// The open record, read afresh from disk.
pub(super) enum Opened {
    Summary {
        path: PathBuf,
        summary: Box<Summary>,
        checks: Checks,
    },
    Alert {
        path: PathBuf,
        alert: Box<UrgentAlert>,
        trust: Trust,
        summary: Option<PathBuf>,
    },
    Unreadable {
        path: PathBuf,
        reason: String,
    },
}

impl Opened {
    pub(super) fn path(&self) -> &Path {
        match self {
            Opened::Summary { path, .. }
            | Opened::Alert { path, .. }
            | Opened::Unreadable { path, .. } => path,
        }
    }

    /// Reads `path` afresh; `rows` tell which summary an alert was followed by. A summary is
    /// judged by its seal against `known` kiosks and recomputed with its questionnaire.
    pub(super) fn read(
        path: &Path,
        rows: &[Row],
        identities: &Identities,
        known: &Known,
    ) -> Opened {
        let path_buf = path.to_path_buf();
        match inbox::read_contents(path, identities, Summary::read) {
            Ok(inbox::Contents::Alert(alert, integrity)) => Opened::Alert {
                trust: known.judge(&integrity),
                summary: rows.iter().find_map(|r| match &r.record {
                    Record::Alert(a) if r.path == path => a.summary.clone(),
                    _ => None,
                }),
                path: path_buf,
                alert,
            },
            Ok(inbox::Contents::Summary(summary, integrity)) => Opened::Summary {
                path: path_buf,
                checks: known.check(&summary, &integrity),
                summary: Box::new(summary),
            },
            Err(reason) => Opened::Unreadable {
                path: path_buf,
                reason: reason.to_string(),
            },
        }
    }
}

/// What the clinician asked of the open record.
pub(super) enum RecordAction {
    MarkReviewed,
    SaveHtml,
    Open(PathBuf),
}

impl ReviewApp {
    pub(super) fn record(&mut self, ui: &mut egui::Ui) {
        let Some(opened) = &self.opened else {
            ui.centered_and_justified(|ui| {
                ui.label("Choose a record on the left.");
            });
            return;
        };
        let mut action = None;
        egui::ScrollArea::vertical()
            .id_salt(opened.path())
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.set_max_width(900.0_f32.min(ui.available_width()));
                let row = self.rows.iter().find(|r| r.path == opened.path());
                match opened {
                    Opened::Summary {
                        path,
                        summary,
                        checks,
                    } => {
                        action = summary_actions(ui, row);
                        let view = View::of(summary, checks);
                        notices(ui, row, names::is_encrypted(path));
                        summary_view(ui, &view);
                    }
                    Opened::Alert {
                        alert,
                        trust,
                        summary,
                        ..
                    } => {
                        action = summary_actions(ui, row)
                            .filter(|a| !matches!(a, RecordAction::SaveHtml));
                        if let Some(p) = alert_view(ui, alert, trust, summary.as_deref()) {
                            action = Some(RecordAction::Open(p));
                        }
                    }
                    Opened::Unreadable { path, reason } => unreadable_view(ui, path, reason),
                }
            });
        match action {
            Some(RecordAction::MarkReviewed) => self.mark_reviewed(),
            Some(RecordAction::SaveHtml) => self.save_html(),
            Some(RecordAction::Open(p)) => self.open(&p),
            None => {}
        }
    }
}

/// "Mark as reviewed" and "Save as HTML…", with the review state (the latest mark, and how
/// many came before it).
fn summary_actions(ui: &mut egui::Ui, row: Option<&Row>) -> Option<RecordAction> {
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        let mark = match row.and_then(|r| r.review.as_ref()) {
            Some(Mark::Reviewed(m)) => {
                ui.colored_label(OK, format!("Reviewed by {} on {}", m.by, local(m.at)));
                false
            }
            Some(Mark::ChangedSince(m)) => {
                let text = format!(
                    "Reviewed by {} on {}, but the file has changed since",
                    m.by,
                    local(m.at)
                );
                ui.colored_label(URGENT, text);
                true
            }
            Some(Mark::WithSummary(m)) => {
                let text = format!("Reviewed with its summary by {} on {}", m.by, local(m.at));
                ui.colored_label(OK, text);
                false
            }
            None => true,
        };
        if let Some(earlier) = row
            .map(|r| r.marks.len().saturating_sub(1))
            .filter(|&n| n > 0)
        {
            let marks = if earlier == 1 { "mark" } else { "marks" };
            ui.label(format!("({earlier} earlier {marks} kept)"));
        }
        if mark && ui.button("Mark as reviewed").clicked() {
            action = Some(RecordAction::MarkReviewed);
        }
        if ui.button("Save as HTML…").clicked() {
            action = Some(RecordAction::SaveHtml);
        }
    });
    ui.add_space(6.0);
    action
}

/// What the window knows beside the summary: whether it was stored encrypted, and whether its
/// questionnaire is one this installation knows.
fn notices(ui: &mut egui::Ui, row: Option<&Row>, encrypted: bool) {
    if !encrypted {
        callout(
            ui,
            WARN_BG,
            "Not encrypted: this summary was stored as plain text, so anyone who could read \
             the outbox could read it. Set `recipients` in the kiosk's site configuration.",
        );
    }
    if let Some(Record::Summary(r)) = row.map(|r| &r.record)
        && r.known_questionnaire == Some(false)
    {
        callout(
            ui,
            WARN_BG,
            "This summary was made with a questionnaire version this installation does not \
             know. It is shown as exported; the questions and answers are those the patient saw.",
        );
    }
}

fn summary_view(ui: &mut egui::Ui, v: &View<'_>) {
    header(ui, v);
    if !v.notices.is_empty() {
        ui.add_space(8.0);
        boxed(ui, WARN_BG, 10.0, |ui| {
            ui.label(RichText::new(crate::export::view::NOTICES).strong());
            for a in &v.notices {
                ui.add(egui::Label::new(format!("{} (at {})", a.text, a.at)).wrap());
            }
        });
    }
    if !v.alerts.is_empty() {
        ui.add_space(8.0);
        urgent_banner(ui, "URGENT — safety alert during the session", |ui| {
            for a in &v.alerts {
                let text = match &a.shown {
                    Some(shown) => format!("{} (at {}; {shown})", a.text, a.at),
                    None => format!("{} (at {})", a.text, a.at),
                };
                ui.label(RichText::new(text).color(Color32::WHITE));
            }
        });
    }
    section_heading(ui, &format!("For clinician review ({})", v.flags.len()));
    if v.flags.is_empty() {
        ui.label("No flag was raised by these answers. Every answer is listed below.");
    }
    for f in &v.flags {
        flag_view(ui, f);
    }
    section_heading(ui, "Scores");
    if v.scores.is_empty() {
        ui.label("This questionnaire has no scores.");
    }
    for sc in &v.scores {
        ui.label(format!("{}: {}", sc.title, sc.value));
    }
    for (n, section) in v.sections.iter().enumerate() {
        let title = match section.title_default {
            Some(d) => format!("{}  ({d})", section.title),
            None => section.title.to_owned(),
        };
        section_heading(ui, &title);
        if let Some(reason) = section.skipped {
            ui.label(RichText::new(format!("Section not asked: {reason}.")).italics());
            continue;
        }
        for row in &section.rows {
            row_view(ui, row);
        }
        not_asked(ui, &section.not_asked, ("not-asked", n));
    }
    if !v.attribution.is_empty() {
        section_heading(ui, "Instruments");
        for a in v.attribution {
            ui.add(egui::Label::new(RichText::new(a).weak()).wrap());
        }
    }
    ui.add_space(30.0);
}

fn header(ui: &mut egui::Ui, v: &View<'_>) {
    let patient = if v.patient.is_empty() {
        "(no name given)".to_owned()
    } else {
        let answers: Vec<&str> = v.patient.iter().map(|p| p.answer).collect();
        answers.join(" · ")
    };
    ui.label(RichText::new(&patient).size(HEADING + 4.0).strong());
    let mut rows: Vec<(String, String)> = v
        .patient
        .iter()
        .map(|p| (p.question.to_owned(), p.answer.to_owned()))
        .collect();
    rows.push(("Submitted".into(), v.submitted.clone()));
    rows.push(("Started".into(), v.started.clone()));
    rows.push(("Language used".into(), v.language.clone()));
    rows.push((
        "Questionnaire".into(),
        format!("{} ({})\nSHA-256 {}", v.title, v.questionnaire, v.sha256),
    ));
    header_grid(ui, "summary-header", &rows);
    ui.add_space(6.0);
    let integrity = format!("Integrity: {}", v.integrity);
    let consistency = format!("Consistency: {}", v.consistency);
    if v.trusted {
        ui.colored_label(OK, integrity);
        ui.colored_label(OK, consistency);
        return;
    }
    callout(ui, URGENT_BG, &integrity);
    if v.consistent {
        ui.label(consistency);
    } else {
        let listed: String = v.differences.iter().map(|d| format!("\n• {d}")).collect();
        callout(ui, URGENT_BG, &format!("{consistency}{listed}"));
    }
}

fn flag_view(ui: &mut egui::Ui, f: &crate::export::view::FlagView<'_>) {
    let fill = if f.urgent { URGENT_BG } else { WARN_BG };
    boxed(ui, fill, 10.0, |ui| {
        let lead = match (f.urgent, f.possible) {
            (true, false) => "Urgent: ",
            (true, true) => "Urgent (possible): ",
            (false, true) => "Possible: ",
            (false, false) => "",
        };
        ui.add(egui::Label::new(RichText::new(format!("{lead}{}", f.text)).strong()).wrap());
        for b in &f.because {
            ui.add(egui::Label::new(question_and_answer(ui, b.question, b.answer)).wrap());
        }
        if let Some(note) = &f.note {
            ui.add(egui::Label::new(RichText::new(note).italics()).wrap());
        }
        ui.add(egui::Label::new(RichText::new(format!("Source: {}", f.source)).weak()).wrap());
    });
    ui.add_space(6.0);
}

/// Pieces of text as one wrapping paragraph.
fn paragraph(ui: &egui::Ui, parts: impl IntoIterator<Item = RichText>) -> egui::text::LayoutJob {
    let style = ui.style();
    let mut job = egui::text::LayoutJob::default();
    for part in parts {
        part.append_to(
            &mut job,
            style,
            egui::FontSelection::Default,
            egui::Align::Min,
        );
    }
    job
}

/// "Question: **answer**" as one wrapping paragraph.
fn question_and_answer(ui: &egui::Ui, question: &str, answer: &str) -> egui::text::LayoutJob {
    paragraph(ui, [RichText::new(format!("{question}  ")), bold(answer)])
}

/// The answer with a free-text screen's matched words highlighted (and bracketed as in the
/// text export, so the highlight does not rely on colour alone).
fn marked_answer(ui: &egui::Ui, marked: &[(&str, bool)]) -> egui::text::LayoutJob {
    use crate::export::view::{MARK_CLOSE, MARK_OPEN};
    let parts = marked.iter().map(|(piece, hit)| {
        if *hit {
            bold(format!("{MARK_OPEN}{piece}{MARK_CLOSE}"))
                .background_color(WARN_BG)
                .underline()
        } else {
            bold(*piece)
        }
    });
    paragraph(ui, parts)
}

fn row_view(ui: &mut egui::Ui, row: &ViewRow<'_>) {
    ui.add(egui::Label::new(RichText::new(row.question).strong()).wrap());
    if let Some(d) = row.question_default {
        ui.add(egui::Label::new(RichText::new(d).weak().italics()).wrap());
    }
    ui.indent(row.question, |ui| match &row.answer {
        AnswerView::Given {
            shown,
            shown_default,
            converted,
            marked,
        } => {
            let text = match converted {
                Some(c) => format!("{shown} (= {c})"),
                None => (*shown).to_owned(),
            };
            if marked.is_empty() {
                ui.add(egui::Label::new(bold(text)).wrap());
            } else {
                ui.add(egui::Label::new(marked_answer(ui, marked)).wrap());
            }
            if let Some(d) = shown_default.filter(|d| d != shown) {
                ui.add(egui::Label::new(RichText::new(d).weak().italics()).wrap());
            }
        }
        AnswerView::Declined => {
            ui.label(RichText::new(DECLINED).italics());
        }
        AnswerView::NotAnswered => {
            ui.label(RichText::new(NOT_ANSWERED).italics());
        }
        AnswerView::Entries(entries) => {
            if entries.is_empty() {
                ui.label(RichText::new("None listed").italics());
            }
            for entry in entries {
                ui.label(RichText::new(format!("Entry {}", entry.number)).underline());
                ui.indent(("entry", entry.number), |ui| {
                    for r in &entry.rows {
                        row_view(ui, r);
                    }
                    not_asked(ui, &entry.not_asked, ("entry-not-asked", entry.number));
                });
            }
        }
    });
    ui.add_space(6.0);
}

/// Items not asked, collapsed under "Not asked (n)", each with its reason.
fn not_asked(
    ui: &mut egui::Ui,
    items: &[NotAsked<'_>],
    salt: impl std::hash::Hash + std::fmt::Debug,
) {
    if items.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(format!("Not asked ({})", items.len()))
        .id_salt(salt)
        .show(ui, |ui| {
            for item in items {
                ui.add(egui::Label::new(format!("{} — {}", item.question, item.reason)).wrap());
            }
        });
}

fn section_heading(ui: &mut egui::Ui, text: &str) {
    ui.add_space(14.0);
    ui.label(RichText::new(text).size(HEADING).strong());
    ui.separator();
}

fn header_grid(ui: &mut egui::Ui, id: &str, rows: &[(String, String)]) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for (k, v) in rows {
                ui.label(RichText::new(k).strong());
                ui.add(egui::Label::new(v).wrap());
                ui.end_row();
            }
        });
}

/// A full-width coloured box around `body`: flags, notices and alerts.
fn boxed(ui: &mut egui::Ui, fill: Color32, margin: f32, body: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::new()
        .fill(fill)
        .inner_margin(margin)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            body(ui);
        });
}

fn callout(ui: &mut egui::Ui, fill: Color32, text: &str) {
    boxed(ui, fill, 10.0, |ui| {
        ui.add(egui::Label::new(RichText::new(text).strong()).wrap());
    });
}

/// A red box with a white heading: a safety alert, impossible to miss.
fn urgent_banner(ui: &mut egui::Ui, title: &str, body: impl FnOnce(&mut egui::Ui)) {
    boxed(ui, URGENT, 12.0, |ui| {
        let title = RichText::new(title)
            .color(Color32::WHITE)
            .size(HEADING)
            .strong();
        ui.label(title);
        body(ui);
    });
}

fn identity_rows(fields: &[Field]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| (f.question.clone(), f.answer.clone()))
        .collect()
}

fn alert_view(
    ui: &mut egui::Ui,
    a: &UrgentAlert,
    trust: &Trust,
    summary: Option<&Path>,
) -> Option<PathBuf> {
    let mut open = None;
    urgent_banner(ui, "URGENT — safety alert", |ui| {
        ui.label(RichText::new(&a.alert).color(Color32::WHITE).size(HEADING));
    });
    ui.add_space(8.0);
    let mut rows = identity_rows(&a.identity);
    rows.push(("Alert raised".into(), local(a.at)));
    rows.push(("Session started".into(), local(a.started_at)));
    rows.push((
        "Questionnaire".into(),
        format!(
            "{}, version {}",
            a.questionnaire.title, a.questionnaire.version
        ),
    ));
    header_grid(ui, "alert-header", &rows);
    ui.add_space(8.0);
    let integrity = format!("Integrity: {}", trust.describe());
    if matches!(trust, Trust::Signed { .. }) {
        ui.colored_label(OK, integrity);
    } else {
        callout(ui, WARN_BG, &integrity);
    }
    ui.add_space(8.0);
    match summary {
        Some(p) => {
            ui.label("The patient went on to submit a summary.");
            if ui.button("Open the summary").clicked() {
                open = Some(p.to_path_buf());
            }
        }
        None => callout(
            ui,
            URGENT_BG,
            "No summary from this session has arrived: the patient may have left before \
             finishing. Find the patient now.",
        ),
    }
    open
}

fn unreadable_view(ui: &mut egui::Ui, path: &Path, reason: &str) {
    ui.label(
        RichText::new("This file cannot be shown")
            .size(HEADING)
            .strong(),
    );
    ui.add_space(6.0);
    header_grid(
        ui,
        "unreadable",
        &[
            ("File".into(), path.display().to_string()),
            ("Reason".into(), reason.to_owned()),
        ],
    );
    ui.add_space(6.0);
    ui.add(
        egui::Label::new(
            "Nothing in it is shown, because it could not be read completely and checked. \
             Ask for the original export from the kiosk's outbox.",
        )
        .wrap(),
    );
}
