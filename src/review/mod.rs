//! The clinician review window: the inbox of exported records on the left (`list`), urgent
//! first, and the open record on the right (`record`) — attention flags first, each with its source, then scores,
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
//! Every review action — opening a record, marking it reviewed, acknowledging an alert, saving
//! it as HTML — appends a line to the audit log beside the record (`crate::audit`), under the
//! operating-system account the window runs as; there is no typed reviewer name to trust. A
//! line that cannot be written is said in the status line and the action itself still stands.
//!
//! Urgent alerts wait for a person (`alerts`): a banner without "dismiss" until someone
//! acknowledges, a request for the window system's attention, the terminal bell, and
//! "overdue" after the configured minutes.
//!
//! The folder is watched (`notify`): a background thread rescans when a file appears and wakes
//! the window only when the list changed, so an idle review window costs nothing. File dialogs
//! run on their own threads, since they block.

pub mod alerts;
mod list;
mod record;
mod scanner;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use eframe::egui::{self, Color32, RichText};

use crate::audit::{self, Action};
use crate::engine::Clock;
use crate::inbox::{self, Inbox, Known, Row};
use crate::storage::crypto::Identities;
use crate::storage::names;
use crate::ui::{measure, theme};
use record::Opened;
use scanner::{Command, Event, spawn_scanner};

/// Text sizes of the clinician window: a desk screen read at arm's length.
const BODY: f32 = 17.0;
const HEADING: f32 = 24.0;

const URGENT: Color32 = Color32::from_rgb(170, 20, 20);
const URGENT_BG: Color32 = Color32::from_rgb(253, 228, 228);
const WARN_BG: Color32 = Color32::from_rgb(255, 243, 205);
const OK: Color32 = Color32::from_rgb(20, 110, 40);

pub struct ReviewApp {
    rows: Vec<Row>,
    dir: Option<PathBuf>,
    problem: Option<String>,
    opened: Option<Opened>,
    /// Urgent records nobody has acknowledged or reviewed, oldest first.
    banner: Vec<alerts::Pending>,
    /// What `acknowledged/` says about the urgent rows.
    acks: std::collections::HashMap<PathBuf, alerts::Acknowledgement>,
    /// Minutes after which a pending alert is overdue.
    overdue_minutes: u32,
    /// Pending alerts the window already asked attention for as overdue.
    overdue_asked: Vec<PathBuf>,
    /// The operating-system account, recorded with each mark, acknowledgement and audit line.
    os_user: String,
    /// Whether a new alert rings the terminal bell (off in tests).
    bell: bool,
    /// Times the window asked the window system for attention (for tests).
    attention_requests: usize,
    /// Whether the window's request for attention stands (the taskbar flashes): from a new or
    /// overdue alert until nothing is pending.
    asking_attention: bool,
    /// The outcome of the last action (marking, saving), shown under the toolbar.
    status: Option<(bool, String)>,
    clock: Arc<dyn Clock>,
    /// Keys that open encrypted exports (none: they are listed as unreadable, with why).
    identities: Identities,
    /// The clinic's kiosks and the questionnaires records are recomputed with.
    known: Known,
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
        known: Known,
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
        inbox.known = known.clone();
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
            banner: Vec::new(),
            acks: Default::default(),
            overdue_minutes: alerts::DEFAULT_OVERDUE_MINUTES,
            overdue_asked: Vec::new(),
            os_user: audit::os_user(),
            bell: true,
            attention_requests: 0,
            asking_attention: false,
            status: None,
            clock,
            identities,
            known,
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

    /// The urgent records waiting for a person to acknowledge them, oldest first.
    pub fn banner(&self) -> Vec<PathBuf> {
        self.banner.iter().map(|p| p.path.clone()).collect()
    }

    /// Minutes after which an unacknowledged alert is marked overdue.
    pub fn set_overdue_minutes(&mut self, minutes: u32) {
        self.overdue_minutes = minutes;
    }

    /// Whether a new alert rings the terminal bell (on by default).
    pub fn set_bell(&mut self, on: bool) {
        self.bell = on;
    }

    /// How many times the window asked the window system for attention.
    pub fn attention_requests(&self) -> usize {
        self.attention_requests
    }

    /// Whether the window's request for the window system's attention stands.
    pub fn asking_attention(&self) -> bool {
        self.asking_attention
    }

