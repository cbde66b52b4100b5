//! The clinician review window: the inbox of exported records on the left, urgent first, and
//! the open record on the right — attention flags first, each with its source, then scores,
//! then every answer as the patient saw it.
//!
//! The window never changes an exported file. It reads every file again when it is opened and
//! shows whether its digest matches; an unreadable file is listed with the reason and opens to
//! that reason, never to a crash or a blank page.
//!
//! Encrypted exports are opened with the identities the window was started with
//! (`prescreen review --identity FILE`), decrypted in memory only. A summary that was stored
//! unencrypted says so in its header.
//!
//! The folder is watched (`notify`): a background thread rescans when a file appears and wakes
//! the window only when the list changed, so an idle review window costs nothing. File dialogs
//! run on their own threads, since they block.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use eframe::egui::{self, Color32, RichText, ScrollArea};

use crate::crypto::{self, Identities};
use crate::engine::summary::{Field, ItemSummary, RaisedFlag, Status, Summary};
use crate::engine::{Clock, Integrity, Level, UrgentAlert};
use crate::inbox::{self, Inbox, Record, Review as Mark, Row};

/// Text sizes of the clinician window: a desk screen read at arm's length.
const BODY: f32 = 17.0;
const HEADING: f32 = 24.0;

const URGENT: Color32 = Color32::from_rgb(170, 20, 20);
const URGENT_BG: Color32 = Color32::from_rgb(253, 228, 228);
const WARN_BG: Color32 = Color32::from_rgb(255, 243, 205);
const OK: Color32 = Color32::from_rgb(20, 110, 40);

/// The rescan that catches changes a watcher cannot see (network shares), in seconds.
const SLOW_RESCAN: Duration = Duration::from_secs(30);

/// What the background threads tell the window.
enum Event {
    Rows {
        rows: Vec<Row>,
        new_urgent: Vec<PathBuf>,
        problem: Option<String>,
    },
    Picked(Vec<PathBuf>),
    PickedFolder(PathBuf),
    SaveTo(PathBuf, String),
}

/// What the window asks the scanning thread.
enum Command {
    Rescan,
    AddFile(PathBuf),
    SetDir(PathBuf),
}

/// The open record, read afresh from disk.
enum Opened {
    Summary {
        path: PathBuf,
        summary: Box<Summary>,
        integrity: Integrity,
    },
    Alert {
        path: PathBuf,
        alert: UrgentAlert,
        summary: Option<PathBuf>,
    },
    Unreadable {
        path: PathBuf,
        reason: String,
    },
}

impl Opened {
    fn path(&self) -> &Path {
        match self {
            Opened::Summary { path, .. }
            | Opened::Alert { path, .. }
            | Opened::Unreadable { path, .. } => path,
        }
    }
}

pub struct ReviewApp {
    rows: Vec<Row>,
    dir: Option<PathBuf>,
    problem: Option<String>,
    opened: Option<Opened>,
    /// Who marks files reviewed.
    reviewer: String,
    /// Urgent records that arrived while the window was open, newest last.
    banner: Vec<PathBuf>,
    /// The outcome of the last action (marking, saving), shown under the toolbar.
    status: Option<(bool, String)>,
    clock: Arc<dyn Clock>,
    /// Keys that open encrypted exports (none: they are listed as unreadable, with why).
    identities: Identities,
    events: Receiver<Event>,
    events_tx: Sender<Event>,
    commands: Sender<Command>,
    /// Kept alive for as long as the window: dropping it stops the watching.
    _watcher: Option<notify::RecommendedWatcher>,
    /// The folder the watcher watches.
    watched: Option<PathBuf>,
    ctx: egui::Context,
}

