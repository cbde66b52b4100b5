//! Delivery to a FHIR server, against a scripted stand-in that answers as real servers fail:
//! 200, 500, 400 with an OperationOutcome, too slow, or not there at all. (The real server is
//! `fhir_server.rs`.) Every record reaches the server once, none is lost, refusals do not loop,
//! and nothing a patient typed reaches the sender's output.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use prescreen::deliver::state::{self, Stage};
use prescreen::deliver::{Sender, Server};
use prescreen::engine::{Summary, UrgentAlert};
use prescreen::storage::names::{ALERT_SUFFIX, SUMMARY_SUFFIX};
use serde_json::Value;

use crate::scenario::test_time;

/// How the stand-in answers one request.
#[derive(Clone, Debug)]
pub(crate) enum Reply {
    Status(u16, &'static str),
    /// Waits this long before answering 200.
    Slow(Duration),
}

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers from a script (then 200) and keeps every
/// request body it received.
pub(crate) struct StandIn {
    pub url: String,
    pub bodies: Arc<Mutex<Vec<Value>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
}

impl StandIn {
    pub(crate) fn start(script: Vec<Reply>) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/fhir", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let (b, s) = (bodies.clone(), script.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (b, s) = (b.clone(), s.clone());
                std::thread::spawn(move || serve(stream, &b, &s));
            }
        });
        StandIn {
            url,
            bodies,
            script,
        }
    }

    pub(crate) fn received(&self) -> usize {
        self.bodies.lock().unwrap().len()
    }

    fn then(&self, reply: Reply) {
        self.script.lock().unwrap().push_back(reply);
    }
}

fn serve(stream: TcpStream, bodies: &Mutex<Vec<Value>>, script: &Mutex<VecDeque<Reply>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            if h == "\r\n" {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let reply = script.lock().unwrap().pop_front();
        let (status, text) = match reply {
            Some(Reply::Status(s, t)) => (s, t),
            Some(Reply::Slow(d)) => {
                std::thread::sleep(d);
                (
                    200,
                    r#"{"resourceType":"Bundle","type":"transaction-response"}"#,
                )
            }
            None => (
                200,
                r#"{"resourceType":"Bundle","type":"transaction-response"}"#,
            ),
        };
        if (200..300).contains(&status) {
            keep_for_validation(&body);
            bodies
                .lock()
                .unwrap()
                .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
        }
        let answer = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/fhir+json\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        );
        if stream.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// With `PRESCREEN_FHIR_BUNDLES_DIR` set (as `.ci/run` does), every Bundle a server accepted
/// is also written there, for the independent FHIR validator that runs after the tests.
pub(crate) fn keep_for_validation(body: &[u8]) {
    if let Some(dir) = std::env::var_os("PRESCREEN_FHIR_BUNDLES_DIR") {
        let dir = PathBuf::from(dir);
        let _ = std::fs::create_dir_all(&dir);
        let name = format!("{}.bundle.json", prescreen::storage::sha256_hex(body));
        let _ = std::fs::write(dir.join(name), body);
    }
}

/// An outbox with the summaries of these fixtures and the alert of the self-harm one, all
/// signed by the test kiosk. Returns the paths.
pub(crate) fn outbox(dir: &Path, fixtures: &[&str]) -> Vec<PathBuf> {
    let key = crate::kiosk_key();
    let mut paths = Vec::new();
    for (n, name) in fixtures.iter().enumerate() {
        let session = crate::review::session(name, n as i64);
        let at = session.now();
        let summary = Summary::build(&session, at);
        let file = dir.join(format!("2026112{n}T090000Z-{n:016x}{SUMMARY_SUFFIX}"));
        std::fs::write(&file, summary.sealed(Some(&key))).unwrap();
        paths.push(file);
        for alert in session.alerts() {
            let record = UrgentAlert::build(&session, alert);
            let file = dir.join(format!("2026112{n}T085900Z-{n:016x}{ALERT_SUFFIX}"));
            std::fs::write(&file, record.sealed(Some(&key))).unwrap();
            paths.push(file);
        }
    }
    paths
}

fn sender(dir: &Path, url: &str, timeout: Duration) -> Sender {
    Sender::new(
        dir.to_path_buf(),
        crate::known(),
        Default::default(),
        Server {
            base: url.to_owned(),
            token: Some("secret-token".into()),
            timeout,
        },
        false,
    )
}

fn at(seconds: i64) -> DateTime<Utc> {
    test_time() + chrono::Duration::seconds(seconds)
}

#[test]
fn every_record_is_delivered_once_and_its_state_kept_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let records = outbox(dir.path(), &["no_flags", "self_harm", "spanish"]);
    assert_eq!(records.len(), 4, "three summaries and one alert");
    let before: Vec<Vec<u8>> = records.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let server = StandIn::start(vec![]);
    let s = sender(dir.path(), &server.url, Duration::from_secs(5));

    let (events, next) = s.pass(at(0)).unwrap();
    assert_eq!(events.len(), 4);
    assert!(
        events.iter().all(|e| e.delivery.stage == Stage::Delivered),
        "{events:?}"
    );
    assert_eq!(next, None);
    assert_eq!(server.received(), 4);
    for p in &records {
        let d = state::of(p).unwrap();
        assert_eq!(d.stage, Stage::Delivered);
        assert!(d.detail.starts_with("HTTP 200"), "{}", d.detail);
    }
    // A second pass, and a second sender, send nothing again.
    assert!(s.pass(at(60)).unwrap().0.is_empty());
    assert!(
        sender(dir.path(), &server.url, Duration::from_secs(5))
            .pass(at(61))
            .unwrap()
            .0
            .is_empty()
    );
    assert_eq!(server.received(), 4);
    // The records are untouched: delivery state lives beside them.
    let after: Vec<Vec<u8>> = records.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(before, after);
    assert!(dir.path().join("delivery").is_dir());
}