    /// Asks the window system to flash or raise the window, and rings the bell. The request
    /// stands until nothing is pending.
    fn demand_attention(&mut self) {
        self.ctx
            .send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                egui::UserAttentionType::Critical,
            ));
        self.attention_requests += 1;
        self.asking_attention = true;
        if self.bell {
            alerts::ring_bell();
        }
    }

    /// Recomputes what waits for a person from the rows and `acknowledged/`.
    fn refresh_pending(&mut self) {
        self.acks = alerts::read_acks(&self.rows);
        self.banner = alerts::pending(&self.rows, &self.acks);
        self.overdue_asked
            .retain(|p| self.banner.iter().any(|b| &b.path == p));
        // Nothing waits any more: the taskbar stops flashing.
        if self.banner.is_empty() && self.asking_attention {
            self.ctx
                .send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                    egui::UserAttentionType::Reset,
                ));
            self.asking_attention = false;
        }
    }

    /// Records that a person saw the alert at `path`.
    fn acknowledge(&mut self, path: &Path) {
        self.status = Some(
            match alerts::acknowledge(path, &self.os_user, self.clock.now()) {
                Ok(a) => {
                    let done = format!(
                        "Alert acknowledged by {} at {}.",
                        a.os_user,
                        a.at.format("%H:%M UTC")
                    );
                    self.audited(done, path, Action::Acknowledge, &a.sha256, a.at)
                }
                Err(e) => (false, format!("Could not record the acknowledgement: {e}")),
            },
        );
        self.refresh_pending();
        let _ = self.commands.send(Command::Rescan);
    }

    /// Appends the audit line of an action done (`done` says what), and gives the status line:
    /// `done`, or `done` and why its line is missing from the audit log.
    fn audited(
        &self,
        done: String,
        record: &Path,
        action: Action,
        sha256: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> (bool, String) {
        match audit::record(record, action, &self.os_user, sha256, at) {
            Ok(_) => (true, done),
            Err(e) => (false, format!("{done} But it is not in the audit log: {e}")),
        }
    }

    /// Overdue alerts ask for attention again, once each; the next deadline is scheduled.
    fn check_overdue(&mut self, ctx: &egui::Context) {
        let now = self.clock.now();
        let minutes = self.overdue_minutes;
        let newly: Vec<PathBuf> = self
            .banner
            .iter()
            .filter(|p| p.is_overdue(now, minutes) && !self.overdue_asked.contains(&p.path))
            .map(|p| p.path.clone())
            .collect();
        if !newly.is_empty() {
            self.overdue_asked.extend(newly);
            self.demand_attention();
        }
        if let Some(next) = self
            .banner
            .iter()
            .filter(|p| !p.is_overdue(now, minutes))
            .map(|p| p.due(minutes))
            .min()
            && let Ok(wait) = (next - now).to_std()
        {
            ctx.request_repaint_after(wait);
        }
    }

    /// The operating-system account the window's actions are recorded under.
    pub fn os_user(&self) -> &str {
        &self.os_user
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

    /// Reads `path` afresh and shows it: a clinician opened it, so the audit log says so.
    fn open(&mut self, path: &Path) {
        self.opened = Some(Opened::read(
            path,
            &self.rows,
            &self.identities,
            &self.known,
        ));
        let sha256 = audit::record_sha256(path);
        let (ok, message) =
            self.audited(String::new(), path, Action::Open, &sha256, self.clock.now());
        // Opening says nothing when all is well; a line that could not be written is said.
        if !ok {
            self.status = Some((false, format!("Opened {}.{message}", file_name(path))));
        }
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.receive();
        self.check_overdue(&ui.ctx().clone());
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
                Event::Rows { rows, problem } => {
                    self.rows = rows;
                    self.problem = problem;
                    // Anything newly waiting asks for attention: an alert that arrived, or ones
                    // found waiting when the window opens (nobody may have been watching).
                    let before = self.banner();
                    self.refresh_pending();
                    if self.banner.iter().any(|b| !before.contains(&b.path)) {
                        self.demand_attention();
                    }
                    // A file that changed under the open view is read again.
                    if let Some(o) = &self.opened {
                        let path = o.path().to_path_buf();
                        self.opened = Some(Opened::read(
                            &path,
                            &self.rows,
                            &self.identities,
                            &self.known,
                        ));
                    }
                }
                Event::Picked(paths) => {
                    for p in paths {
                        self.add_path(p);
                    }
                }
                Event::PickedFolder(dir) => self.watch(dir),
                Event::SaveTo {
                    record,
                    target,
                    html,
                } => self.write_html(&record, &target, &html),
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
            ui.label(format!("Signed in as {}", self.os_user))
                .on_hover_text("Marks, acknowledgements and the audit log record this account");
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
        let mut acknowledge = None;
        if !self.banner.is_empty() {
            let now = self.clock.now();
            let minutes = self.overdue_minutes;
            egui::Frame::new()
                .fill(URGENT)
                .inner_margin(10.0)
                .corner_radius(4.0)
                .show(ui, |ui| {
                    let n = self.banner.len();
                    let text = if n == 1 {
                        "Urgent alert waiting for a person: a patient raised a safety alert."
                            .to_owned()
                    } else {
                        format!(
                            "{n} urgent alerts waiting for a person: patients raised safety alerts."
                        )
                    };
                    ui.label(RichText::new(text).color(Color32::WHITE).size(HEADING));
                    const SHOWN: usize = 3;
                    if n > SHOWN {
                        ui.label(
                            RichText::new(format!(
                                "The {SHOWN} oldest are listed; {} more are marked urgent in the list.",
                                n - SHOWN
                            ))
                            .color(Color32::WHITE),
                        );
                    }
                    for p in self.banner.iter().take(SHOWN) {
                        ui.horizontal_wrapped(|ui| {
                            let waited = alerts::waited(now - p.since);
                            let at = if p.since.date_naive() == now.date_naive() {
                                p.since.format("%H:%M UTC")
                            } else {
                                p.since.format("%-d %b %H:%M UTC")
                            };
                            let mut line = format!(
                                "{} — at {at}, waiting {waited}",
                                if p.patient.is_empty() {
                                    "(no name given)"
                                } else {
                                    &p.patient
                                },
                            );
                            if p.is_overdue(now, minutes) {
                                line = format!(
                                    "OVERDUE: {line} (not acknowledged within {minutes} min)"
                                );
                            }
                            ui.label(RichText::new(line).color(Color32::WHITE).strong());
                            let opens = ui.button("Open");
                            measure::note(ui, "Open", &opens);
                            if opens.clicked() {
                                open = Some(p.path.clone());
                            }
                            let acknowledges = ui.button("Acknowledge");
                            measure::note(ui, "Acknowledge", &acknowledges);
                            if acknowledges.clicked() {
                                acknowledge = Some(p.path.clone());
                            }
                        });
                    }
                });
        }
        if let Some(p) = open {
            self.open(&p);
        }
        if let Some(p) = acknowledge {
            self.acknowledge(&p);
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

    fn mark_reviewed(&mut self) {
        let Some(opened) = &self.opened else { return };
        let path = opened.path().to_path_buf();
        self.status = Some(
            match inbox::mark_reviewed(&path, &self.os_user, self.clock.now()) {
                Ok((mark, _)) => {
                    let done = format!("Marked reviewed by {}.", mark.by);
                    self.audited(done, &path, Action::MarkReviewed, &mark.sha256, mark.at)
                }
                Err(e) => (false, format!("Could not mark as reviewed: {e}")),
            },
        );
        let _ = self.commands.send(Command::Rescan);
    }

    /// The open summary as printable HTML, with its path; `None` when no summary is open.
    fn open_html(&self) -> Option<(PathBuf, String)> {
        let Some(Opened::Summary {
            path,
            summary,
            checks,
        }) = &self.opened
        else {
            return None;
        };
        let html = crate::export::html::render(summary, checks);
        Some((path.clone(), html))
    }

    fn save_html(&mut self) {
        let Some((record, html)) = self.open_html() else {
            return;
        };
        let name =
            names::stem(&record).map_or_else(|| "summary.html".to_owned(), |n| format!("{n}.html"));
        let tx = self.events_tx.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            if let Some(target) = rfd::FileDialog::new()
                .set_file_name(name)
                .add_filter("HTML", &["html"])
                .save_file()
            {
                let _ = tx.send(Event::SaveTo {
                    record,
                    target,
                    html,
                });
                ctx.request_repaint();
            }
        });
    }

    /// What choosing `target` in the "Save as HTML" dialog does: the open summary is written
    /// there and the audit log records it. Nothing happens when no summary is open.
    pub fn save_html_to(&mut self, target: &Path) {
        if let Some((record, html)) = self.open_html() {
            self.write_html(&record, target, &html);
        }
    }

    /// Writes the printable HTML of `record` to the file the clinician chose.
    fn write_html(&mut self, record: &Path, target: &Path, html: &str) {
        self.status = Some(
            match crate::storage::replace_atomic(target, html.as_bytes()) {
                Ok(()) => {
                    let done = format!("Saved {}.", target.display());
                    let sha256 = audit::record_sha256(record);
                    self.audited(done, record, Action::SaveHtml, &sha256, self.clock.now())
                }
                Err(e) => (false, format!("Could not save {}: {e}", target.display())),
            },
        );
    }
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

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Fonts and sizes for a desk screen: the kiosk's legible font at desktop sizes.
pub fn install_theme(ctx: &egui::Context) {
    theme::install(ctx);
    ctx.all_styles_mut(|style| {
        style.text_styles = theme::text_styles(BODY, HEADING, 0.85, 0.9);
        style.spacing.interact_size = egui::Vec2::new(40.0, 32.0);
        style.spacing.button_padding = egui::Vec2::new(10.0, 6.0);
        style.spacing.item_spacing = egui::Vec2::new(8.0, 6.0);
        style.spacing.icon_width = 18.0;
        style.spacing.icon_width_inner = 10.0;
    });
}

/// Opens the clinician review window on `path` (a folder or a file); unacknowledged urgent
/// alerts are overdue after `overdue_minutes`.
pub fn run(
    path: Option<PathBuf>,
    known: Known,
    identities: Identities,
    clock: Arc<dyn Clock>,
    overdue_minutes: u32,
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
            let mut app = ReviewApp::new(&cc.egui_ctx, path, known, identities, clock);
            app.set_overdue_minutes(overdue_minutes);
            Ok(measure::from_env(app))
        }),
    )
}
