//! Every string the kiosk itself shows: the patient's in English and Spanish, the staff
//! screens' in English. Questionnaire text comes from
//! the questionnaire; these are the buttons, messages and screens around it.

use super::draft::Part;
use super::locale::Locale;
use crate::engine::Invalid;
use crate::engine::answer::{RangeUnit, range_words};

pub struct Strings {
    pub language_name: &'static str,
    pub start: &'static str,
    pub intro_title: &'static str,
    pub intro_body: &'static str,
    pub begin: &'static str,
    pub next: &'static str,
    pub back: &'static str,
    pub skip_hint: &'static str,
    pub required_hint: &'static str,
    pub answered_of: &'static str,
    pub review_title: &'static str,
    pub review_body: &'static str,
    pub change: &'static str,
    pub not_answered: &'static str,
    pub submit: &'static str,
    pub thanks_title: &'static str,
    pub thanks_body: &'static str,
    pub save_failed_title: &'static str,
    pub save_failed_body: &'static str,
    pub retry: &'static str,
    pub crisis_continue: &'static str,
    pub add_entry: &'static str,
    pub remove_entry: &'static str,
    pub entry: &'static str,
    pub day: &'static str,
    pub month: &'static str,
    pub year: &'static str,
    /// January to December, as written inside a date.
    pub months: [&'static str; 12],
    pub bigger_text: &'static str,
    pub smaller_text: &'static str,
    pub high_contrast: &'static str,
    pub still_here_title: &'static str,
    /// `{n}` is replaced by the seconds left.
    pub still_here_body: &'static str,
    pub still_here_body_one: &'static str,
    pub more_time: &'static str,
    pub keyboard: &'static str,
    /// Under a page that does not all fit on the screen.
    pub more_below: &'static str,
    /// On a page reached with "Change" from the review page.
    pub back_to_answers: &'static str,
    /// "+ Add …" before the first entry of a repeating group.
    pub add_first_entry: &'static str,
    pub shift: &'static str,
    pub shift_on: &'static str,
    pub space: &'static str,
    pub delete: &'static str,
    /// The key that puts the letter keys away, so the whole page shows again.
    pub hide_keys: &'static str,
    pub staff: &'static str,
}

pub const EN: Strings = Strings {
    language_name: "English",
    start: "Start",
    intro_title: "Before we begin",
    intro_body: "These questions help your care team prepare for your visit.\n\n\
        Nothing you answer here decides your treatment. A doctor will go over your answers with you.\n\n\
        You can skip questions you do not want to answer, unless they say \"Required\".\n\n\
        If you need help at any time, please ask a staff member.",
    begin: "Begin",
    next: "Next",
    back: "Back",
    skip_hint: "You may skip this question.",
    required_hint: "Required",
    answered_of: "answered",
    review_title: "Please check your answers",
    review_body: "Tap an answer to change it. When everything looks right, tap Submit.",
    change: "Change",
    not_answered: "Not answered",
    submit: "Submit my answers",
    thanks_title: "Thank you",
    thanks_body: "Your answers have been sent to your care team.\n\nPlease return this device to the front desk.",
    save_failed_title: "Please ask a staff member for help",
    save_failed_body: "Your answers are safe on this device, but they could not be sent yet. A staff member can fix this and send them.",
    retry: "Try again",
    crisis_continue: "I understand — continue",
    add_entry: "Add another",
    remove_entry: "Remove",
    entry: "Entry",
    day: "Day",
    month: "Month",
    year: "Year",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    bigger_text: "Bigger text",
    smaller_text: "Smaller text",
    high_contrast: "High contrast",
    still_here_title: "Are you still here?",
    still_here_body: "To protect your privacy, your answers will be cleared in {n} seconds.",
    still_here_body_one: "To protect your privacy, your answers will be cleared in 1 second.",
    more_time: "I need more time",
    keyboard: "Keyboard",
    more_below: "More below — tap here, or slide the page up",
    back_to_answers: "Back to my answers",
    add_first_entry: "Add one",
    shift: "Capital",
    shift_on: "CAPITAL",
    space: "Space",
    delete: "Delete",
    hide_keys: "Hide keys",
    staff: "Staff",
};

pub const ES: Strings = Strings {
    language_name: "Español",
    start: "Comenzar",
    intro_title: "Antes de empezar",
    intro_body: "Estas preguntas ayudan a su equipo de atención a prepararse para su consulta.\n\n\
        Nada de lo que conteste aquí decide su tratamiento. Un médico revisará sus respuestas con usted.\n\n\
        Puede saltar las preguntas que no quiera contestar, salvo las que dicen \"Obligatoria\".\n\n\
        Si necesita ayuda en cualquier momento, pida ayuda a un miembro del personal.",
    begin: "Empezar",
    next: "Siguiente",
    back: "Atrás",
    skip_hint: "Puede saltar esta pregunta.",
    required_hint: "Obligatoria",
    answered_of: "contestadas",
    review_title: "Por favor, revise sus respuestas",
    review_body: "Toque una respuesta para cambiarla. Cuando todo esté bien, toque Enviar.",
    change: "Cambiar",
    not_answered: "Sin respuesta",
    submit: "Enviar mis respuestas",
    thanks_title: "Gracias",
    thanks_body: "Sus respuestas se enviaron a su equipo de atención.\n\nPor favor, devuelva este dispositivo en la recepción.",
    save_failed_title: "Por favor, pida ayuda a un miembro del personal",
    save_failed_body: "Sus respuestas están guardadas en este dispositivo, pero todavía no se pudieron enviar. Un miembro del personal puede resolverlo y enviarlas.",
    retry: "Intentar de nuevo",
    crisis_continue: "Entiendo — continuar",
    add_entry: "Agregar otro",
    remove_entry: "Quitar",
    entry: "Registro",
    day: "Día",
    month: "Mes",
    year: "Año",
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    bigger_text: "Letra más grande",
    smaller_text: "Letra más pequeña",
    high_contrast: "Alto contraste",
    still_here_title: "¿Sigue ahí?",
    still_here_body: "Para proteger su privacidad, sus respuestas se borrarán en {n} segundos.",
    still_here_body_one: "Para proteger su privacidad, sus respuestas se borrarán en 1 segundo.",
    more_time: "Necesito más tiempo",
    keyboard: "Teclado",
    more_below: "Hay más abajo — toque aquí o deslice la página hacia arriba",
    back_to_answers: "Volver a mis respuestas",
    add_first_entry: "Agregar uno",
    shift: "Mayúscula",
    shift_on: "MAYÚSCULA",
    space: "Espacio",
    delete: "Borrar",
    hide_keys: "Ocultar teclado",
    staff: "Personal",
};

/// The staff screens' words (English: staff screens are for the clinic's own people).
pub mod staff {
    pub const BROKEN_TITLE: &str = "prescreen cannot start";
    pub const BROKEN_BODY: &str =
        "Staff: fix the problem below, then restart prescreen. No patient can start until then.";
    pub const PIN_TITLE: &str = "Staff PIN";
    pub const CANCEL: &str = "Cancel";
    pub const ENTER: &str = "Enter";
    pub const MENU_TITLE: &str = "Staff menu";
    pub const OUTBOX: &str = "Outbox: ";
    pub const NOTHING_WRITTEN: &str = "Last write: nothing written since start";
    pub const LAST_WRITE_OK: &str = "Last write: ok — ";
    pub const LAST_WRITE_FAILED: &str = "Last write FAILED: ";
    pub const NOT_ENCRYPTED: &str = "Exports are NOT encrypted: anyone who can read the outbox \
        can read patients' answers. Set `recipients` in the site configuration.";
    pub const QUESTIONNAIRE: &str = "Questionnaire: ";
    pub const MODE_LOCKED: &str = "Kiosk mode: locked";
    pub const MODE_WINDOW: &str = "Kiosk mode: window";
    pub const BACK_TO_WELCOME: &str = "Back to welcome";
    pub const OPEN_REVIEW: &str = "Open clinician review";
    pub const QUIT: &str = "Quit prescreen";
    pub const REVIEW_OPENING: &str = "The clinician review window is opening.";
    pub const REVIEW_FAILED: &str = "Could not open the clinician review: ";

