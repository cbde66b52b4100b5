//! Every string the kiosk itself shows: the patient's in English and Spanish, the staff
//! screens' in English. Questionnaire text comes from
//! the questionnaire; these are the buttons, messages and screens around it.

use crate::engine::Invalid;

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
    pub bigger_text: &'static str,
    pub smaller_text: &'static str,
    pub high_contrast: &'static str,
    pub still_here_title: &'static str,
    /// `{n}` is replaced by the seconds left.
    pub still_here_body: &'static str,
    pub more_time: &'static str,
    pub keyboard: &'static str,
    pub shift: &'static str,
    pub shift_on: &'static str,
    pub space: &'static str,
    pub delete: &'static str,
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
    bigger_text: "Bigger text",
    smaller_text: "Smaller text",
    high_contrast: "High contrast",
    still_here_title: "Are you still here?",
    still_here_body: "To protect your privacy, your answers will be cleared in {n} seconds.",
    more_time: "I need more time",
    keyboard: "Keyboard",
    shift: "Capital",
    shift_on: "CAPITAL",
    space: "Space",
    delete: "Delete",
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
    bigger_text: "Letra más grande",
    smaller_text: "Letra más pequeña",
    high_contrast: "Alto contraste",
    still_here_title: "¿Sigue ahí?",
    still_here_body: "Para proteger su privacidad, sus respuestas se borrarán en {n} segundos.",
    more_time: "Necesito más tiempo",
    keyboard: "Teclado",
    shift: "Mayúscula",
    shift_on: "MAYÚSCULA",
    space: "Espacio",
    delete: "Borrar",
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
        let plural = if recipients == 1 { "" } else { "s" };
        format!("Exports are encrypted for {recipients} recipient{plural}")
    }
}

/// The strings for a language; English for any language without a table.
pub fn strings(lang: &str) -> &'static Strings {
    match lang.split('-').next() {
        Some("es") => &ES,
        _ => &EN,
    }
}

/// A validation message in plain words, in the session's language.
pub fn invalid(e: &Invalid, lang: &str) -> String {
    let es = strings(lang).language_name == ES.language_name;
    if !es {
        let mut s = e.to_string();
        if let Some(first) = s.get(..1) {
            let upper = first.to_uppercase();
            s.replace_range(..1, &upper);
        }
        return format!("{s}.");
    }
    match e {
        Invalid::OutOfRange {
            min: Some(lo),
            max: Some(hi),
            unit,
        } => {
            format!("Por favor, escriba un número entre {lo} y {hi}{unit}.")
        }
        Invalid::OutOfRange {
            min: Some(lo),
            unit,
            ..
        } => format!("Por favor, escriba {lo}{unit} o más."),
        Invalid::OutOfRange {
            max: Some(hi),
            unit,
            ..
        } => format!("Por favor, escriba {hi}{unit} o menos."),
        Invalid::OutOfRange { .. } | Invalid::NotANumber => "Por favor, escriba un número.".into(),
        Invalid::TooManyDecimals { decimals: 0 } => "Por favor, escriba un número entero.".into(),
        Invalid::TooManyDecimals { decimals } => {
            format!("Por favor, use como máximo {decimals} decimales.")
        }
        Invalid::DateBefore { min } => format!("Por favor, escriba una fecha a partir del {min}."),
        Invalid::DateAfter { max } => format!("Por favor, escriba una fecha hasta el {max}."),
        Invalid::TooLong { max_len } => format!("Por favor, use como máximo {max_len} caracteres."),
        Invalid::Empty => "Por favor, escriba una respuesta.".into(),
        Invalid::NoneSelected => "Por favor, elija al menos una opción.".into(),
        Invalid::NoneWithOthers => {
            "\"Ninguno de estos\" no se puede elegir junto con otras opciones.".into()
        }
        Invalid::TooFewEntries { min } => format!("Por favor, agregue al menos {min}."),
        Invalid::TooManyEntries { max } => format!("Se pueden agregar como máximo {max}."),
        Invalid::InEntry { entry, error, .. } => {
            format!("Registro {entry}: {}", invalid(error, lang))
        }
        Invalid::NotADate => "Por favor, escriba una fecha real: día, mes y año.".into(),
        Invalid::Required | Invalid::DeclineNotOffered => {
            "Esta pregunta necesita una respuesta.".into()
        }
        _ => "Por favor, revise esta respuesta.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_sentences_in_the_session_language() {
        let e = Invalid::OutOfRange {
            min: Some("30".into()),
            max: Some("300".into()),
            unit: " kg".into(),
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
}
