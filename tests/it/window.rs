//! The real window: the release binary under Xvfb with a kiosk window manager, tapped with
//! xdotool at the places the program reports (`PRESCREEN_WIDGET_RECTS_FILE`), walking the whole
//! shipped questionnaire with the on-screen keys only; then the exported summary
//! is compared with what was meant, answer by answer.
//!
//! It needs `Xvfb`, `matchbox-window-manager` and `xdotool` (`.ci/run` installs them). Without
//! them it says so and passes, unless `PRESCREEN_E2E_REQUIRED=1`, as in CI.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use prescreen::engine::answers_file::AnswersFile;
use prescreen::engine::model::{Item, Kind};
use prescreen::engine::summary::{Status, Summary};
use prescreen::engine::{Answer, Cursor, FixedClock, Questionnaire, Session};
use prescreen::kiosk::{Strings, strings};
use prescreen::ui::theme;

use crate::repo;
use crate::scenario::{load, test_time};

/// Kills the processes it holds when the test ends, however it ends.
struct Running(Vec<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        for c in self.0.iter_mut().rev() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// One tappable thing the window reported: its place in screen pixels and its name.
#[derive(Clone, Debug)]
struct Place {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    name: String,
}

impl Place {
    fn centre(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    fn on_screen(&self, screen: (f32, f32)) -> bool {
        self.x >= 0.0 && self.y >= 0.0 && self.x + self.w <= screen.0 && self.y + self.h <= screen.1
    }
}

struct Window {
    display: String,
    screen: (f32, f32),
    rects: PathBuf,
    /// How many frames the window has drawn (`PRESCREEN_FRAME_COUNT_FILE`).
    frames: PathBuf,
    taps: usize,
    /// The language the patient chose, and the kiosk's words in it.
    lang: &'static str,
    t: &'static Strings,
}

impl Window {
    fn places(&self) -> Vec<Place> {
        let text = std::fs::read_to_string(&self.rects).unwrap_or_default();
        text.lines()
            .filter_map(|l| {
                let mut parts = l.splitn(5, ' ');
                let mut n = || parts.next()?.parse::<f32>().ok();
                let (x, y, w, h) = (n()?, n()?, n()?, n()?);
                let name = parts.next()?.to_owned();
                Some(Place { x, y, w, h, name })
            })
            .collect()
    }

    /// The first place named `name`, looking further down the page as a patient does: by
    /// tapping "More below" while the page offers it, then sliding back towards its top.
    fn find(&mut self, name: &str) -> Place {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut down = true;
        loop {
            let places = self.places();
            if let Some(p) = places.iter().find(|p| p.name == name) {
                return p.clone();
            }
            if Instant::now() >= deadline {
                self.shot("never-appeared");
                panic!("`{name}` never appeared: {:?}", self.names());
            }
            let more = places.iter().find(|p| p.name == self.t.more_below).cloned();
            match more {
                Some(more) if down => {
                    self.tap_place(&more);
                    self.settle();
                }
                _ => {
                    down = false;
                    self.slide(false);
                    let moved = self
                        .places()
                        .iter()
                        .map(|p| (p.y, &p.name))
                        .collect::<Vec<_>>()
                        != places.iter().map(|p| (p.y, &p.name)).collect::<Vec<_>>();
                    if !moved {
                        // At the top: down again (the page may have changed meanwhile).
                        down = true;
                    }
                }
            }
        }
    }

    /// A screenshot into `PRESCREEN_E2E_SHOTS` (a folder), when it is set: what the patient
    /// saw when a step failed, or at a step worth looking at.
    fn shot(&self, name: &str) {
        let Some(dir) = std::env::var_os("PRESCREEN_E2E_SHOTS") else {
            return;
        };
        let out = Path::new(&dir).join(format!("{name}.png"));
        let _ = Command::new("import")
            .args(["-window", "root"])
            .arg(&out)
            .env("DISPLAY", &self.display)
            .status();
    }

    /// The colour of the screen's pixel at `x`, `y`, as `#RRGGBB`.
    fn pixel(&self, x: u32, y: u32) -> String {
        let out = Command::new("import")
            .args(["-window", "root", "-crop", &format!("1x1+{x}+{y}")])
            .args(["-depth", "8", "txt:-"])
            .env("DISPLAY", &self.display)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        // A header line, then `0,0: (250,249,246)  #FAF9F6  srgb(…)`.
        text.lines()
            .last()
            .and_then(|l| l.split_whitespace().find(|w| w.starts_with('#')))
            .unwrap_or_default()
            .to_owned()
    }

    /// The X window id of the top-level window whose title contains `title`.
    fn window_id(&self, title: &str) -> String {
        self.poll(&format!("a window titled `{title}`"), |w| {
            let out = Command::new("xdotool")
                .args(["search", "--name", title])
                .env("DISPLAY", &w.display)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let id = text.lines().last().map(str::trim).filter(|l| !l.is_empty());
            id.map(str::to_owned)
        })
    }

    /// Whether `window` asks for the user's attention: the urgency hint of its `WM_HINTS`.
    fn urgent(&self, window: &str) -> bool {
        let out = Command::new("xprop")
            .args(["-id", window, "WM_HINTS"])
            .env("DISPLAY", &self.display)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains("urgency hint bit is set")
    }

    /// Waits up to 20 s for `done`, failing with a screenshot and `what`.
    fn until(&self, what: &str, done: impl Fn(&Self) -> bool) {
        self.poll(what, |w| done(w).then_some(()));
    }

    /// Asks `get` every 100 ms for up to 20 s until it gives something, failing with a
    /// screenshot and `what`.
    fn poll<T>(&self, what: &str, mut get: impl FnMut(&Self) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(found) = get(self) {
                return found;
            }
            if Instant::now() >= deadline {
                self.shot("never-happened");
                panic!("{what} never happened: {:?}", self.names());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn names(&self) -> Vec<String> {
        self.places().into_iter().map(|p| p.name).collect()
    }

    fn xdotool(&self, args: &[&str]) {
        let ok = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "xdotool {args:?}");
    }

    fn tap_place(&mut self, p: &Place) {
        let before = self.frame_count();
        let (x, y) = p.centre();
        let (x, y) = (format!("{}", x.round()), format!("{}", y.round()));
        self.xdotool(&["mousemove", &x, &y]);
        std::thread::sleep(Duration::from_millis(40));
        self.xdotool(&["mousedown", "1"]);
        std::thread::sleep(Duration::from_millis(60));
        self.xdotool(&["mouseup", "1"]);
        // The frame the tap causes is drawn, and what it moved has come to rest, before the
        // next place is read: on a busy machine a fixed pause is not enough.
        self.wait_for_frame(before);
        self.settle();
        self.taps += 1;
    }

    fn frame_count(&self) -> u64 {
        std::fs::read_to_string(&self.frames)
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Waits until the window has drawn a frame after the `before`th.
    fn wait_for_frame(&self, before: u64) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.frame_count() <= before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn tap(&mut self, name: &str) {
        let p = self.find(name);
        self.tap_place(&p);
    }

    /// What the kiosk reports on its line `key value` of the widget-places file: `view` (when
    /// the view on screen appeared) or `zoom` (the text size).
    fn reported(&self, key: &str) -> Option<String> {
        let prefix = format!("{key} ");
        self.names_and_places()
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()).map(str::to_owned))
    }

    /// Taps something that moves to another page, then waits past the tap guard, counted from
    /// when the new page appeared: on a busy machine that can be well after the tap.
    fn go(&mut self, name: &str) {
        let before = self.reported("view");
        self.tap(name);
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.reported("view") == before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(700));
    }

    /// Slides the middle of the page (between the bars) up (`up`) or down.
    fn slide(&self, up: bool) {
        let (top, bottom) = self.page_edges();
        // Well inside the page, clear of the bars and the "More below" line under it.
        let (low, high) = (top + (bottom - top) * 0.2, top + (bottom - top) * 0.75);
        let (from, to) = if up { (high, low) } else { (low, high) };
        self.drag(from, to);
    }

    /// The page's top and bottom edges on the screen: under the top bar, above the keys or
    /// Back and Next.
    fn page_edges(&self) -> (f32, f32) {
        let places = self.places();
        let top = places
            .iter()
            .filter(|p| p.name == self.t.bigger_text)
            .map(|p| p.y + p.h)
            .fold(0.0, f32::max);
        let bottom = places
            .iter()
            .filter(|p| {
                // Keys below the page (the letter keys), not the keypad beside it.
                (p.name.starts_with("key ") && p.x < self.screen.0 / 2.0)
                    || p.name == self.t.back
                    || p.name == self.t.next
            })
            .map(|p| p.y)
            .fold(self.screen.1, f32::min);
        (top, bottom)
    }

    /// A finger on the page at height `from`, slid to `to`.
    fn drag(&self, from: f32, to: f32) {
        // At the page's left edge, left of the boxes and options inside entries (a drag that
        // starts on a box selects its text) and far from the scroll bar at its right.
        let x = "54";
        self.xdotool(&["mousemove", x, &format!("{}", from.round())]);
        self.xdotool(&["mousedown", "1"]);
        for i in 1..=6 {
            let y = from + (to - from) * i as f32 / 6.0;
            self.xdotool(&["mousemove", x, &format!("{}", y.round())]);
            std::thread::sleep(Duration::from_millis(30));
        }
        // The finger rests before it lifts, so the page stops where it was put instead of
        // gliding on past the question.
        std::thread::sleep(Duration::from_millis(250));
        self.xdotool(&["mouseup", "1"]);
        self.settle();
    }

    /// Waits until the page has stopped moving (a slide glides on after the finger lifts), so
    /// a place read is where the thing still is when it is tapped.
    fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut last = self.names_and_places();
        loop {
            std::thread::sleep(Duration::from_millis(150));
            let now = self.names_and_places();
            if now == last || Instant::now() >= deadline {
                return;
            }
            last = now;
        }
    }

    fn names_and_places(&self) -> String {
        std::fs::read_to_string(&self.rects).unwrap_or_default()
    }

    /// The first place named `name` under the one named `anchor` (an entry's question, so
    /// "No" is that question's, not the next one's), sliding the page to bring them in view.
    fn find_below(&mut self, anchor: &str, name: &str) -> Place {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let a = self.find(anchor);
            let below = self
                .places()
                .into_iter()
                .find(|p| p.name == name && p.y > a.y);
            if let Some(p) = below {
                return p;
            }
            if Instant::now() >= deadline {
                self.shot("never-appeared");
                panic!(
                    "`{name}` never appeared under `{anchor}`: {:?}",
                    self.names()
                );
            }
            // The question to the top of the page: its answers show under it.
            let (top, bottom) = self.page_edges();
            let from = top + (bottom - top) * 0.75;
            self.drag(from, (from - (a.y - top - 8.0)).max(top + 4.0));
        }
    }

    /// Types on the on-screen keys: a capital needs Shift unless the keyboard shows capitals.
    fn type_keys(&mut self, text: &str) {
        for c in text.chars() {
            let key = if c == ' ' {
                format!("key {}", self.t.space)
            } else {
                format!("key {c}")
            };
            let present = self.names().contains(&key);
            if !present && c.is_uppercase() {
                self.tap(&format!("key {}", self.t.shift));
            }
            let lower = format!("key {}", c.to_lowercase());
            let name = if self.names().contains(&key) {
                key
            } else {
                lower
            };
            self.tap(&name);
        }
    }

    /// Taps the `n`th box of the page and types `text` into it.
    fn fill_box(&mut self, n: usize, text: &str) {
        let name = format!("box {n}");
        // With the letter keys open only the box being typed in shows: a patient puts the
        // keys away to see the others.
        let names = self.names();
        let hide = format!("key {}", self.t.hide_keys);
        if !names.contains(&name) && names.contains(&hide) {
            self.tap(&hide);
        }
        let target = self.find(&name);
        self.tap_place(&target);
        self.type_keys(text);
    }
}