impl ReviewApp {
    /// Opens `path` (a folder, or one file) and starts watching the folder. `identities` open
    /// encrypted exports; without them those are listed, unreadable, with the reason.
    pub fn new(
        ctx: &egui::Context,
        path: Option<PathBuf>,
        known: Vec<String>,
        identities: Identities,
        clock: Arc<dyn Clock>,
    ) -> ReviewApp {
        let (events_tx, events) = channel();
        let (commands, command_rx) = channel();
        let (dir, file) = match path {
            Some(p) if p.is_file() => (None, Some(p)),
            Some(p) => (Some(p), None),
            None => (None, None),
        };
        let mut inbox = Inbox::new(dir.clone());
        inbox.known = known;
        inbox.identities = identities.clone();
        if let Some(f) = &file {
            inbox.add_file(f.clone());
        }
        spawn_scanner(inbox, command_rx, events_tx.clone(), ctx.clone());
        let mut app = ReviewApp {
            rows: Vec::new(),
            dir: None,
            problem: None,
            opened: None,
            reviewer: default_reviewer(),
            banner: Vec::new(),
            status: None,
            clock,
            identities,
            events,
            events_tx,
            commands,
            _watcher: None,
            watched: None,
            ctx: ctx.clone(),
        };
        if let Some(d) = dir {
            app.watch(d);
        }
        if let Some(f) = file {
            app.open(&f);
        }
        app
    }

    /// The rows as listed, for tests.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The urgent records that arrived while the window was open.
    pub fn banner(&self) -> &[PathBuf] {
        &self.banner
    }

    pub fn set_reviewer(&mut self, name: &str) {
        self.reviewer = name.to_owned();
    }

