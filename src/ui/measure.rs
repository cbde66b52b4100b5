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
//! With neither set the app runs unwrapped: the patient path is exactly as without this module.
//! `examples/bare_window.rs` uses the same wrapper, so both are measured the same way.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use eframe::egui;

const EXIT_AFTER_FIRST_FRAME: &str = "PRESCREEN_EXIT_AFTER_FIRST_FRAME";
const FRAME_COUNT_FILE: &str = "PRESCREEN_FRAME_COUNT_FILE";

/// `app` as it is, or wrapped in [`Measured`] when a measuring switch is set.
pub fn from_env<A: eframe::App + 'static>(app: A) -> Box<dyn eframe::App> {
    let exit_after_first_frame = std::env::var_os(EXIT_AFTER_FIRST_FRAME).is_some_and(|v| v == "1");
    let count_file = std::env::var_os(FRAME_COUNT_FILE)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    if !exit_after_first_frame && count_file.is_none() {
        return Box::new(app);
    }
    Box::new(Measured {
        app,
        frames: 0,
        exit_after_first_frame,
        count_file,
    })
}

/// An app that counts its frames; every `App` method is passed on to the app inside.
pub struct Measured<A> {
    app: A,
    frames: u64,
    exit_after_first_frame: bool,
    count_file: Option<PathBuf>,
}

impl<A> Measured<A> {
    fn write_count(&self) {
        let Some(path) = &self.count_file else { return };
        // Written beside, then renamed: a reader never sees a half-written number.
        let mut partial = path.clone().into_os_string();
        partial.push(".partial");
        if std::fs::write(&partial, self.frames.to_string()).is_ok() {
            let _ = std::fs::rename(&partial, path);
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
        self.app.ui(ui, frame);
        self.frames += 1;
        self.write_count();
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