    /// "Exports are encrypted for 2 recipients".
    pub fn encrypted_for(recipients: usize) -> String {
        format!(
            "Exports are encrypted for {}",
            count(recipients as u64, "recipient")
        )
    }

    /// After a wrong PIN, before the pad locks: how many tries are left.
    pub fn wrong_pin(tries_left: u32) -> String {
        match tries_left {
            0 => "Wrong PIN. Another wrong PIN locks the pad again, for twice as long.".into(),
            n => format!(
                "Wrong PIN. The pad locks after {}.",
                count(u64::from(n), "more wrong PIN")
            ),
        }
    }

    /// The locked pad, with the time left: "Try again in 1 minute 5 seconds".
    pub fn pin_locked(seconds: u64) -> String {
        let (minutes, seconds) = (seconds / 60, seconds % 60);
        let left = match (minutes, seconds) {
            (0, s) => count(s, "second"),
            (m, 0) => count(m, "minute"),
            (m, s) => format!("{} {}", count(m, "minute"), count(s, "second")),
        };
        format!("Too many wrong PINs: the pad is locked. Try again in {left}.")
    }

    /// "1 second", "2 seconds".
    fn count(n: u64, noun: &str) -> String {
        let plural = if n == 1 { "" } else { "s" };
        format!("{n} {noun}{plural}")
    }
}

/// The strings for a language; English for any language without a table.
pub fn strings(lang: &str) -> &'static Strings {
    match lang.split('-').next() {
        Some("es") => &ES,
        _ => &EN,
    }
}