#[test]
fn a_server_error_waits_with_a_growing_delay_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let records = outbox(dir.path(), &["no_flags"]);
    let server = StandIn::start(vec![Reply::Status(500, "oops"), Reply::Status(503, "busy")]);
    let s = sender(dir.path(), &server.url, Duration::from_secs(5));
    let (events, next) = s.pass(at(0)).unwrap();
    assert_eq!(events[0].delivery.stage, Stage::Waiting);
    assert_eq!(events[0].delivery.detail, "HTTP 500");
    assert_eq!(next, Some(at(5)), "first retry after 5 s");
    // Not due yet: nothing is sent.
    assert!(s.pass(at(3)).unwrap().0.is_empty());
    let (events, next) = s.pass(at(5)).unwrap();
    assert_eq!(events[0].delivery.attempts, 2);
    assert_eq!(next, Some(at(15)), "then after 10 s");
    let (events, _) = s.pass(at(15)).unwrap();
    assert_eq!(events[0].delivery.stage, Stage::Delivered);
    assert_eq!(events[0].delivery.attempts, 3);
    assert_eq!(server.received(), 1, "accepted exactly once");
    assert!(records[0].exists());
    let line = events[0].to_string();
    assert!(line.contains("delivered (HTTP 200)"), "{line}");
}

#[test]
fn a_400_is_a_clear_refusal_that_does_not_loop_and_does_not_quote_the_patient() {
    let dir = tempfile::tempdir().unwrap();
    outbox(dir.path(), &["no_flags"]);
    let outcome = r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"required","diagnostics":"Daniel Okafor: birthDate invalid"}]}"#;
    let server = StandIn::start(vec![Reply::Status(400, outcome)]);
    let s = sender(dir.path(), &server.url, Duration::from_secs(5));
    let (events, next) = s.pass(at(0)).unwrap();
    let d = &events[0].delivery;
    assert_eq!(d.stage, Stage::Refused);
    assert_eq!(d.detail, "HTTP 400: OperationOutcome issue codes required");
    assert_eq!(next, None);
    assert!(!events[0].to_string().contains("Okafor"));
    server.then(Reply::Status(200, "{}"));
    assert!(
        s.pass(at(3600)).unwrap().0.is_empty(),
        "a refusal is not retried"
    );
    assert_eq!(server.received(), 0);
}