    /// Watches `dir` and lists it.
    fn watch(&mut self, dir: PathBuf) {
        use notify::Watcher as _;
        let tx = self.commands.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok() {
                let _ = tx.send(Command::Rescan);
            }
        });
        self._watcher = watcher
            .and_then(|mut w| {
                w.watch(&dir, notify::RecursiveMode::Recursive)?;
                Ok(w)
            })
            .ok();
        self.watched = Some(dir.clone());
        self.dir = Some(dir.clone());
        let _ = self.commands.send(Command::SetDir(dir));
    }

    /// Reads `path` afresh and shows it.
    fn open(&mut self, path: &Path) {
        self.opened = Some(read_opened(path, &self.rows, &self.identities));
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.receive();
        let dropped: Vec<PathBuf> = ui.ctx().input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        for path in dropped {
            self.add_path(path);
        }

        egui::Panel::top("review-toolbar").show(ui, |ui| self.toolbar(ui));
        egui::Panel::left("review-inbox")
            .resizable(true)
            .default_size(380.0)
            .min_size(260.0)
            .show(ui, |ui| self.inbox(ui));
        egui::CentralPanel::default().show(ui, |ui| self.record(ui));
    }

    /// Takes what the background threads sent.
    fn receive(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            match event {
                Event::Rows {
                    rows,
                    new_urgent,
                    problem,
                } => {
                    self.rows = rows;
                    self.problem = problem;
                    for p in new_urgent {
                        if !self.banner.contains(&p) {
                            self.banner.push(p);
                        }
                    }
                    // A file that changed under the open view is read again.
                    if let Some(o) = &self.opened {
                        let path = o.path().to_path_buf();
                        self.opened = Some(read_opened(&path, &self.rows, &self.identities));
                    }
                }
                Event::Picked(paths) => {
                    for p in paths {
                        self.add_path(p);
                    }
                }
                Event::PickedFolder(dir) => self.watch(dir),
                Event::SaveTo(path, html) => {
                    self.status = Some(
                        match crate::outbox::replace_atomic(&path, html.as_bytes()) {
                            Ok(()) => (true, format!("Saved {}", path.display())),
                            Err(e) => (false, format!("Could not save {}: {e}", path.display())),
                        },
                    );
                }
            }
        }
    }

    /// A dropped or picked path: a folder becomes the inbox, a file is added and opened.
    fn add_path(&mut self, path: PathBuf) {
        if path.is_dir() {
            self.watch(path);
        } else {
            let _ = self.commands.send(Command::AddFile(path.clone()));
            self.open(&path);
        }
    }

    fn toolbar(&mut self, ui: &mut egui::Ui) {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new("prescreen — clinician review")
                    .size(HEADING)
                    .strong(),
            );
            ui.separator();
            if ui.button("Open file…").clicked() {
                self.pick(false);
            }
            if ui.button("Open folder…").clicked() {
                self.pick(true);
            }
            if ui.button("Refresh").clicked() {
                let _ = self.commands.send(Command::Rescan);
            }
            ui.separator();
            let label = ui.label("Reviewer:");
            ui.add(egui::TextEdit::singleline(&mut self.reviewer).desired_width(180.0))
                .labelled_by(label.id);
        });
        if let Some(dir) = &self.dir {
            ui.label(RichText::new(format!("Folder: {}", dir.display())).weak());
        }
        if let Some(p) = &self.problem {
            ui.colored_label(URGENT, p);
        }
        if let Some((ok, message)) = &self.status {
            ui.colored_label(if *ok { OK } else { URGENT }, message);
        }
        let mut open = None;
        let mut dismiss = false;
        if !self.banner.is_empty() {
            egui::Frame::new()
                .fill(URGENT)
                .inner_margin(10.0)
                .corner_radius(4.0)
                .show(ui, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        let n = self.banner.len();
                        let text = if n == 1 {
                            "New urgent alert: a patient raised a safety alert.".to_owned()
                        } else {
                            format!("{n} new urgent alerts: patients raised safety alerts.")
                        };
                        ui.label(RichText::new(text).color(Color32::WHITE).size(HEADING));
                        if ui.button("Show the newest").clicked() {
                            open = self.banner.last().cloned();
                        }
                        if ui.button("Dismiss").clicked() {
                            dismiss = true;
                        }
                    });
                });
        }
        if let Some(p) = open {
            self.open(&p);
        }
        if dismiss {
            self.banner.clear();
        }
        ui.add_space(4.0);
    }

    /// Opens a file dialog on its own thread; what is picked arrives as an event.
    fn pick(&self, folder: bool) {
        let tx = self.events_tx.clone();
        let ctx = self.ctx.clone();
        let start = self.dir.clone();
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new();
            if let Some(d) = start {
                dialog = dialog.set_directory(d);
            }
            let event = if folder {
                dialog.pick_folder().map(Event::PickedFolder)
            } else {
                dialog
                    // `….summary.ron.age` ends in "age" as far as the dialog is concerned.
                    .add_filter("prescreen records", &["ron", "age"])
                    .pick_files()
                    .map(Event::Picked)
            };
            if let Some(e) = event {
                let _ = tx.send(e);
                ctx.request_repaint();
            }
        });
    }

    fn inbox(&mut self, ui: &mut egui::Ui) {
        ui.add_space(6.0);
        let urgent = self
            .rows
            .iter()
            .filter(|r| r.is_urgent() && !r.is_reviewed())
            .count();
        ui.label(RichText::new(format!("Inbox: {} records", self.rows.len())).strong());
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
            self.banner.retain(|b| *b != p);
            self.open(&p);
        }
    }

    fn record(&mut self, ui: &mut egui::Ui) {
        let Some(opened) = &self.opened else {
            ui.centered_and_justified(|ui| {
                ui.label("Choose a record on the left.");
            });
            return;
        };
        let mut action = None;
        ScrollArea::vertical()
            .id_salt(opened.path())
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.set_max_width(900.0_f32.min(ui.available_width()));
                match opened {
                    Opened::Summary {
                        path,
                        summary,
                        integrity,
                    } => {
                        let row = self.rows.iter().find(|r| r.path == *path);
                        action = summary_actions(ui, row, &self.reviewer);
                        summary_view(ui, summary, *integrity, row, crypto::is_encrypted(path));
                    }
                    Opened::Alert {
                        path,
                        alert,
                        summary,
                    } => {
                        let row = self.rows.iter().find(|r| r.path == *path);
                        action = summary_actions(ui, row, &self.reviewer)
                            .filter(|a| !matches!(a, RecordAction::SaveHtml));
                        if let Some(p) = alert_view(ui, alert, summary.as_deref()) {
                            action = Some(RecordAction::Open(p));
                        }
                    }
                    Opened::Unreadable { path, reason } => {
                        unreadable_view(ui, path, reason);
                    }
                }
            });
        match action {
            Some(RecordAction::MarkReviewed) => self.mark_reviewed(),
            Some(RecordAction::SaveHtml) => self.save_html(),
            Some(RecordAction::Open(p)) => self.open(&p),
            None => {}
        }
    }

    fn mark_reviewed(&mut self) {
        let Some(opened) = &self.opened else { return };
        let path = opened.path().to_path_buf();
        let by = self.reviewer.trim();
        self.status = Some(match inbox::mark_reviewed(&path, by, self.clock.now()) {
            Ok(_) => (true, format!("Marked reviewed by {by}.")),
            Err(e) => (false, format!("Could not mark as reviewed: {e}")),
        });
        self.banner.retain(|b| *b != path);
        let _ = self.commands.send(Command::Rescan);
    }

    fn save_html(&mut self) {
        let Some(Opened::Summary {
            path,
            summary,
            integrity,
        }) = &self.opened
        else {
            return;
        };
        let html = crate::export::html::render(summary, &(*integrity).into());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| {
                n.trim_end_matches(crate::outbox::ENCRYPTED_SUFFIX)
                    .trim_end_matches(".ron")
                    .to_owned()
                    + ".html"
            })
            .unwrap_or_else(|| "summary.html".to_owned());
        let tx = self.events_tx.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            if let Some(target) = rfd::FileDialog::new()
                .set_file_name(name)
                .add_filter("HTML", &["html"])
                .save_file()
            {
                let _ = tx.send(Event::SaveTo(target, html));
                ctx.request_repaint();
            }
        });
    }
}

