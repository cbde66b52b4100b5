//! prescreen: a pre-consultation screening kiosk for ketamine / esketamine therapy clinics.
//!
//! Patients answer a data-driven questionnaire; clinicians read the exported summary. The
//! program makes no treatment decision: it highlights reported items for clinician review and
//! cites why. When a patient reports thoughts of self-harm it shows crisis resources at once
//! and raises an urgent alert for staff.
//!
//! The rooms, from the top down (see `ARCHITECTURE.md`):
//!
//! - [`cli`]: the command line (`check`, `fill`, `render`, `keygen`, `kiosk-keygen`, `review`,
//!   `audit`, `send`; no subcommand opens the kiosk).
//! - [`kiosk`] and [`review`]: the two applications — the patient kiosk and the clinician
//!   review window — on the shared [`ui`] room (fonts, theme, touch settings). Neither imports
//!   the other.
//! - [`inbox`]: the clinician's list of exported records without a window: read, check, pair,
//!   order, review marks.
//! - [`audit`]: the hash-chained log of review actions beside the records, and its check.
//! - [`deliver`]: the outbox sent to a clinic's FHIR server, exactly once, with each record's
//!   delivery state beside it.
//! - [`export`]: the summary as plain text, printable HTML and FHIR R4 JSON (pure functions).
//! - [`outbox`]: where a kiosk writes summaries and alerts.
//! - [`config`]: the site configuration file.
//! - [`engine`]: questionnaire model, loader and validator, sessions, scores, flags, summaries.
//! - [`storage`]: bounded reading, atomic writing, file names, hex, age encryption.

pub mod audit;
pub mod cli;
pub mod config;
pub mod deliver;
pub mod engine;
pub mod export;
pub mod inbox;
pub mod kiosk;
pub mod outbox;
pub mod review;
pub mod storage;
pub mod ui;
