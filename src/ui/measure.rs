//! Two switches for measuring the real window from outside, read from the environment once at
//! start (see `docs/performance.md`, `scripts/startup.sh`, `scripts/idle.sh`):
//!
//! - `PRESCREEN_EXIT_AFTER_FIRST_FRAME=1`: as soon as the first frame has been painted and the
//!   window shown, the process prints `first_frame_unix_us=N` (the wall-clock time, in
//!   microseconds since 1970) on standard output and exits. The launcher compares it with the
//!   time it started the process; exiting at once keeps the process's own teardown out of it.
//! - `PRESCREEN_FRAME_COUNT_FILE=PATH`: after each frame the number of frames drawn so far is
//!   written to `PATH` (a number and nothing else — no patient data).
//!
//! - `PRESCREEN_WIDGET_RECTS_FILE=PATH`: after each frame whose tappable widgets moved, their
//!   names and places are written to `PATH`, one a line: `x y w h name` in screen pixels, the
//!   name being what a screen reader says (a button's text), or `box N` for the page's Nth text
//!   box (from 0, in the order drawn, counting boxes scrolled out of sight, so a box keeps its
//!   number however the page is slid). It is how the end-to-end test taps what a patient sees;
//!   nothing typed is ever in it. The kiosk adds a line `view T`, T being the time (in the
//!   window's seconds) its current view appeared, so a tap can wait out the tap guard from
//!   when the page really arrived, however late a busy machine drew it. A last line `zoom Z`
//!   gives the text size (egui's zoom factor).
//!
//! With none set the app runs unwrapped: the patient path is exactly as without this module.
//! `examples/bare_window.rs` uses the same wrapper, so both are measured the same way.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use eframe::egui;

const EXIT_AFTER_FIRST_FRAME: &str = "PRESCREEN_EXIT_AFTER_FIRST_FRAME";
const FRAME_COUNT_FILE: &str = "PRESCREEN_FRAME_COUNT_FILE";
const WIDGET_RECTS_FILE: &str = "PRESCREEN_WIDGET_RECTS_FILE";

/// Where the widgets noted this frame are kept until the frame ends.
fn rects_slot() -> egui::Id {
    egui::Id::NULL.with("prescreen-widget-rects")
}

/// Whether `PRESCREEN_WIDGET_RECTS_FILE` is on for this frame.
fn noting(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(rects_slot().with("on")).unwrap_or(false))
}

/// Notes a tappable widget's place and name for `PRESCREEN_WIDGET_RECTS_FILE`; does nothing
/// unless that switch is on.
pub fn note(ui: &egui::Ui, name: &str, response: &egui::Response) {
    let ctx = ui.ctx();
    if !noting(ctx) {
        return;
    }
    // Only what can be tapped now: visible, and not behind the page's edge.
    let rect = response.rect.intersect(ui.clip_rect());
    if !response.enabled() || rect.width() < 1.0 || rect.height() < 1.0 {
        return;
    }
    let ppp = ctx.pixels_per_point();
    let line = format!(
        "{} {} {} {} {}",
        (rect.min.x * ppp).round(),
        (rect.min.y * ppp).round(),
        (rect.width() * ppp).round(),
        (rect.height() * ppp).round(),
        name.replace('\n', " ")
    );
    ctx.data_mut(|d| {
        d.get_temp_mut_or_default::<Vec<String>>(rects_slot())
            .push(line)
    });
}

/// Notes when the view on screen appeared (`view T`); does nothing unless that switch is on.
pub fn note_view(ctx: &egui::Context, since: f64) {
    if !noting(ctx) {
        return;
    }
    ctx.data_mut(|d| {
        d.get_temp_mut_or_default::<Vec<String>>(rects_slot())
            .push(format!("view {since:.3}"))
    });
}

/// Notes a text box as `box N`, N counting every box drawn this frame, seen or not.
pub fn note_box(ui: &egui::Ui, response: &egui::Response) {
    let ctx = ui.ctx();
    if !noting(ctx) {
        return;
    }
    let n = ctx.data_mut(|d| {
        let count = d.get_temp_mut_or_default::<usize>(rects_slot().with("boxes"));
        *count += 1;
        *count - 1
    });
    note(ui, &format!("box {n}"), response);
}

/// `app` as it is, or wrapped in [`Measured`] when a measuring switch is set.
pub fn from_env<A: eframe::App + 'static>(app: A) -> Box<dyn eframe::App> {
    let exit_after_first_frame = std::env::var_os(EXIT_AFTER_FIRST_FRAME).is_some_and(|v| v == "1");
    let path = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let count_file = path(FRAME_COUNT_FILE);
    let rects_file = path(WIDGET_RECTS_FILE);
    if !exit_after_first_frame && count_file.is_none() && rects_file.is_none() {
        return Box::new(app);
    }
    Box::new(Measured {
        app,
        frames: 0,
        exit_after_first_frame,
        count_file,
        rects_file,
        last_rects: Vec::new(),
    })
}

/// An app that counts its frames; every `App` method is passed on to the app inside.
pub struct Measured<A> {
    app: A,
    frames: u64,
    exit_after_first_frame: bool,
    count_file: Option<PathBuf>,
    rects_file: Option<PathBuf>,
    last_rects: Vec<String>,
}

/// Writes beside, then renames: a reader never sees half a file.
fn replace(path: &std::path::Path, text: &str) {
    let mut partial = path.to_path_buf().into_os_string();
    partial.push(".partial");
    if std::fs::write(&partial, text).is_ok() {
        let _ = std::fs::rename(&partial, path);
    }
}

impl<A> Measured<A> {
    fn write_count(&self) {
        if let Some(path) = &self.count_file {
            replace(path, &self.frames.to_string());
        }
    }

    fn write_rects(&mut self, ctx: &egui::Context) {
        let Some(path) = &self.rects_file else { return };
        let rects = ctx.data_mut(|d| {
            d.remove::<usize>(rects_slot().with("boxes"));
            d.remove_temp::<Vec<String>>(rects_slot())
        });
        let mut rects = rects.unwrap_or_default();
        // The text size the patient chose, so a walk can tell that A+ really reached 200 %.
        rects.push(format!("zoom {}", ctx.zoom_factor()));
        if rects != self.last_rects {
            replace(path, &(rects.join("\n") + "\n"));
            self.last_rects = rects;
        }
    }
}

impl<A: eframe::App> eframe::App for Measured<A> {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        // eframe paints a frame and shows the window after `ui` returns; the next frame
        // begins here, so the first one is on screen.
        if self.exit_after_first_frame && self.frames > 0 {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_micros());
            println!("first_frame_unix_us={now}");
            std::process::exit(0);
        }
        self.app.logic(ctx, frame);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if self.rects_file.is_some() {
            ui.ctx()
                .data_mut(|d| d.insert_temp(rects_slot().with("on"), true));
        }
        self.app.ui(ui, frame);
        self.frames += 1;
        self.write_count();
        self.write_rects(ui.ctx());
        if self.exit_after_first_frame {
            // One more frame, to exit at its start.
            ui.ctx().request_repaint();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.app.save(storage);
    }

    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        self.app.on_exit(gl);
    }

    fn auto_save_interval(&self) -> std::time::Duration {
        self.app.auto_save_interval()
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        self.app.clear_color(visuals)
    }

    fn persist_egui_memory(&self) -> bool {
        self.app.persist_egui_memory()
    }

    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        self.app.raw_input_hook(ctx, raw_input);
    }
}
