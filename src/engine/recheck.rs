//! A summary re-derived from its own answers: what the record claims (visibility, answers as
//! shown, scores, flags, alerts) recomputed with its questionnaire and compared.
//!
//! A summary is self-contained so a clinician can read it without the questionnaire, but that
//! also means its claims could say anything: "GAD-7: 99 — minimal", an answer to a question
//! that was never shown, "Yes" shown for a stored "No". Evaluation is a pure function of the
//! definition, the answers and the session date, so with the questionnaire in hand every claim
//! can be checked. The answers are replayed exactly as `fill` replays an answers file (only
//! shown questions, each answer checked), then the summary is built again and compared.
//!
//! Alerts are history, not state: a patient may answer so that a safety rule fires, see the
//! crisis resources and then change the answer. So an alert the record has from one of the
//! questionnaire's rules is accepted even if the final answers no longer raise it; an alert
//! from a rule the questionnaire does not have, or one the answers raise and the record lacks,
//! is a difference.

use std::collections::HashMap;
use std::sync::Arc;

use super::answer::{Answer, Entry};
use super::answers_file::{AnswersFile, fill};
use super::model::Questionnaire;
use super::session::FixedClock;
use super::summary::{ItemSummary, RaisedFlag, ScoreResult, Status, Summary};

/// At most this many differences are listed; the rest are counted.
const MAX_LISTED: usize = 40;
/// Quoted record text is cut to this many characters in a difference.
const MAX_QUOTE: usize = 120;

/// The questionnaires an installation knows, found by their SHA-256.
#[derive(Clone, Debug, Default)]
pub struct Library(Vec<Arc<Questionnaire>>);

impl Library {
    pub fn new(questionnaires: Vec<Arc<Questionnaire>>) -> Library {
        Library(questionnaires)
    }

