//! One record as a FHIR R4 transaction `Bundle`, for delivery to a clinic's FHIR server.
//!
//! A summary becomes:
//!
//! - its `QuestionnaireResponse` (as [`super::fhir`] makes it);
//! - an `Observation` per score, the SDC observation-based extraction shape US Core's
//!   screening-assessment profile expects: `code` the score's LOINC code (PHQ-9 total 44261-6,
//!   GAD-7 total 70274-6), `effectiveDateTime` the response's `authored`, `derivedFrom` the
//!   response, `status` final, the band as `interpretation`. A complete score is a
//!   `valueInteger`; an incomplete one is never given as a number it is not: it is the
//!   `valueRange` the total can still take (partial sum to highest possible), with a note of
//!   how many items were answered;
//! - a `Flag` per attention flag and urgent alert, so the EHR shows them where staff look
//!   first, each worded "for clinician review" with its source;
//! - a `Provenance` whose target is every resource above, with the response as its `source`
//!   entity, the kiosk as its agent (by name, or "unknown kiosk") and, when the record is
//!   signed, the kiosk's Ed25519 signature of the original record in `signature`.
//!
//! An urgent alert record becomes its `Flag` and a `Provenance`.
//!
//! **Exactly once.** Every resource has an id derived from the record's own digest
//! (`ps-<first 40 hex digits>` and a suffix), and every entry is a `PUT` to that id: a retry
//! after a lost answer, a restarted sender or a second sender writes the same resources again
//! instead of new ones. Servers keep the versions, never a duplicate.
//!
//! **The patient.** No `Patient` resource is created or matched: a screening kiosk knows only
//! a typed name and date of birth, and matching a chart on those alone can attach a screening
//! to the wrong person. Each resource's `subject` is a reference by display only — "Alex Rivera,
//! born 1991-07-19" — for staff to reconcile with the chart, and the identity answers are in
//! the response's items. See `docs/deployment.md`.
//!
//! Pure: no IO, like every export.

use chrono::SecondsFormat;
use serde_json::{Value, json};

use base64::Engine as _;

use super::fhir;
use crate::engine::summary::{Field, ScoreResult, Seal, Summary, UrgentAlert};

/// Identifies the record every delivered resource came from: the record's SHA-256 digest.
pub const RECORD_SYSTEM: &str = "urn:prescreen:record-digest";

/// Who made a record, for its `Provenance`: the kiosk's name when its signature is by a key
/// the clinic lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin<'a> {
    pub kiosk: Option<&'a str>,
    pub seal: Option<&'a Seal>,
}

impl<'a> Origin<'a> {
    /// The origin of a record read with `trust` and carrying `seal`: the kiosk is named only
    /// when its signature is by a key the clinic lists.
    pub fn of(trust: &'a super::Trust, seal: Option<&'a Seal>) -> Origin<'a> {
        Origin {
            kiosk: match trust {
                super::Trust::Signed { kiosk } => Some(kiosk.as_str()),
                _ => None,
            },
            seal,
        }
    }
}

/// The stable id stem of the resources made from a record with this digest.
pub fn record_id(digest: &str) -> String {
    let hex: String = digest
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(40)
        .collect();
    format!("ps-{hex}")
}

/// A FHIR id from a stem and a suffix: letters, digits, `-` and `.`, at most 64 characters.
fn id(stem: &str, suffix: &str) -> String {
    let clean: String = suffix
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{stem}-{clean}").chars().take(64).collect()
}

fn put(resource_type: &str, id: &str, resource: Value) -> Value {
    json!({
        "fullUrl": format!("{resource_type}/{id}"),
        "resource": resource,
        "request": { "method": "PUT", "url": format!("{resource_type}/{id}") },
    })
}

/// "Alex Rivera, born 1991-07-19": the identity answers as given, for staff to reconcile.
fn subject(identity: &[Field]) -> Value {
    let given: Vec<&str> = identity.iter().map(|f| f.answer.as_str()).collect();
    let display = match given.as_slice() {
        [] => "Patient not identified at the kiosk".to_owned(),
        [name] => (*name).to_owned(),
        [name, born, ..] => format!("{name}, born {born}"),
    };
    json!({ "display": display })
}

fn identifier(digest: &str, part: &str) -> Value {
    json!({ "system": RECORD_SYSTEM, "value": format!("{digest}#{part}") })
}