/// A validation message in plain words, in the session's language: numbers and units are
/// worded in that language too, and no internal id is ever shown. Dates are written as the
/// default [`Locale`] writes them; the kiosk uses [`invalid_in`] with the clinic's.
pub fn invalid(e: &Invalid, lang: &str) -> String {
    invalid_in(e, lang, Locale::default())
}

/// A validation message in plain words, dates written as `locale` writes them.
pub fn invalid_in(e: &Invalid, lang: &str, locale: Locale) -> String {
    if strings(lang).language_name == ES.language_name {
        spanish(e, lang, locale)
    } else {
        english(e, lang, locale)
    }
}

/// The range's bounds in `lang`: `(low, high)`.
fn bounds(
    min: Option<f64>,
    max: Option<f64>,
    unit: Option<&RangeUnit>,
    lang: &str,
) -> (Option<String>, Option<String>) {
    range_words(min, max, unit, Some(lang))
}

/// "day, month and year", in the order the clinic writes dates.
fn date_parts_words(locale: Locale, t: &Strings, and: &str) -> String {
    let [a, b, c] = locale
        .date_parts()
        .map(|p| match p {
            Part::Day => t.day,
            Part::Month => t.month,
            _ => t.year,
        })
        .map(str::to_lowercase);
    format!("{a}, {b} {and} {c}")
}

fn english(e: &Invalid, lang: &str, locale: Locale) -> String {
    match e {
        Invalid::OutOfRange { min, max, unit } => match bounds(*min, *max, unit.as_ref(), lang) {
            (Some(lo), Some(hi)) => format!("Please enter a number between {lo} and {hi}."),
            (Some(lo), None) => format!("Please enter {lo} or more."),
            (None, Some(hi)) => format!("Please enter {hi} or less."),
            (None, None) => "Please enter a number.".into(),
        },
        Invalid::InEntry { entry, error, .. } => {
            format!("Entry {entry}: {}", english(error, lang, locale))
        }
        Invalid::DateBefore { min } => format!(
            "Please enter a date on or after {}.",
            locale.date_words(*min, lang)
        ),
        Invalid::DateAfter { max } => format!(
            "Please enter a date on or before {}.",
            locale.date_words(*max, lang)
        ),
        Invalid::NotADate => format!(
            "Please enter a real date: {}.",
            date_parts_words(locale, &EN, "and")
        ),
        // These name an option, unit or question by its id: a patient's taps cannot cause
        // them, and an id means nothing to a patient anyway.
        Invalid::WrongKind { .. }
        | Invalid::NotAnOption { .. }
        | Invalid::UnknownUnit { .. }
        | Invalid::NotInGroup { .. } => "Please check this answer.".into(),
        other => {
            let mut s = other.to_string();
            if let Some(first) = s.get(..1) {
                let upper = first.to_uppercase();
                s.replace_range(..1, &upper);
            }
            format!("{s}.")
        }
    }
}

