//! Idle reset. Touches and keys count as activity. While a patient is mid-session, one repaint
//! is scheduled at the deadline (no polling); then a countdown with "I need more time"; then
//! everything is wiped. A failed save is left for staff, with its answers. The staff screens
//! return to Welcome after their own, shorter, time, without a countdown: they hold nothing to
//! lose.

use eframe::egui::{self, RichText, Vec2};

use super::strings::Strings;
use super::{Action, Kiosk, Screen};
use crate::ui::theme;

impl Kiosk {
    pub(super) fn watch_idle(&mut self, ctx: &egui::Context) {
        let (now, active) = ctx.input(|i| {
            let active = i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::PointerButton { .. }
                        | egui::Event::Touch { .. }
                        | egui::Event::MouseWheel { .. }
                )
            });
            (i.time, active)
        });
        if active {
            self.last_activity = now;
        }
        let idle = now - self.last_activity;
        if matches!(self.screen, Screen::StaffPin | Screen::Staff) {
            self.idle_warning = None;
            let left = self.settings.staff_idle_seconds - idle;
            if left <= 0.0 {
                self.leave_staff();
            } else {
                ctx.request_repaint_after_secs(left as f32);
            }
            return;
        }
        let watching = matches!(
            self.screen,
            Screen::Intro | Screen::Questions | Screen::Crisis(_)
        );
        if !watching {
            self.idle_warning = None;
            return;
        }
        let deadline = self.settings.idle_seconds + self.settings.countdown_seconds;
        if idle >= deadline {
            self.reset(ctx);
        } else if idle >= self.settings.idle_seconds {
            self.idle_warning = Some((deadline - idle).ceil() as u32);
            // The countdown is visible, so it ticks once a second — only while it shows.
            ctx.request_repaint_after_secs(1.0_f64.min(deadline - idle) as f32);
        } else {
            self.idle_warning = None;
            ctx.request_repaint_after_secs((self.settings.idle_seconds - idle) as f32);
        }
    }
}

/// "Are you still here?" with its countdown. The page underneath is hidden too: a passer-by
/// sees no answers.
pub(super) fn warning(ui: &mut egui::Ui, t: &Strings, seconds: u32, actions: &mut Vec<Action>) {
    ui.add_space(60.0);
    ui.vertical_centered(|ui| {
        ui.heading(t.still_here_title);
        ui.add_space(20.0);
        let body = if seconds == 1 {
            t.still_here_body_one.to_owned()
        } else {
            t.still_here_body.replace("{n}", &seconds.to_string())
        };
        ui.label(RichText::new(body).size(theme::QUESTION));
        ui.add_space(30.0);
        let button = egui::Button::new(RichText::new(t.more_time).size(theme::QUESTION))
            .min_size(Vec2::new(420.0, 96.0));
        if ui.add(button).clicked() {
            actions.push(Action::MoreTime);
        }
    });
}
