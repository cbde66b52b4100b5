//! The baseline for prescreen's startup and memory figures: an eframe window with the same
//! renderer (glow), the same features and the same window options as `prescreen::kiosk::run`,
//! and nothing in it — no font of our own, no theme, no questionnaire.
//!
//! Run: `cargo run --release --example bare_window`. Measured by `scripts/startup.sh`, through
//! the same switches as prescreen (`prescreen::ui::measure`).

use eframe::egui;

struct Bare;

impl eframe::App for Bare {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |_| {});
    }
}

fn main() -> eframe::Result {
    // Keep in step with the window options of `prescreen::kiosk::run` (not in kiosk mode).
    let viewport = egui::ViewportBuilder::default()
        .with_title("bare_window")
        .with_app_id("bare_window")
        .with_inner_size([1024.0, 768.0])
        .with_min_inner_size([640.0, 480.0]);
    let options = eframe::NativeOptions {
        viewport,
        persist_window: false,
        ..Default::default()
    };
    eframe::run_native(
        "bare_window",
        options,
        Box::new(|_cc| Ok(prescreen::ui::measure::from_env(Bare))),
    )
}
