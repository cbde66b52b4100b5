//! The scanning thread: it owns the [`Inbox`], rescans when the folder watcher or the window
//! asks (a burst of watcher events is one rescan) and every 30 s for network shares, and sends
//! the rows only when they changed, so an idle window draws nothing.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use eframe::egui;

use crate::inbox::{Inbox, Row};

/// The rescan that catches changes a watcher cannot see (network shares), in seconds.
const SLOW_RESCAN: Duration = Duration::from_secs(30);

/// What the background threads tell the window.
pub(super) enum Event {
    Rows {
        rows: Vec<Row>,
        problem: Option<String>,
    },
    Picked(Vec<PathBuf>),
    PickedFolder(PathBuf),
    /// The Save dialog's answer: where to write the printable HTML of `record`.
    SaveTo {
        record: PathBuf,
        target: PathBuf,
        html: String,
    },
}

/// What the window asks the scanning thread.
pub(super) enum Command {
    Rescan,
    AddFile(PathBuf),
    SetDir(PathBuf),
}

/// The scanning thread: owns the inbox, rescans on request (a burst of watcher events is one
/// rescan), and sends the rows only when they changed.
pub(super) fn spawn_scanner(
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
                // What is new is judged by the window, against what waits for a person.
                inbox.scan();
                let rows = inbox.rows().to_vec();
                let changed = last
                    .as_ref()
                    .is_none_or(|(r, p)| *r != rows || *p != inbox.problem);
                if changed {
                    last = Some((rows.clone(), inbox.problem.clone()));
                    if events
                        .send(Event::Rows {
                            rows,
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