#[test]
fn a_server_that_is_down_or_too_slow_leaves_records_waiting() {
    let dir = tempfile::tempdir().unwrap();
    outbox(dir.path(), &["no_flags"]);
    // Nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = sender(
        dir.path(),
        &format!("http://127.0.0.1:{port}/fhir"),
        Duration::from_secs(2),
    );
    let (events, _) = down.pass(at(0)).unwrap();
    assert_eq!(events[0].delivery.stage, Stage::Waiting);
    assert!(
        events[0].delivery.detail.contains("refused the connection"),
        "{}",
        events[0].delivery.detail
    );

    let server = StandIn::start(vec![Reply::Slow(Duration::from_secs(3))]);
    let slow = sender(dir.path(), &server.url, Duration::from_secs(1));
    let (events, _) = slow.pass(at(10)).unwrap();
    assert_eq!(events[0].delivery.stage, Stage::Waiting);
    assert!(
        events[0].delivery.detail.contains("did not answer in time"),
        "{}",
        events[0].delivery.detail
    );
    assert_eq!(events[0].delivery.attempts, 2);
    // Back up: delivered on the next due pass.
    let (events, _) = slow.pass(at(100)).unwrap();
    assert_eq!(events[0].delivery.stage, Stage::Delivered);
}

#[test]
fn altered_inconsistent_and_unsigned_records_are_refused_without_being_sent() {
    let dir = tempfile::tempdir().unwrap();
    let records = outbox(dir.path(), &["no_flags", "spanish"]);
    // Altered: a name changed after signing.
    let text = std::fs::read_to_string(&records[0]).unwrap();
    std::fs::write(
        &records[0],
        text.replacen("Daniel Okafor", "Daniel Okafur", 1),
    )
    .unwrap();
    // Unsigned, but intact.
    let (s, _) = Summary::read(&std::fs::read(&records[1]).unwrap()).unwrap();
    std::fs::write(&records[1], s.to_ron()).unwrap();
    let server = StandIn::start(vec![]);
    let sender = sender(dir.path(), &server.url, Duration::from_secs(5));
    let (events, _) = sender.pass(at(0)).unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.delivery.stage == Stage::Refused));
    assert!(
        events[0]
            .delivery
            .detail
            .contains("not sent: digest mismatch"),
        "{}",
        events[0].delivery.detail
    );
    assert!(
        events[1]
            .delivery
            .detail
            .contains("not signed by a known kiosk"),
        "{}",
        events[1].delivery.detail
    );
    assert_eq!(server.received(), 0);
    assert_eq!(events[0].delivery.attempts, 0);
}

#[test]
fn a_bundle_carries_the_response_scores_flags_and_provenance_under_ids_from_the_digest() {
    let dir = tempfile::tempdir().unwrap();
    let records = outbox(dir.path(), &["self_harm"]);
    let server = StandIn::start(vec![]);
    let s = sender(dir.path(), &server.url, Duration::from_secs(5));
    let summary_path = records
        .iter()
        .find(|p| p.to_string_lossy().ends_with(SUMMARY_SUFFIX))
        .unwrap();
    let first: Value = serde_json::from_slice(&s.bundle(summary_path).unwrap()).unwrap();
    let again: Value = serde_json::from_slice(&s.bundle(summary_path).unwrap()).unwrap();
    assert_eq!(first, again, "the same record is always the same bundle");
    assert_eq!(first["type"], "transaction");
    let entries = first["entry"].as_array().unwrap();
    let of = |t: &str| -> Vec<&Value> {
        entries
            .iter()
            .filter(|e| e["resource"]["resourceType"] == t)
            .collect()
    };
    for e in entries {
        assert_eq!(e["request"]["method"], "PUT");
        let id = e["resource"]["id"].as_str().unwrap();
        assert!(id.starts_with("ps-") && id.len() <= 64, "{id}");
        assert_eq!(
            e["request"]["url"],
            format!("{}/{id}", e["resource"]["resourceType"].as_str().unwrap())
        );
    }
    let (summary, _) = Summary::read(&std::fs::read(summary_path).unwrap()).unwrap();
    let qr = of("QuestionnaireResponse");
    assert_eq!(qr.len(), 1);
    assert_eq!(
        qr[0]["resource"]["subject"]["display"],
        "Alex Rivera, born 1991-07-19"
    );
    let obs = of("Observation");
    let phq = obs
        .iter()
        .find(|o| o["resource"]["code"]["coding"][0]["code"] == "44261-6")
        .unwrap();
    assert_eq!(phq["resource"]["valueInteger"], 21);
    assert_eq!(phq["resource"]["status"], "final");
    assert_eq!(
        phq["resource"]["effectiveDateTime"],
        qr[0]["resource"]["authored"]
    );
    assert_eq!(
        phq["resource"]["derivedFrom"][0]["reference"],
        format!(
            "QuestionnaireResponse/{}",
            qr[0]["resource"]["id"].as_str().unwrap()
        )
    );
    assert!(
        obs.iter()
            .any(|o| o["resource"]["code"]["coding"][0]["code"] == "70274-6")
    );
    // One Flag per flag and per urgent alert.
    assert_eq!(of("Flag").len(), summary.flags.len() + 1);
    assert!(of("Flag").iter().all(|f| {
        f["resource"]["code"]["text"]
            .as_str()
            .unwrap()
            .contains("review")
            || f["resource"]["code"]["text"]
                .as_str()
                .unwrap()
                .contains("URGENT")
    }));
    let prov = of("Provenance");
    assert_eq!(prov.len(), 1);
    let p = &prov[0]["resource"];
    assert_eq!(p["agent"][0]["who"]["display"], "Kiosk “Front desk 1”");
    assert_eq!(
        p["entity"][0]["what"]["reference"],
        phq["resource"]["derivedFrom"][0]["reference"]
    );
    assert_eq!(p["target"].as_array().unwrap().len(), entries.len() - 1);
    let data = p["signature"][0]["data"].as_str().unwrap();
    assert_eq!(data.len(), 88, "64 bytes of Ed25519 signature in base64");
}

