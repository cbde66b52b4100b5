//! prescreen: a pre-consultation screening kiosk for ketamine / esketamine therapy clinics.
//!
//! Patients answer a data-driven questionnaire; clinicians read the exported summary. The
//! program makes no treatment decision: it highlights reported items for clinician review and
//! cites why. When a patient reports thoughts of self-harm it shows crisis resources at once
//! and raises an urgent alert for staff.
//!
//! - [`engine`]: questionnaire model, loader and validator, sessions, scores, flags, summaries.
//! - [`config`]: the site configuration file.
//! - [`outbox`]: where summaries go — atomic, owner-only files named without personal data.
//! - [`crypto`]: exports encrypted with age (X25519): keys, encrypting, reading records back.
//! - [`inbox`]: the clinician's list of exported records, urgent first, with review marks.
//! - [`gui`]: the patient kiosk and the clinician review window (egui), thin views.
//! - [`export`]: the summary as plain text, printable HTML and FHIR R4 JSON.
//! - [`cli`]: the command line (`check`, `fill`, `render`, `keygen`, `review`; no subcommand opens the kiosk).

pub mod cli;
pub mod config;
pub mod crypto;
pub mod engine;
pub mod export;
pub mod gui;
pub mod inbox;
pub mod outbox;