enum RecordAction {
    MarkReviewed,
    SaveHtml,
    Open(PathBuf),
}

impl eframe::App for ReviewApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// Patient data must never reach eframe's storage.
    fn persist_egui_memory(&self) -> bool {
        false
    }
}

/// The scanning thread: owns the inbox, rescans on request (a burst of watcher events is one
/// rescan), and sends the rows only when they changed.
fn spawn_scanner(
    mut inbox: Inbox,
    commands: Receiver<Command>,
    events: Sender<Event>,
    ctx: egui::Context,
) {
    std::thread::spawn(move || {
        let mut last: Option<(Vec<Row>, Option<String>)> = None;
        let mut pending = true;
        loop {
            if pending {
                let new_urgent = inbox.scan();
                let rows = inbox.rows().to_vec();
                let changed = last
                    .as_ref()
                    .is_none_or(|(r, p)| *r != rows || *p != inbox.problem);
                if changed {
                    last = Some((rows.clone(), inbox.problem.clone()));
                    if events
                        .send(Event::Rows {
                            rows,
                            new_urgent,
                            problem: inbox.problem.clone(),
                        })
                        .is_err()
                    {
                        return;
                    }
                    ctx.request_repaint();
                }
            }
            match commands.recv_timeout(SLOW_RESCAN) {
                Ok(first) => {
                    let apply = |c: Command, inbox: &mut Inbox| match c {
                        Command::Rescan => {}
                        Command::AddFile(p) => inbox.add_file(p),
                        Command::SetDir(d) => {
                            inbox.dir = Some(d);
                        }
                    };
                    apply(first, &mut inbox);
                    // A kiosk's write is several events (create, write, rename): let them settle.
                    std::thread::sleep(Duration::from_millis(100));
                    while let Ok(c) = commands.try_recv() {
                        apply(c, &mut inbox);
                    }
                    pending = true;
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => pending = true,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
    });
}

fn read_opened(path: &Path, rows: &[Row], identities: &Identities) -> Opened {
    let path_buf = path.to_path_buf();
    match inbox::read_contents(path, identities, Summary::read) {
        Ok(inbox::Contents::Alert(alert)) => Opened::Alert {
            summary: rows.iter().find_map(|r| match &r.record {
                Record::Alert(a) if r.path == path => a.summary.clone(),
                _ => None,
            }),
            path: path_buf,
            alert,
        },
        Ok(inbox::Contents::Summary(summary, integrity)) => Opened::Summary {
            path: path_buf,
            summary: Box::new(summary),
            integrity,
        },
        Err(reason) => Opened::Unreadable {
            path: path_buf,
            reason,
        },
    }
}

/// The reviewer's name: the operating-system account, until they type another.
fn default_reviewer() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default()
}

/// "Sat 21 Nov 2026, 09:00" in the computer's time zone.
fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%a %-d %b %Y, %H:%M")
        .to_string()
}

/// The identity answers as header rows: question, then answer.
fn identity_rows(fields: &[Field]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| (f.question.clone(), f.answer.clone()))
        .collect()
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
    let mut lines: Vec<(String, Option<Color32>, bool)> = Vec::new();
    match &row.record {
        Record::Summary(s) => {
            if urgent {
                lines.push(("URGENT — safety alert".to_owned(), Some(URGENT), true));
            }
            lines.push((patient_line(&s.patient), None, true));
            lines.push((format!("Submitted {}", local(row.received)), None, false));
            let flags = match s.flags {
                0 => "no flags".to_owned(),
                1 => "1 flag".to_owned(),
                n => format!("{n} flags"),
            };
            lines.push((flags, None, false));
            if s.integrity == Integrity::Mismatch {
                lines.push((
                    "Integrity check failed: changed or damaged".to_owned(),
                    Some(URGENT),
                    true,
                ));
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
    lines.push((
        match &row.review {
            Some(Mark::Reviewed(m)) => format!("Reviewed by {} on {}", m.by, local(m.at)),
            Some(Mark::ChangedSince(m)) => format!("File changed since reviewed by {}", m.by),
            None => "Not reviewed".to_owned(),
        },
        None,
        false,
    ));
    let name = lines
        .iter()
        .map(|(t, _, _)| t.as_str())
        .collect::<Vec<_>>()
        .join(". ");

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
            for (text, color, strong) in &lines {
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
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
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

/// "Mark as reviewed" and "Save as HTML…", with the review state.
fn summary_actions(ui: &mut egui::Ui, row: Option<&Row>, reviewer: &str) -> Option<RecordAction> {
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        match row.and_then(|r| r.review.as_ref()) {
            Some(Mark::Reviewed(m)) => {
                ui.colored_label(OK, format!("Reviewed by {} on {}", m.by, local(m.at)));
            }
            Some(Mark::ChangedSince(m)) => {
                ui.colored_label(
                    URGENT,
                    format!(
                        "Reviewed by {} on {}, but the file has changed since",
                        m.by,
                        local(m.at)
                    ),
                );
                if ui
                    .add_enabled(
                        !reviewer.trim().is_empty(),
                        egui::Button::new("Mark as reviewed"),
                    )
                    .clicked()
                {
                    action = Some(RecordAction::MarkReviewed);
                }
            }
            None => {
                let button = ui.add_enabled(
                    !reviewer.trim().is_empty(),
                    egui::Button::new("Mark as reviewed"),
                );
                if reviewer.trim().is_empty() {
                    ui.label("(type your name in Reviewer first)");
                }
                if button.clicked() {
                    action = Some(RecordAction::MarkReviewed);
                }
            }
        }
        if ui.button("Save as HTML…").clicked() {
            action = Some(RecordAction::SaveHtml);
        }
    });
    ui.add_space(6.0);
    action
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

fn summary_view(
    ui: &mut egui::Ui,
    s: &Summary,
    integrity: Integrity,
    row: Option<&Row>,
    encrypted: bool,
) {
    let patient = patient_line(&s.identity);
    ui.label(RichText::new(&patient).size(HEADING + 4.0).strong());
    let mut rows = identity_rows(&s.identity);
    rows.push(("Submitted".into(), local(s.submitted_at)));
    rows.push(("Started".into(), local(s.started_at)));
    rows.push((
        "Language used".into(),
        crate::export::language_name(&s.language),
    ));
    rows.push((
        "Questionnaire".into(),
        format!(
            "{} ({}), version {}\nSHA-256 {}",
            s.questionnaire.title,
            s.questionnaire.id,
            s.questionnaire.version,
            s.questionnaire.sha256
        ),
    ));
    header_grid(ui, "summary-header", &rows);
    ui.add_space(6.0);
    match integrity {
        Integrity::Verified => {
            ui.colored_label(
                OK,
                "Integrity: verified — the file is exactly as the kiosk wrote it",
            );
        }
        Integrity::Mismatch => {
            callout(
                ui,
                URGENT_BG,
                "Integrity: FAILED — this file was changed or damaged after it was written. Its \
                 content may not be what the patient answered: do not rely on it; ask for \
                 the original export.",
            );
        }
    }
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

    if !s.alerts.is_empty() {
        ui.add_space(8.0);
        urgent_banner(ui, "URGENT — safety alert during the session", |ui| {
            for a in &s.alerts {
                ui.label(
                    RichText::new(format!("{} (at {})", a.alert, local(a.at)))
                        .color(Color32::WHITE),
                );
            }
        });
    }

    section_heading(ui, &format!("For clinician review ({})", s.flags.len()));
    if s.flags.is_empty() {
        ui.label("No answers were flagged for attention. Read the answers below.");
    }
    for f in &s.flags {
        flag_view(ui, f);
    }

    section_heading(ui, "Scores");
    if s.scores.is_empty() {
        ui.label("This questionnaire has no scores.");
    }
    for sc in &s.scores {
        ui.label(format!("{}: {}", sc.title, sc.describe()));
    }

    for section in &s.sections {
        let title = match &section.title_default {
            Some(d) => format!("{}  ({d})", section.title),
            None => section.title.clone(),
        };
        section_heading(ui, &title);
        let (asked, not_asked): (Vec<&ItemSummary>, Vec<&ItemSummary>) = section
            .items
            .iter()
            .partition(|i| !matches!(i.status, Status::NotAsked { .. }));
        for item in asked {
            item_view(ui, item);
        }
        if !not_asked.is_empty() {
            egui::CollapsingHeader::new(format!("Not asked ({})", not_asked.len()))
                .id_salt(("not-asked", &section.id))
                .show(ui, |ui| {
                    for item in not_asked {
                        if let Status::NotAsked { reason } = &item.status {
                            ui.add(
                                egui::Label::new(format!("{} — {reason}", item.question)).wrap(),
                            );
                        }
                    }
                });
        }
    }
    if !s.attribution.is_empty() {
        section_heading(ui, "Instruments");
        for a in &s.attribution {
            ui.add(egui::Label::new(RichText::new(a).weak()).wrap());
        }
    }
    ui.add_space(30.0);
}

fn callout(ui: &mut egui::Ui, fill: Color32, text: &str) {
    egui::Frame::new()
        .fill(fill)
        .inner_margin(10.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.add(egui::Label::new(RichText::new(text).strong()).wrap());
        });
}

fn flag_view(ui: &mut egui::Ui, f: &RaisedFlag) {
    let fill = match f.level {
        Level::Urgent => URGENT_BG,
        Level::Review => WARN_BG,
    };
    egui::Frame::new()
        .fill(fill)
        .inner_margin(10.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let lead = match f.level {
                Level::Urgent => "Urgent: ",
                Level::Review => "",
            };
            ui.add(egui::Label::new(RichText::new(format!("{lead}{}", f.text)).strong()).wrap());
            for b in &f.because {
                ui.add(egui::Label::new(question_and_answer(ui, &b.question, &b.answer)).wrap());
            }
            ui.add(egui::Label::new(RichText::new(format!("Source: {}", f.source)).weak()).wrap());
        });
    ui.add_space(6.0);
}

/// Text in the bundled font's bold face (egui's `strong` only darkens the colour).
fn bold(text: &str) -> RichText {
    RichText::new(text).family(egui::FontFamily::Name("bold".into()))
}

/// "Question: **answer**" as one wrapping paragraph.
fn question_and_answer(ui: &egui::Ui, question: &str, answer: &str) -> egui::text::LayoutJob {
    let style = ui.style();
    let mut job = egui::text::LayoutJob::default();
    RichText::new(format!("{question}  ")).append_to(
        &mut job,
        style,
        egui::FontSelection::Default,
        egui::Align::Min,
    );
    bold(answer).append_to(
        &mut job,
        style,
        egui::FontSelection::Default,
        egui::Align::Min,
    );
    job
}

fn item_view(ui: &mut egui::Ui, item: &ItemSummary) {
    ui.add(egui::Label::new(RichText::new(&item.question).strong()).wrap());
    if let Some(d) = &item.question_default {
        ui.add(egui::Label::new(RichText::new(d).weak().italics()).wrap());
    }
    ui.indent(&item.id, |ui| match &item.status {
        Status::Answered {
            shown,
            shown_default,
            converted,
            ..
        } => {
            let mut text = shown.clone();
            if let Some(c) = converted {
                text.push_str(&format!(" (= {c})"));
            }
            ui.add(egui::Label::new(bold(&text)).wrap());
            if let Some(d) = shown_default {
                ui.add(egui::Label::new(RichText::new(d).weak().italics()).wrap());
            }
        }
        Status::Declined => {
            ui.label(RichText::new("Declined to answer").italics());
        }
        Status::NotAnswered => {
            ui.label(RichText::new("Not answered").italics());
        }
        Status::NotAsked { reason } => {
            ui.label(RichText::new(format!("Not asked: {reason}")).italics());
        }
        Status::Entries(entries) => {
            if entries.is_empty() {
                ui.label(RichText::new("None listed").italics());
            }
            for (n, entry) in entries.iter().enumerate() {
                ui.label(RichText::new(format!("Entry {}", n + 1)).underline());
                ui.indent(("entry", n), |ui| {
                    for child in entry {
                        item_view(ui, child);
                    }
                });
            }
        }
    });
    ui.add_space(6.0);
}

/// A red box with a white heading: a safety alert, impossible to miss.
fn urgent_banner(ui: &mut egui::Ui, title: &str, body: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::new()
        .fill(URGENT)
        .inner_margin(12.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(title)
                    .color(Color32::WHITE)
                    .size(HEADING)
                    .strong(),
            );
            body(ui);
        });
}