#[test]
fn an_incomplete_score_is_sent_as_the_range_it_can_take_never_as_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let records = outbox(dir.path(), &["item9_skipped"]);
    let server = StandIn::start(vec![]);
    let s = sender(dir.path(), &server.url, Duration::from_secs(5));
    let path = records
        .iter()
        .find(|p| p.to_string_lossy().ends_with(SUMMARY_SUFFIX))
        .unwrap();
    let bundle: Value = serde_json::from_slice(&s.bundle(path).unwrap()).unwrap();
    let phq = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["code"]["coding"][0]["code"] == "44261-6")
        .unwrap();
    assert!(phq.get("valueInteger").is_none(), "{phq}");
    let low = phq["valueRange"]["low"]["value"].as_u64().unwrap();
    let high = phq["valueRange"]["high"]["value"].as_u64().unwrap();
    assert!(high > low, "{phq}");
    assert!(
        phq["note"][0]["text"]
            .as_str()
            .unwrap()
            .contains("8 of 9 items answered"),
        "{phq}"
    );
}

#[test]
fn the_send_command_delivers_and_prints_only_file_names_and_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    outbox(dir.path(), &["self_harm", "spanish"]);
    let server = StandIn::start(vec![Reply::Status(500, "")]);
    let o = crate::cli::prescreen(&[
        "--config",
        crate::review_config(),
        "send",
        "--once",
        "--outbox",
        dir.path().to_str().unwrap(),
        "--server",
        &server.url,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::cli::stderr(&o));
    let out = crate::cli::stdout(&o) + &crate::cli::stderr(&o);
    assert_eq!(out.matches(": delivered (HTTP 200)").count(), 2, "{out}");
    assert_eq!(
        out.matches("not delivered, attempt 1: HTTP 500").count(),
        1,
        "{out}"
    );
    assert!(out.contains("1 record(s) not delivered yet"), "{out}");
    for typed in ["Alex", "Rivera", "José", "Ramírez", "1991", "Fenelzina"] {
        assert!(!out.contains(typed), "{typed} in {out}");
    }
}

#[test]
fn the_review_window_shows_each_records_delivery_state() {
    let dir = tempfile::tempdir().unwrap();
    outbox(dir.path(), &["no_flags", "spanish"]);
    let server = StandIn::start(vec![Reply::Status(
        422,
        r#"{"resourceType":"OperationOutcome","issue":[{"code":"invalid"}]}"#,
    )]);
    sender(dir.path(), &server.url, Duration::from_secs(5))
        .pass(at(0))
        .unwrap();
    let mut h = crate::review::window(dir.path());
    crate::review::wait_for(&mut h, "the inbox", |a| a.rows().len() == 2);
    h.run();
    let rows: Vec<String> = h
        .get_all_by(|n| n.label().is_some_and(|l| l.ends_with("Not reviewed")))
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows.iter()
            .filter(|r| r
                .contains("FHIR delivery refused: HTTP 422: OperationOutcome issue codes invalid"))
            .count(),
        1,
        "{rows:?}"
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.contains("Delivered to the FHIR server (HTTP 200)"))
            .count(),
        1,
        "{rows:?}"
    );
}