/// What can be typed on the on-screen keys: other characters become spaces.
fn typeable(s: &str) -> String {
    let kept: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-'.,@ ".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let kept = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    // The keyboard starts a box with a capital, as a name or sentence does.
    let mut chars = kept.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The answers a patient means to give, made typeable.
fn meant(fixture: &str) -> Vec<(String, Answer)> {
    let path = repo(&format!("tests/fixtures/answers/{fixture}.ron"));
    let file = AnswersFile::parse(&std::fs::read(path).unwrap()).unwrap();
    let fix = |a: Answer| match a {
        Answer::Text(s) => Answer::Text(typeable(&s)),
        Answer::Group(entries) => Answer::Group(
            entries
                .into_iter()
                .map(|e| {
                    e.into_iter()
                        .map(|(k, v)| match v {
                            Answer::Text(s) => (k, Answer::Text(typeable(&s))),
                            v => (k, v),
                        })
                        .collect()
                })
                .collect(),
        ),
        a => a,
    };
    file.0.into_iter().map(|(k, v)| (k, fix(v))).collect()
}

/// The taps that give `answer` to `item` on its page; `box_base` counts boxes drawn before;
/// `entry` is the group entry (from 1) the item is asked in.
fn enter(
    w: &mut Window,
    q: &Questionnaire,
    item: &Item,
    answer: &Answer,
    box_base: &mut usize,
    entry: Option<usize>,
) {
    let (lang, t) = (w.lang, w.t);
    let labels = &q.answer_labels;
    let choice = |value: &str| {
        item.kind
            .options()
            .iter()
            .find(|o| o.value == value)
            .map(|o| o.text.get(lang).to_owned())
            .unwrap_or_default()
    };
    let anchor = entry.map(|n| format!("{} {n}: {}", t.entry, item.text.get(lang)));
    let tap_named = |w: &mut Window, name: &str| {
        let p = match &anchor {
            Some(a) => w.find_below(a, name),
            None => w.find(name),
        };
        w.tap_place(&p);
    };
    match (&item.kind, answer) {
        (_, Answer::Yes) => tap_named(w, labels.yes.get(lang)),
        (_, Answer::No) => tap_named(w, labels.no.get(lang)),
        (_, Answer::NotSure) => tap_named(w, labels.not_sure.get(lang)),
        (_, Answer::Declined) => tap_named(w, labels.prefer_not_to_say.get(lang)),
        (_, Answer::Choice(v)) => tap_named(w, &choice(v)),
        (_, Answer::Choices(vs)) => {
            for v in vs {
                tap_named(w, &choice(v));
            }
        }
        (_, Answer::Integer(n)) => {
            w.fill_box(*box_base, &n.to_string());
            *box_base += 1;
        }
        (Kind::Measure { units, .. }, Answer::Quantity(n, unit)) => {
            let u = units.iter().find(|u| &u.id == unit).unwrap();
            tap_named(w, u.label.get(lang));
            match &u.split {
                Some(split) => {
                    let per = f64::from(split.minor_per_major);
                    w.fill_box(*box_base, &((n / per).floor()).to_string());
                    w.fill_box(*box_base + 1, &(n % per).to_string());
                    *box_base += 2;
                }
                None => {
                    w.fill_box(*box_base, &n.to_string());
                    *box_base += 1;
                }
            }
        }
        (_, Answer::Date(d)) => {
            for (i, part) in ["%d", "%m", "%Y"].into_iter().enumerate() {
                w.fill_box(*box_base + i, &d.format(part).to_string());
            }
            *box_base += 3;
        }
        (_, Answer::Text(s)) => {
            w.fill_box(*box_base, s);
            *box_base += 1;
        }
        (Kind::Group { items, .. }, Answer::Group(entries)) => {
            for (n, entry) in entries.iter().enumerate() {
                let add = if n == 0 {
                    t.add_first_entry
                } else {
                    t.add_entry
                };
                w.tap(&format!("+ {add}"));
                for &c in items {
                    let child = q.item(c);
                    let typed = matches!(
                        child.kind,
                        Kind::Text { .. } | Kind::Integer { .. } | Kind::Decimal { .. }
                    );
                    match entry.get(&child.id) {
                        Some(a) => enter(w, q, child, a, box_base, Some(n + 1)),
                        None if typed => *box_base += 1,
                        None => {}
                    }
                }
            }
        }
        (kind, a) => panic!("no way to enter {a:?} for {kind:?}"),
    }
}

/// "Change" on the review page, as a patient who spots a wrong answer: TMS was "No", and
/// "Yes" reveals how much it helped. "Back to my answers" asks that question first, then the
/// review page returns.
fn change_from_review(w: &mut Window, q: &Questionnaire, mirror: &mut Session, tag: &str) {
    let (lang, t) = (w.lang, w.t);
    let tms = q.find("tms").unwrap();
    w.go(&format!("{}: {}", t.change, q.item(tms).text.get(lang)));
    w.find(t.back_to_answers);
    w.shot(&format!("{tag}-change"));
    w.tap(q.answer_labels.yes.get(lang));
    mirror.set(tms, Answer::Yes).unwrap();
    w.go(t.back_to_answers);
    // The question the change revealed, before the review page.
    let helped = q.find("tms_helped").unwrap();
    let a_little = q
        .item(helped)
        .kind
        .options()
        .iter()
        .find(|o| o.value == "a_little");
    w.tap(a_little.unwrap().text.get(lang));
    mirror
        .set(helped, Answer::Choice("a_little".into()))
        .unwrap();
    w.go(t.back_to_answers);
    w.find(t.submit);
}

fn answered(status: &Status) -> Option<Answer> {
    match status {
        Status::Answered { answer, .. } => Some(answer.clone()),
        Status::Declined => Some(Answer::Declined),
        _ => None,
    }
}

fn binary() -> PathBuf {
    if let Some(b) = std::env::var_os("PRESCREEN_E2E_BIN") {
        return PathBuf::from(b);
    }
    let release = repo("target/release/prescreen");
    if release.exists() {
        release
    } else {
        PathBuf::from(env!("CARGO_BIN_EXE_prescreen"))
    }
}

/// Xvfb and the kiosk window manager on `display`.
fn start_display(display: &str, screen: (f32, f32)) -> Running {
    let mut running = Running(Vec::new());
    let size = format!("{}x{}x24", screen.0, screen.1);
    let xvfb = Command::new("Xvfb")
        .args([display, "-screen", "0", &size, "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    running.0.push(xvfb);
    let socket = format!("/tmp/.X11-unix/X{}", display.trim_start_matches(':'));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !Path::new(&socket).exists() {
        assert!(Instant::now() < deadline, "Xvfb did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let wm = Command::new("matchbox-window-manager")
        .args(["-use_titlebar", "no"])
        .env("DISPLAY", display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    running.0.push(wm);
    std::thread::sleep(Duration::from_millis(300));
    running
}

/// The release binary run with `args` on `display`, measured (widget places and frames in
/// files under `tmp`), with its own configuration and data folders.
fn start_app(
    running: &mut Running,
    tmp: &Path,
    display: &str,
    screen: (f32, f32),
    args: &[&std::ffi::OsStr],
) -> Window {
    let rects = tmp.join("rects.txt");
    let frames = tmp.join("frames.txt");
    let app = Command::new(binary())
        .args(args)
        .env("DISPLAY", display)
        .env("PRESCREEN_WIDGET_RECTS_FILE", &rects)
        .env("PRESCREEN_FRAME_COUNT_FILE", &frames)
        .env("XDG_CONFIG_HOME", tmp.join("config"))
        .env("XDG_DATA_HOME", tmp.join("data"))
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    running.0.push(app);
    Window {
        display: display.to_owned(),
        screen,
        rects,
        frames,
        taps: 0,
        lang: "en",
        t: strings("en"),
    }
}

/// The kiosk, writing into `tmp/outbox`.
fn start(tmp: &Path, display: &str, screen: (f32, f32)) -> (Running, Window) {
    let mut running = start_display(display, screen);
    let outbox = tmp.join("outbox");
    std::fs::create_dir_all(&outbox).unwrap();
    let w = start_app(
        &mut running,
        tmp,
        display,
        screen,
        &["--outbox".as_ref(), outbox.as_os_str()],
    );
    (running, w)
}

/// Whether this machine has what a real-window test needs; without it the test says so and
/// passes, unless `PRESCREEN_E2E_REQUIRED=1` (as in CI) makes that a failure.
fn can_run() -> bool {
    let required = std::env::var_os("PRESCREEN_E2E_REQUIRED").is_some_and(|v| v == "1");
    let missing: Vec<&str> = [
        "Xvfb",
        "matchbox-window-manager",
        "xdotool",
        "xprop",
        "import",
    ]
    .into_iter()
    .filter(|t| !have(t))
    .collect();
    if !missing.is_empty() {
        assert!(!required, "the real-window test needs {missing:?}");
        eprintln!("skipped: the real-window test needs {missing:?} (.ci/run installs them)");
        return false;
    }
    true
}

/// One real window at a time: two walks tapping at once on a 2-core machine would each wait
/// on the other's frames.
static ONE_WINDOW: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Every tap of the walk lands where the patient meant, on 1024 × 768, and the
/// page's navigation and text-size buttons are on the screen on every page.
#[test]
fn a_patient_walks_the_whole_questionnaire_in_the_real_window() {
    walk((1024.0, 768.0), "en", 0, 50);
}

/// The same walk in Spanish, whose words are longer, with the text at 200 % (A+ tapped four
/// times on the first page) on the other kiosk screen, 1280 × 800.
#[test]
fn a_patient_with_the_text_at_200_percent_walks_it_in_spanish_on_1280_by_800() {
    walk((1280.0, 800.0), "es", 4, 90);
}

/// The tightest screen: 1024 × 768 with the text at 200 %, where egui has 512 × 384 points.
#[test]
fn a_patient_with_the_text_at_200_percent_walks_it_on_1024_by_768() {
    walk((1024.0, 768.0), "en", 4, 130);
}

/// Walks the shipped questionnaire in `lang` on `screen` after tapping A+ `bigger` times, on
/// an X display numbered from `display_base`.
fn walk(screen: (f32, f32), lang: &'static str, bigger: usize, display_base: u32) {
    if !can_run() {
        return;
    }
    let _one = ONE_WINDOW
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let began = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let display = format!(":{}", display_base + std::process::id() % 40);
    let (_running, mut w) = start(tmp.path(), &display, screen);
    let t = strings(lang);
    (w.lang, w.t) = (lang, t);

    let q: Arc<Questionnaire> = load("questionnaires/ketamine_candidacy.ron");
    let answers = meant("medications");
    let mut mirror = Session::new(q.clone(), lang, Arc::new(FixedClock::new(test_time())));

    // The window is up; a tap in its first moments would be taken as meant for nothing.
    let start = format!("{} — {}", t.start, t.language_name);
    w.find(&start);
    std::thread::sleep(Duration::from_millis(700));
    w.go(&start);
    for _ in 0..bigger {
        w.tap(t.bigger_text);
    }
    let zoom = w.reported("zoom").and_then(|z| z.parse::<f32>().ok());
    assert_eq!(
        zoom,
        Some(theme::ZOOMS[bigger]),
        "{bigger} A+ taps should make the text {}",
        theme::ZOOMS[bigger]
    );
    // Each A+ tap made the text bigger and nothing else: a tap at the same spot right after a
    // zoom step once landed on High contrast.
    let hex = |c: egui::Color32| format!("#{:02X}{:02X}{:02X}", c.r(), c.g(), c.b());
    let page = w.pixel(5, (screen.1 / 2.0) as u32);
    assert_eq!(
        page,
        hex(theme::visuals(false).panel_fill),
        "the page is not in its usual colours after A+ (high contrast is {})",
        hex(theme::visuals(true).panel_fill)
    );
    let tag = format!("{}x{}-{lang}-{bigger}", screen.0, screen.1);
    w.shot(&format!("{tag}-00-intro"));
    w.go(t.begin);
    mirror.forward().unwrap();
    let mut pages = 0;
    while let Cursor::Item(idx) = mirror.cursor() {
        pages += 1;
        let item = q.item(idx);
        eprintln!("page {pages}: {}", item.id);
        // Back, Next and the text-size buttons are on the screen, whatever the page.
        for name in [t.back, t.next, t.bigger_text, t.smaller_text] {
            let p = w.find(name);
            assert!(p.on_screen(screen), "{}: `{name}` at {p:?}", item.id);
        }
        if let Some((_, a)) = answers.iter().find(|(id, _)| *id == item.id) {
            let mut boxes = 0;
            enter(&mut w, &q, item, a, &mut boxes, None);
            w.shot(&format!("{tag}-{pages:02}-{}", item.id));
            let alerts = mirror.set(idx, a.clone()).unwrap();
            if !alerts.is_empty() {
                std::thread::sleep(Duration::from_secs(4));
                w.go(t.crisis_continue);
            }
        }
        w.go(t.next);
        mirror.forward().unwrap();
    }
    w.shot(&format!("{tag}-review"));
    change_from_review(&mut w, &q, &mut mirror, &tag);
    w.go(t.submit);
    let outbox = tmp.path().join("outbox");
    let deadline = Instant::now() + Duration::from_secs(20);
    let summary = loop {
        let found = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with(".summary.ron"));
        if let Some(p) = found {
            break Summary::from_ron(&std::fs::read(p).unwrap()).unwrap();
        }
        assert!(Instant::now() < deadline, "no summary was written");
        std::thread::sleep(Duration::from_millis(200));
    };
    // Field by field: every answer the patient meant, and nothing else.
    let mut compared = 0;
    for item in summary.sections.iter().flat_map(|s| &s.items) {
        let meant = q.find(&item.id).and_then(|i| mirror.answer(i)).cloned();
        match (&item.status, meant) {
            (Status::Entries(stored), Some(Answer::Group(entries))) => {
                assert_eq!(stored.len(), entries.len(), "{}", item.id);
                for (got, want) in stored.iter().zip(&entries) {
                    for child in got {
                        let stored = answered(&child.status);
                        assert_eq!(stored.as_ref(), want.get(&child.id), "{}", child.id);
                        compared += 1;
                    }
                }
            }
            (status, meant) => {
                assert_eq!(answered(status), meant, "{}", item.id);
                compared += 1;
            }
        }
    }
    eprintln!(
        "real window {}×{}, {lang}, {} % text: {pages} pages, {} taps, {compared} answers compared, {:.0} s",
        screen.0,
        screen.1,
        (prescreen::ui::theme::ZOOMS[bigger] * 100.0).round(),
        w.taps,
        began.elapsed().as_secs_f32()
    );
    assert!(pages >= 60, "{pages} pages");
}

/// The desk: an urgent alert written into the folder the review window watches makes the
/// window ask the window system for attention (X11's urgency hint, which a taskbar flashes)
/// and shows a banner that stays; tapping "Acknowledge" records who and when beside the
/// alert, leaves the alert unchanged, takes the banner away and withdraws the request.
#[test]
fn an_alert_asks_the_desk_for_attention_until_a_person_acknowledges_it() {
    if !can_run() {
        return;
    }
    let _one = ONE_WINDOW
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let display = format!(":{}", 170 + std::process::id() % 40);
    let screen = (1280.0, 800.0);
    let mut running = start_display(&display, screen);
    let mut w = start_app(
        &mut running,
        tmp.path(),
        &display,
        screen,
        &[
            "review".as_ref(),
            inbox.as_os_str(),
            "--overdue-minutes".as_ref(),
            "100000".as_ref(),
        ],
    );
    let window = w.window_id("clinician review");
    w.wait_for_frame(0);
    std::thread::sleep(Duration::from_millis(500));
    assert!(!w.urgent(&window), "an empty inbox asks for nothing");
    assert!(!w.names().iter().any(|n| n == "Acknowledge"));

    let path = crate::review::an_alert_arrives(&inbox);
    let name = path.file_name().unwrap().to_str().unwrap().to_owned();
    let alert = std::fs::read_to_string(&path).unwrap();

    w.until("the attention request", |w| w.urgent(&window));
    // The banner waits for a person: it is still there, and still asking, a while later.
    std::thread::sleep(Duration::from_secs(3));
    assert!(w.urgent(&window), "the request stands until acknowledged");
    w.shot("desk-alert");
    w.tap("Acknowledge");

    let ack = inbox.join("acknowledged").join(format!("{name}.ack.ron"));
    w.until("the acknowledgement beside the alert", |_| ack.is_file());
    w.until("the request withdrawn", |w| !w.urgent(&window));
    assert!(!w.names().iter().any(|n| n == "Acknowledge"), "banner gone");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        alert,
        "alert unchanged"
    );
    let recorded = prescreen::review::alerts::read_ack(&path).expect("a readable record");
    assert_eq!(recorded.file, name);
    assert_eq!(recorded.os_user, prescreen::audit::os_user());
    w.shot("desk-acknowledged");
}
