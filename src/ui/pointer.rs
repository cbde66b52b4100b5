//! The pointer where the finger is, after the text size changes.
//!
//! egui-winit keeps the pointer's position in points, converted when the pointer last moved,
//! and gives that position to a press. When the zoom changes and the finger taps the same
//! spot again (A+ tapped twice), no motion arrives in between, so the press lands where the old
//! position in points now is: at 175 % → 200 % a second tap on A+ toggled High contrast.
//! [`ZoomedPointer`] rescales those stale positions until the pointer really moves.

use eframe::egui::{Event, Pos2};

/// Corrects the pointer positions of presses that follow a zoom change.
#[derive(Debug)]
pub struct ZoomedPointer {
    /// The zoom factor the positions coming in are converted with.
    zoom: f32,
    /// Old zoom over new zoom, while the last known position is stale.
    stale: Option<f32>,
}

impl Default for ZoomedPointer {
    fn default() -> Self {
        ZoomedPointer {
            zoom: 1.0,
            stale: None,
        }
    }
}

impl ZoomedPointer {
    /// Rescales this frame's `events` for the zoom factor now in force. `latest` is where egui
    /// last saw the pointer, in points: when the zoom has just changed, the pointer is moved
    /// there, rescaled, so what is under the finger is lit, not what the old position points at.
    pub fn fix(&mut self, zoom: f32, latest: Option<Pos2>, events: &mut Vec<Event>) {
        let mut moved_here = 0;
        if (zoom - self.zoom).abs() > f32::EPSILON {
            let ratio = self.zoom / zoom;
            self.stale = Some(self.stale.unwrap_or(1.0) * ratio);
            self.zoom = zoom;
            if let Some(p) = latest {
                events.insert(0, Event::PointerMoved(scale(p, ratio)));
                moved_here = 1;
            }
        }
        let Some(ratio) = self.stale else { return };
        for e in events.iter_mut().skip(moved_here) {
            match e {
                // A real move is converted with the new zoom: positions are right from here.
                Event::PointerMoved(_) | Event::Touch { .. } => {
                    self.stale = None;
                    return;
                }
                Event::PointerButton { pos, .. } => *pos = scale(*pos, ratio),
                _ => {}
            }
        }
    }
}

fn scale(p: Pos2, ratio: f32) -> Pos2 {
    Pos2::new(p.x * ratio, p.y * ratio)
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::{Modifiers, PointerButton};

    fn press(x: f32, y: f32) -> Event {
        Event::PointerButton {
            pos: Pos2::new(x, y),
            button: PointerButton::Primary,
            pressed: true,
            modifiers: Modifiers::default(),
        }
    }

    fn pos(e: &Event) -> Pos2 {
        match e {
            Event::PointerButton { pos, .. } | Event::PointerMoved(pos) => *pos,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_press_after_a_zoom_change_lands_where_the_finger_is() {
        let mut p = ZoomedPointer::default();
        p.fix(1.75, None, &mut Vec::new());
        // A+ at 747 px is 426.86 pt at 175 %, where the finger last moved; at 200 % the same
        // pixel is 373.5 pt.
        let at_175 = 747.0 / 1.75;
        p.fix(
            1.75,
            None,
            &mut vec![Event::PointerMoved(Pos2::new(at_175, 20.0))],
        );
        let mut events = Vec::new();
        p.fix(2.0, Some(Pos2::new(at_175, 20.0)), &mut events);
        assert!((pos(&events[0]).x - 373.5).abs() < 0.01, "{events:?}");
        let mut events = vec![press(at_175, 20.0)];
        p.fix(2.0, Some(Pos2::new(at_175, 20.0)), &mut events);
        assert!((pos(&events[0]).x - 373.5).abs() < 0.01, "{events:?}");
    }

    #[test]
    fn a_real_move_ends_the_correction() {
        let mut p = ZoomedPointer::default();
        let mut events = Vec::new();
        p.fix(2.0, Some(Pos2::new(100.0, 100.0)), &mut events);
        let mut events = vec![
            Event::PointerMoved(Pos2::new(10.0, 10.0)),
            press(10.0, 10.0),
        ];
        p.fix(2.0, Some(Pos2::new(50.0, 50.0)), &mut events);
        assert_eq!(pos(&events[1]), Pos2::new(10.0, 10.0));
        let mut events = vec![press(30.0, 30.0)];
        p.fix(2.0, None, &mut events);
        assert_eq!(pos(&events[0]), Pos2::new(30.0, 30.0));
    }

    #[test]
    fn zoom_steps_without_a_move_between_add_up() {
        // The finger last moved at 100 %; A+ is tapped three times without moving.
        let mut p = ZoomedPointer::default();
        for z in [1.25, 1.5, 1.75] {
            p.fix(z, None, &mut Vec::new());
        }
        let mut events = vec![press(700.0, 20.0)];
        p.fix(1.75, None, &mut events);
        assert!((pos(&events[0]).x - 400.0).abs() < 0.01, "{events:?}");
    }

    #[test]
    fn without_a_zoom_change_nothing_moves() {
        let mut p = ZoomedPointer::default();
        let mut events = vec![press(30.0, 30.0)];
        p.fix(1.0, Some(Pos2::new(30.0, 30.0)), &mut events);
        assert_eq!(events.len(), 1);
        assert_eq!(pos(&events[0]), Pos2::new(30.0, 30.0));
    }
}
