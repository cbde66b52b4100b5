//! The clinic's locale on the patient's screens: the order of the day, month and year boxes,
//! dates in words ("March 14, 1955", "14 de marzo de 1955") and the measuring units offered
//! first. Only what the patient sees changes: answers are stored as `Date` and `Quantity`
//! whatever the locale, and exports keep their own fixed forms.

use chrono::{Datelike, NaiveDate};

use super::draft::Part;
use super::strings::{ES, strings};
use crate::config::{DateOrder, Units};
use crate::engine::model::Unit;

/// How this kiosk writes dates and which units it offers first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Locale {
    pub date_order: DateOrder,
    pub units: Units,
}

impl Locale {
    /// The boxes of a date, in the order the clinic writes dates.
    pub fn date_parts(self) -> [Part; 3] {
        match self.date_order {
            DateOrder::DayMonthYear => [Part::Day, Part::Month, Part::Year],
            DateOrder::MonthDayYear => [Part::Month, Part::Day, Part::Year],
            DateOrder::YearMonthDay => [Part::Year, Part::Month, Part::Day],
        }
    }

    /// `date` in words in `lang`: "14 de marzo de 1955" in Spanish; in English "March 14, 1955"
    /// where dates are written month first, else "14 March 1955". Never "1955-03-14": an
    /// elderly patient checking a date of birth should not have to decode it.
    pub fn date_words(self, date: NaiveDate, lang: &str) -> String {
        let t = strings(lang);
        let month = t.months[date.month0() as usize];
        let (day, year) = (date.day(), date.year());
        if t.language_name == ES.language_name {
            format!("{day} de {month} de {year}")
        } else if self.date_order == DateOrder::MonthDayYear {
            format!("{month} {day}, {year}")
        } else {
            format!("{day} {month} {year}")
        }
    }

    /// The unit a measure opens on: the first of `units` the clinic's patients know, else the
    /// questionnaire's first.
    pub fn preferred_unit(self, units: &[Unit]) -> Option<&Unit> {
        let known = self.units.ids();
        units
            .iter()
            .find(|u| known.contains(&u.id.as_str()))
            .or(units.first())
    }

    /// `units` as offered: the clinic's own first, each group in the questionnaire's order.
    pub fn offered_units(self, units: &[Unit]) -> Vec<&Unit> {
        let known = self.units.ids();
        let (mut first, rest): (Vec<&Unit>, Vec<&Unit>) =
            units.iter().partition(|u| known.contains(&u.id.as_str()));
        first.extend(rest);
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::Text;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_are_written_in_words_in_the_patients_language_and_the_clinics_order() {
        let us = Locale {
            date_order: DateOrder::MonthDayYear,
            units: Units::Us,
        };
        let d = date(1955, 3, 14);
        assert_eq!(us.date_words(d, "en"), "March 14, 1955");
        assert_eq!(us.date_words(d, "es"), "14 de marzo de 1955");
        assert_eq!(Locale::default().date_words(d, "en"), "14 March 1955");
        assert_eq!(
            Locale::default().date_words(d, "es-MX"),
            "14 de marzo de 1955"
        );
        assert_eq!(us.date_words(date(2001, 1, 1), "en"), "January 1, 2001");
        assert_eq!(
            us.date_words(date(2001, 12, 31), "es"),
            "31 de diciembre de 2001"
        );
        assert_eq!(us.date_parts(), [Part::Month, Part::Day, Part::Year]);
        assert_eq!(
            Locale::default().date_parts(),
            [Part::Day, Part::Month, Part::Year]
        );
    }

    #[test]
    fn a_us_clinic_offers_pounds_and_feet_first() {
        let unit = |id: &str| Unit {
            id: id.into(),
            label: Text(vec![("en".into(), id.into())]),
            min: 0.0,
            max: 1000.0,
            factor: 1.0,
            split: None,
        };
        let weight = [unit("kg"), unit("lb")];
        let height = [unit("cm"), unit("ft_in")];
        let stones = [unit("stone")];
        let us = Locale {
            units: Units::Us,
            ..Locale::default()
        };
        assert_eq!(us.preferred_unit(&weight).unwrap().id, "lb");
        assert_eq!(us.preferred_unit(&height).unwrap().id, "ft_in");
        let offered: Vec<_> = us.offered_units(&weight).iter().map(|u| &u.id).collect();
        assert_eq!(offered, ["lb", "kg"]);
        assert_eq!(Locale::default().preferred_unit(&weight).unwrap().id, "kg");
        let lb_first = [unit("lb"), unit("kg")];
        assert_eq!(
            Locale::default().preferred_unit(&lb_first).unwrap().id,
            "kg"
        );
        assert_eq!(
            us.preferred_unit(&stones).unwrap().id,
            "stone",
            "else the first"
        );
        assert!(us.preferred_unit(&[]).is_none());
    }
}