fn alert_view(ui: &mut egui::Ui, a: &UrgentAlert, summary: Option<&Path>) -> Option<PathBuf> {
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
            "{} ({}), version {}",
            a.questionnaire.title, a.questionnaire.id, a.questionnaire.version
        ),
    ));
    header_grid(ui, "alert-header", &rows);
    ui.add_space(8.0);
    match summary {
        Some(p) => {
            ui.label("The patient went on to submit a summary.");
            if ui.button("Open the summary").clicked() {
                open = Some(p.to_path_buf());
            }
        }
        None => {
            callout(
                ui,
                URGENT_BG,
                "No summary from this session has arrived: the patient may have left before \
                 finishing. Find the patient now.",
            );
        }
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

/// Fonts and sizes for a desk screen: the kiosk's legible font at desktop sizes.
pub fn install_theme(ctx: &egui::Context) {
    super::theme::install(ctx);
    ctx.all_styles_mut(|style| {
        use egui::{FontFamily, FontId, TextStyle};
        style.text_styles = [
            (TextStyle::Small, FontId::proportional(BODY * 0.85)),
            (TextStyle::Body, FontId::proportional(BODY)),
            (TextStyle::Button, FontId::proportional(BODY)),
            (
                TextStyle::Heading,
                FontId::new(HEADING, FontFamily::Name("bold".into())),
            ),
            (TextStyle::Monospace, FontId::monospace(BODY * 0.9)),
        ]
        .into();
        style.spacing.interact_size = egui::Vec2::new(40.0, 32.0);
        style.spacing.button_padding = egui::Vec2::new(10.0, 6.0);
        style.spacing.item_spacing = egui::Vec2::new(8.0, 6.0);
        style.spacing.icon_width = 18.0;
        style.spacing.icon_width_inner = 10.0;
    });
}

/// Opens the clinician review window on `path` (a folder or a file).
pub fn run(
    path: Option<PathBuf>,
    known: Vec<String>,
    identities: Identities,
    clock: Arc<dyn Clock>,
) -> eframe::Result {
    let viewport = egui::ViewportBuilder::default()
        .with_title("prescreen — clinician review")
        .with_app_id("prescreen-review")
        .with_inner_size([1280.0, 860.0])
        .with_min_inner_size([800.0, 500.0])
        .with_drag_and_drop(true);
    let options = eframe::NativeOptions {
        viewport,
        persist_window: false,
        ..Default::default()
    };
    eframe::run_native(
        "prescreen-review",
        options,
        Box::new(move |cc| {
            install_theme(&cc.egui_ctx);
            Ok(Box::new(ReviewApp::new(
                &cc.egui_ctx,
                path,
                known,
                identities,
                clock,
            )))
        }),
    )
}