    pub fn find(&self, sha256: &str) -> Option<&Arc<Questionnaire>> {
        self.0.iter().find(|q| q.sha256 == sha256)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The SHA-256 of every questionnaire known.
    pub fn hashes(&self) -> Vec<String> {
        self.0.iter().map(|q| q.sha256.clone()).collect()
    }
}

/// Every way `summary` differs from what its answers give with `q` (empty: consistent).
pub fn differences(q: &Arc<Questionnaire>, summary: &Summary) -> Vec<String> {
    let mut out = Differences::default();
    if summary.questionnaire.sha256 != q.sha256 {
        out.push(format!(
            "made with questionnaire {}, not {}",
            quote(&summary.questionnaire.sha256),
            q.sha256
        ));
        return out.finish();
    }
    let answers = match answers_of(summary) {
        Ok(a) => a,
        Err(problem) => {
            out.push(problem);
            return out.finish();
        }
    };
    let clock = Arc::new(FixedClock::new(summary.started_at));
    let session = match fill(q.clone(), AnswersFile(answers), &summary.language, clock) {
        Ok(s) => s,
        Err(errors) => {
            for e in errors {
                out.push(format!(
                    "the answers cannot have been given: {}",
                    quote(&e.to_string())
                ));
            }
            return out.finish();
        }
    };
    let rebuilt = Summary::build(&session, summary.submitted_at);

    let head = |s: &Summary| {
        (
            s.questionnaire.clone(),
            s.language.clone(),
            s.default_language.clone(),
            s.attribution.clone(),
        )
    };
    if head(summary) != head(&rebuilt) {
        out.push(
            "the questionnaire's title, version, language or attribution differ from the record's"
                .to_owned(),
        );
    }
    if summary.identity != rebuilt.identity {
        out.push("the patient's name or date of birth as shown differ from the answers".to_owned());
    }
    compare_scores(&summary.scores, &rebuilt.scores, &mut out);
    compare_flags(&summary.flags, &rebuilt.flags, &mut out);
    compare_alerts(q, summary, &rebuilt, &mut out);
    compare_items(summary, &rebuilt, &mut out);
    out.finish()
}

/// The answers a summary records, in its order, as an answers file would give them.
fn answers_of(summary: &Summary) -> Result<Vec<(String, Answer)>, String> {
    let mut answers = Vec::new();
    for section in &summary.sections {
        for item in &section.items {
            let answer = match &item.status {
                Status::Answered { answer, .. } => answer.clone(),
                Status::Declined => Answer::Declined,
                Status::Entries(entries) => Answer::Group(
                    entries
                        .iter()
                        .map(|entry| {
                            let mut e = Entry::new();
                            for child in entry {
                                match &child.status {
                                    Status::Answered { answer, .. } => {
                                        e.insert(child.id.clone(), answer.clone());
                                    }
                                    Status::Declined => {
                                        e.insert(child.id.clone(), Answer::Declined);
                                    }
                                    Status::Entries(_) => {
                                        return Err(format!(
                                            "item {} has entries inside an entry",
                                            quote(&child.id)
                                        ));
                                    }
                                    Status::NotAnswered | Status::NotAsked { .. } => {}
                                }
                            }
                            Ok(e)
                        })
                        .collect::<Result<_, _>>()?,
                ),
                Status::NotAnswered | Status::NotAsked { .. } => continue,
            };
            answers.push((item.id.clone(), answer));
        }
    }
    Ok(answers)
}

fn compare_scores(recorded: &[ScoreResult], derived: &[ScoreResult], out: &mut Differences) {
    let derived_by_id: HashMap<&str, &ScoreResult> =
        derived.iter().map(|s| (s.id.as_str(), s)).collect();
    for r in recorded {
        match derived_by_id.get(r.id.as_str()) {
            None => out.push(format!(
                "score {}: in the record, but the questionnaire has no such score",
                quote(&r.title)
            )),
            Some(d) if *d != r => out.push(format!(
                "score {}: the record says {} ({} of {} answered), the answers give {} ({} of {} answered)",
                quote(&d.title),
                quote(&r.describe()),
                r.answered,
                r.of,
                quote(&d.describe()),
                d.answered,
                d.of
            )),
            Some(_) => {}
        }
    }
    for d in derived {
        if !recorded.iter().any(|r| r.id == d.id) {
            out.push(format!(
                "score {}: missing from the record (the answers give {})",
                quote(&d.title),
                quote(&d.describe())
            ));
        }
    }
}

fn compare_flags(recorded: &[RaisedFlag], derived: &[RaisedFlag], out: &mut Differences) {
    // Counted by their full text, so the comparison is linear in the number of flags.
    let key = |f: &RaisedFlag| ron::to_string(f).unwrap_or_default();
    let mut counts: HashMap<String, isize> = HashMap::new();
    for f in recorded {
        *counts.entry(key(f)).or_default() += 1;
    }
    for f in derived {
        *counts.entry(key(f)).or_default() -= 1;
    }
    for f in recorded {
        if counts.get(&key(f)).is_some_and(|n| *n > 0) {
            counts.insert(key(f), 0);
            out.push(format!(
                "flag {}: in the record as shown there, but the answers do not raise it so",
                quote(&f.text)
            ));
        }
    }
    for f in derived {
        if counts.get(&key(f)).is_some_and(|n| *n < 0) {
            counts.insert(key(f), 0);
            out.push(format!(
                "flag {}: raised by the answers, but missing from the record or recorded otherwise",
                quote(&f.text)
            ));
        }
    }
}

fn compare_alerts(q: &Questionnaire, recorded: &Summary, derived: &Summary, out: &mut Differences) {
    for a in &recorded.alerts {
        match q.safety.iter().find(|r| r.id == a.rule) {
            None => out.push(format!(
                "alert {}: from rule {}, which the questionnaire does not have",
                quote(&a.alert),
                quote(&a.rule)
            )),
            Some(rule) if rule.alert != a.alert || rule.level != a.level => out.push(format!(
                "alert {}: the questionnaire's rule {} says {}",
                quote(&a.alert),
                quote(&a.rule),
                quote(&rule.alert)
            )),
            Some(_) => {}
        }
    }
    for d in &derived.alerts {
        if !recorded.alerts.iter().any(|a| a.rule == d.rule) {
            out.push(format!(
                "alert {}: raised by the answers, but missing from the record",
                quote(&d.alert)
            ));
        }
    }
}

/// Every item of both, by its place (section, item, entry), compared as recorded.
fn compare_items(recorded: &Summary, derived: &Summary, out: &mut Differences) {
    let recorded = flatten(recorded);
    let derived = flatten(derived);
    let by_place: HashMap<&str, &ItemSummary> =
        derived.iter().map(|(p, i)| (p.as_str(), i)).collect();
    for (place, r) in &recorded {
        match by_place.get(place.as_str()) {
            None => out.push(format!(
                "{}: in the record, but not an item of the questionnaire there",
                quote(place)
            )),
            Some(d) if *d != r => out.push(format!(
                "{} {}: the record says {}, the answers give {}",
                quote(place),
                quote(&d.question),
                status_words(r),
                status_words(d)
            )),
            Some(_) => {}
        }
    }
    let recorded_places: std::collections::HashSet<&str> =
        recorded.iter().map(|(p, _)| p.as_str()).collect();
    for (place, d) in &derived {
        if !recorded_places.contains(place.as_str()) {
            out.push(format!(
                "{} {}: missing from the record",
                quote(place),
                quote(&d.question)
            ));
        }
    }
}

/// `section/item` and `section/group[2]/item` for every item of a summary, with the item as
/// recorded (a group's own row without its entries, which are listed one by one).
fn flatten(s: &Summary) -> Vec<(String, ItemSummary)> {
    let mut out = Vec::new();
    for section in &s.sections {
        for item in &section.items {
            let place = format!("{}/{}", section.id, item.id);
            if let Status::Entries(entries) = &item.status {
                for (n, entry) in entries.iter().enumerate() {
                    for child in entry {
                        out.push((format!("{place}[{}]/{}", n + 1, child.id), child.clone()));
                    }
                }
                let mut head = item.clone();
                head.status = Status::Entries(vec![Vec::new(); entries.len()]);
                out.push((place, head));
            } else {
                out.push((place, item.clone()));
            }
        }
    }
    out
}

fn status_words(i: &ItemSummary) -> String {
    match &i.status {
        Status::Answered { answer, shown, .. } => {
            format!(
                "answered {} (stored as {})",
                quote(shown),
                quote(&format!("{answer:?}"))
            )
        }
        Status::Declined => "“prefer not to say”".to_owned(),
        Status::NotAnswered => "not answered".to_owned(),
        Status::NotAsked { reason, .. } => format!("not asked ({})", quote(reason)),
        Status::Entries(e) => format!("{} entries", e.len()),
    }
}

/// Record text in quotes, cut short and with control characters made visible: a difference
/// quotes what a possibly hostile file holds.
fn quote(text: &str) -> String {
    let mut out = String::from("“");
    for (n, c) in text.chars().enumerate() {
        if n == MAX_QUOTE {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('”');
    out
}

/// The differences found, listed up to [`MAX_LISTED`] and counted beyond.
#[derive(Default)]
struct Differences {
    listed: Vec<String>,
    more: usize,
}

impl Differences {
    fn push(&mut self, difference: String) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(difference);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.listed.push(format!("… and {} more", self.more));
        }
        self.listed
    }
}