fn spanish(e: &Invalid, lang: &str, locale: Locale) -> String {
    match e {
        Invalid::OutOfRange { min, max, unit } => match bounds(*min, *max, unit.as_ref(), lang) {
            (Some(lo), Some(hi)) => format!("Por favor, escriba un número entre {lo} y {hi}."),
            (Some(lo), None) => format!("Por favor, escriba {lo} o más."),
            (None, Some(hi)) => format!("Por favor, escriba {hi} o menos."),
            (None, None) => "Por favor, escriba un número.".into(),
        },
        Invalid::NotANumber => "Por favor, escriba un número.".into(),
        Invalid::TooManyDecimals { decimals: 0 } => "Por favor, escriba un número entero.".into(),
        Invalid::TooManyDecimals { decimals: 1 } => "Por favor, use como máximo 1 decimal.".into(),
        Invalid::TooManyDecimals { decimals } => {
            format!("Por favor, use como máximo {decimals} decimales.")
        }
        Invalid::DateBefore { min } => format!(
            "Por favor, escriba una fecha a partir del {}.",
            locale.date_words(*min, lang)
        ),
        Invalid::DateAfter { max } => format!(
            "Por favor, escriba una fecha hasta el {}.",
            locale.date_words(*max, lang)
        ),
        Invalid::TooLong { max_len: 1 } => "Por favor, use como máximo 1 carácter.".into(),
        Invalid::TooLong { max_len } => format!("Por favor, use como máximo {max_len} caracteres."),
        Invalid::ControlCharacter { line_breaks: false } => {
            "Por favor, escriba solo letras, números y signos de puntuación, en una sola línea."
                .into()
        }
        Invalid::ControlCharacter { line_breaks: true } => {
            "Por favor, escriba solo letras, números y signos de puntuación.".into()
        }
        Invalid::Empty => "Por favor, escriba una respuesta.".into(),
        Invalid::NoneSelected => "Por favor, elija al menos una opción.".into(),
        Invalid::NoneWithOthers => {
            "\"Ninguno de estos\" no se puede elegir junto con otras opciones.".into()
        }
        Invalid::TooFewEntries { min: 1 } => "Por favor, agregue al menos 1 registro.".into(),
        Invalid::TooFewEntries { min } => format!("Por favor, agregue al menos {min} registros."),
        Invalid::TooManyEntries { max: 1 } => "Se puede agregar como máximo 1 registro.".into(),
        Invalid::TooManyEntries { max } => {
            format!("Se pueden agregar como máximo {max} registros.")
        }
        Invalid::InEntry { entry, error, .. } => {
            format!("Registro {entry}: {}", spanish(error, lang, locale))
        }
        Invalid::NotADate => format!(
            "Por favor, escriba una fecha real: {}.",
            date_parts_words(locale, &ES, "y")
        ),
        Invalid::Required | Invalid::DeclineNotOffered => {
            "Esta pregunta necesita una respuesta.".into()
        }
        _ => "Por favor, revise esta respuesta.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Split, Text};

    #[test]
    fn messages_are_sentences_in_the_session_language() {
        let kg = Text(vec![("en".into(), "kg".into()), ("es".into(), "kg".into())]);
        let e = Invalid::OutOfRange {
            min: Some(30.0),
            max: Some(300.0),
            unit: Some(RangeUnit::Label(kg)),
        };
        assert_eq!(
            invalid(&e, "en"),
            "Please enter a number between 30 and 300 kg."
        );
        assert_eq!(
            invalid(&e, "es"),
            "Por favor, escriba un número entre 30 y 300 kg."
        );
        assert_eq!(strings("es-US").next, "Siguiente");
        assert_eq!(strings("fr").next, "Next");
    }

    /// A Spanish patient reads Spanish units, and entry messages name no internal id.
    #[test]
    fn out_of_range_speaks_the_patients_language() {
        let weeks = Text(vec![
            ("en".into(), "weeks".into()),
            ("es".into(), "semanas".into()),
        ]);
        let e = Invalid::InEntry {
            entry: 1,
            item: "ad_weeks".into(),
            error: Box::new(Invalid::OutOfRange {
                min: Some(0.0),
                max: Some(1040.0),
                unit: Some(RangeUnit::Label(weeks)),
            }),
        };
        assert_eq!(
            invalid(&e, "es"),
            "Registro 1: Por favor, escriba un número entre 0 y 1040 semanas."
        );
        assert_eq!(
            invalid(&e, "en"),
            "Entry 1: Please enter a number between 0 and 1040 weeks."
        );
        let ft_in = Split {
            major: Text(vec![
                ("en".into(), "ft".into()),
                ("es".into(), "pies".into()),
            ]),
            minor: Text(vec![
                ("en".into(), "in".into()),
                ("es".into(), "pulgadas".into()),
            ]),
            minor_per_major: 12,
        };
        let e = Invalid::OutOfRange {
            min: Some(40.0),
            max: Some(96.0),
            unit: Some(RangeUnit::Split(ft_in)),
        };
        assert_eq!(
            invalid(&e, "es"),
            "Por favor, escriba un número entre 3 pies 4 pulgadas y 8 pies 0 pulgadas."
        );
        assert_eq!(
            invalid(&Invalid::TooFewEntries { min: 1 }, "en"),
            "Please add at least 1 entry."
        );
    }

    /// No message a patient can see names an option, unit or question by its id.
    #[test]
    fn no_message_shows_an_internal_id() {
        let id = "ad_weeks_internal";
        let with_ids = [
            Invalid::WrongKind {
                expected: "a yes or no as its",
            },
            Invalid::NotAnOption { value: id.into() },
            Invalid::UnknownUnit { unit: id.into() },
            Invalid::NotInGroup { item: id.into() },
            Invalid::InEntry {
                entry: 2,
                item: id.into(),
                error: Box::new(Invalid::NotAnOption { value: id.into() }),
            },
        ];
        for e in &with_ids {
            for lang in ["en", "es"] {
                let m = invalid(e, lang);
                assert!(!m.contains(id) && !m.contains('`'), "{lang}: {m}");
            }
        }
        assert_eq!(
            invalid(&with_ids[4], "en"),
            "Entry 2: Please check this answer."
        );
    }

    #[test]
    fn counts_agree_with_their_nouns_in_both_languages() {
        let cases = [
            (
                Invalid::TooLong { max_len: 1 },
                "1 character.",
                "1 carácter.",
            ),
            (
                Invalid::TooLong { max_len: 2 },
                "2 characters.",
                "2 caracteres.",
            ),
            (Invalid::TooFewEntries { min: 1 }, "1 entry.", "1 registro."),
            (
                Invalid::TooFewEntries { min: 2 },
                "2 entries.",
                "2 registros.",
            ),
            (
                Invalid::TooManyEntries { max: 1 },
                "1 entry can be added.",
                "1 registro.",
            ),
            (
                Invalid::TooManyEntries { max: 3 },
                "3 entries can be added.",
                "3 registros.",
            ),
            (
                Invalid::TooManyDecimals { decimals: 1 },
                "1 digit after the decimal point.",
                "1 decimal.",
            ),
            (
                Invalid::TooManyDecimals { decimals: 2 },
                "2 digits after the decimal point.",
                "2 decimales.",
            ),
        ];
        for (e, en, es) in cases {
            assert!(invalid(&e, "en").ends_with(en), "{}", invalid(&e, "en"));
            assert!(invalid(&e, "es").ends_with(es), "{}", invalid(&e, "es"));
        }
        assert_eq!(
            EN.still_here_body_one,
            "To protect your privacy, your answers will be cleared in 1 second."
        );
        assert!(ES.still_here_body_one.ends_with("en 1 segundo."));
        assert!(ES.still_here_body.ends_with("en {n} segundos."));
        assert_eq!(
            staff::pin_locked(1),
            "Too many wrong PINs: the pad is locked. Try again in 1 second."
        );
        assert!(staff::pin_locked(30).ends_with("in 30 seconds."));
        assert!(staff::pin_locked(61).ends_with("in 1 minute 1 second."));
        assert!(staff::pin_locked(960).ends_with("in 16 minutes."));
        assert!(staff::wrong_pin(1).ends_with("after 1 more wrong PIN."));
        assert!(staff::wrong_pin(4).ends_with("after 4 more wrong PINs."));
        assert_eq!(
            staff::encrypted_for(1),
            "Exports are encrypted for 1 recipient"
        );
    }

    #[test]
    fn date_messages_write_dates_as_the_clinic_does() {
        use crate::config::{DateOrder, Units};
        let us = Locale {
            date_order: DateOrder::MonthDayYear,
            units: Units::Us,
        };
        let min = chrono::NaiveDate::from_ymd_opt(1906, 11, 21).unwrap();
        let e = Invalid::DateBefore { min };
        assert_eq!(
            invalid_in(&e, "en", us),
            "Please enter a date on or after November 21, 1906."
        );
        assert_eq!(
            invalid_in(&e, "es", us),
            "Por favor, escriba una fecha a partir del 21 de noviembre de 1906."
        );
        assert_eq!(
            invalid(&Invalid::DateAfter { max: min }, "en"),
            "Please enter a date on or before 21 November 1906."
        );
        assert_eq!(
            invalid_in(&Invalid::NotADate, "en", us),
            "Please enter a real date: month, day and year."
        );
        assert_eq!(
            invalid(&Invalid::NotADate, "es"),
            "Por favor, escriba una fecha real: día, mes y año."
        );
        assert!(!invalid(&e, "en").contains("1906-11-21"));
    }
}