/// The transaction Bundle of a summary.
pub fn summary(s: &Summary, origin: &Origin<'_>) -> Value {
    let stem = record_id(&s.digest);
    let authored = s.submitted_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let who = subject(&s.identity);
    let qr_id = id(&stem, "response");
    let qr_ref = format!("QuestionnaireResponse/{qr_id}");

    let mut qr = serde_json::to_value(fhir::questionnaire_response(s)).unwrap_or(Value::Null);
    if let Some(o) = qr.as_object_mut() {
        o.insert("id".into(), json!(qr_id));
        o.insert("subject".into(), who.clone());
    }
    let mut entries = vec![put("QuestionnaireResponse", &qr_id, qr)];
    let mut targets = vec![qr_ref.clone()];

    for score in &s.scores {
        let Some(code) = &score.code else { continue };
        let obs_id = id(&stem, &format!("score-{}", score.id));
        let mut obs = json!({
            "resourceType": "Observation",
            "id": obs_id,
            "identifier": [identifier(&s.digest, &format!("score:{}", score.id))],
            "status": "final",
            "category": [{ "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
            }]}],
            "code": {
                "coding": [fhir::Coding::from(code)],
                "text": format!("{} total score", score.title),
            },
            "subject": who,
            "effectiveDateTime": authored,
            "derivedFrom": [{ "reference": qr_ref }],
        });
        if let Some(o) = obs.as_object_mut() {
            for (k, v) in score_value(score) {
                o.insert(k.into(), v);
            }
        }
        targets.push(format!("Observation/{obs_id}"));
        entries.push(put("Observation", &obs_id, obs));
    }

    let mut flags: Vec<(String, String)> = s
        .alerts
        .iter()
        .filter(|a| a.level.is_urgent())
        .map(|a| (format!("alert-{}", a.rule), a.alert.clone()))
        .collect();
    flags.extend(s.flags.iter().enumerate().map(|(n, f)| {
        let lead = match (f.level.is_urgent(), f.possible) {
            (true, _) => "URGENT — for clinician review",
            (false, true) => "For clinician review (possible)",
            (false, false) => "For clinician review",
        };
        (
            format!("flag-{}-{}", n + 1, f.id),
            format!("{lead}: {} (source: {})", f.text, f.source),
        )
    }));
    for (suffix, text) in flags {
        let flag_id = id(&stem, &suffix);
        targets.push(format!("Flag/{flag_id}"));
        entries.push(put(
            "Flag",
            &flag_id,
            flag(&flag_id, &s.digest, &suffix, &text, &who, &authored),
        ));
    }

    let prov_id = id(&stem, "provenance");
    entries.push(put(
        "Provenance",
        &prov_id,
        provenance(&prov_id, &targets, &qr_ref, &authored, origin),
    ));
    json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries })
}

/// The transaction Bundle of an urgent alert record: its Flag and a Provenance.
pub fn alert(a: &UrgentAlert, origin: &Origin<'_>) -> Value {
    let stem = record_id(&a.digest);
    let at = a.at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let who = subject(&a.identity);
    let flag_id = id(&stem, "alert");
    let lead = if a.level.is_urgent() {
        "URGENT safety alert from the kiosk"
    } else {
        "Safety notice from the kiosk, for review"
    };
    let text = format!("{lead}: {}", a.alert);
    let target = format!("Flag/{flag_id}");
    let prov_id = id(&stem, "provenance");
    json!({
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            put("Flag", &flag_id, flag(&flag_id, &a.digest, "alert", &text, &who, &at)),
            put("Provenance", &prov_id, provenance(&prov_id, std::slice::from_ref(&target), &target, &at, origin)),
        ],
    })
}

/// A complete score is its total; an incomplete one the range the total can still take.
fn score_value(s: &ScoreResult) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    if s.complete {
        out.push(("valueInteger", json!(s.sum)));
        if let Some(b) = &s.band {
            out.push(("interpretation", json!([{ "text": b.label }])));
        }
    } else {
        let high = s.max.unwrap_or(s.sum);
        out.push((
            "valueRange",
            json!({ "low": { "value": s.sum }, "high": { "value": high } }),
        ));
        let bands = match (&s.band, &s.lowest_band, &s.highest_band) {
            (Some(b), _, _) => Some(b.label.clone()),
            (None, Some(lo), Some(hi)) => Some(format!("{} to {}", lo.label, hi.label)),
            _ => None,
        };
        if let Some(b) = bands {
            out.push(("interpretation", json!([{ "text": b }])));
        }
        out.push((
            "note",
            json!([{ "text": format!(
                "Incomplete: {} of {} items answered. Not a total: the total can be {}–{high}.",
                s.answered, s.of, s.sum
            )}]),
        ));
    }
    out
}

fn flag(id: &str, digest: &str, part: &str, text: &str, who: &Value, at: &str) -> Value {
    json!({
        "resourceType": "Flag",
        "id": id,
        "identifier": [identifier(digest, part)],
        "status": "active",
        "category": [{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/flag-category",
            "code": "clinical",
        }]}],
        "code": { "text": text },
        "subject": who,
        "period": { "start": at },
    })
}

fn provenance(id: &str, targets: &[String], source: &str, at: &str, origin: &Origin<'_>) -> Value {
    let kiosk = match (origin.kiosk, origin.seal) {
        (Some(name), _) => format!("Kiosk “{name}”"),
        (None, Some(seal)) => format!("Unknown kiosk ({})", seal.kiosk),
        (None, None) => "Unknown kiosk (the record is not signed)".to_owned(),
    };
    let mut p = json!({
        "resourceType": "Provenance",
        "id": id,
        "target": targets.iter().map(|t| json!({ "reference": t })).collect::<Vec<_>>(),
        "recorded": at,
        "agent": [{
            "type": { "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                "code": "author",
            }]},
            "who": { "display": kiosk },
        }],
        "entity": [{ "role": "source", "what": { "reference": source } }],
    });
    if let (Some(seal), Some(o)) = (origin.seal, p.as_object_mut()) {
        o.insert(
            "signature".into(),
            json!([{
                "type": [{
                    "system": "urn:iso-astm:E1762-95:2013",
                    "code": "1.2.840.10065.1.12.1.14",
                    "display": "Source Signature",
                }],
                "when": at,
                "who": { "display": kiosk },
                "sigFormat": "application/x-prescreen-ed25519",
                "data": base64::engine::general_purpose::STANDARD.encode(hex_bytes(&seal.signature)),
            }]),
        );
    }
    p
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks_exact(2)
        .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_short_and_fhir_safe() {
        let stem = record_id(&"ab".repeat(32));
        assert_eq!(stem.len(), 43);
        let long = id(&stem, &"score:x y".repeat(20));
        assert!(long.len() <= 64);
        assert!(long.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
