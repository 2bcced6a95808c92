//! Describing a record's fields as data, so one set of read/write, conflict,
//! validation, export and form code serves every section and every record.

use automerge::{AutoCommit, ObjId};

use crate::fields::{self, Candidate};
use crate::{ModelError, Money};

/// One allowed value of a choice field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Collaborative text (merges character by character).
    Text,
    /// A short single value (a name, a product): last writer wins, conflicts shown.
    Line,
    /// One of a fixed set of values.
    Choice(&'static [Choice]),
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A moment to the minute, stored in UTC as `YYYY-MM-DDTHH:MMZ` (the app
    /// shows and takes it in the person's local time).
    DateTime,
    /// An amount in minor units with a currency.
    Money,
    /// A whole number from 0 to 100.
    Percent,
}

impl Kind {
    /// True for decision fields, where concurrent values are a conflict to settle.
    pub fn is_scalar(self) -> bool {
        !matches!(self, Kind::Text)
    }
}

/// One field of a record or list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
}

/// A list of items inside a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListSpec {
    pub key: &'static str,
    pub title: &'static str,
    /// What one item is called ("stakeholder").
    pub noun: &'static str,
    pub fields: &'static [Field],
}

impl Field {
    /// Check and normalise what a person typed for this field; the stored
    /// form comes back. Empty input clears the field.
    pub fn normalise(&self, input: &str, default_currency: &str) -> Result<String, ModelError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(String::new());
        }
        let invalid = |reason: String| ModelError::Invalid {
            field: self.label,
            reason,
        };
        match self.kind {
            Kind::Text | Kind::Line => Ok(input.to_owned()),
            Kind::Choice(choices) => choices
                .iter()
                .find(|c| c.value == input || c.label.eq_ignore_ascii_case(input))
                .map(|c| c.value.to_owned())
                .ok_or_else(|| {
                    let allowed: Vec<&str> = choices.iter().map(|c| c.label).collect();
                    invalid(format!("`{input}` is not one of {}", allowed.join(", ")))
                }),
            Kind::Date => parse_date(input)
                .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
                .ok_or_else(|| invalid(format!("`{input}` is not a date (YYYY-MM-DD)"))),
            Kind::DateTime => parse_datetime(input).map(format_datetime).ok_or_else(|| {
                invalid(format!(
                    "`{input}` is not a date and time (YYYY-MM-DDTHH:MM, UTC)"
                ))
            }),
            Kind::Money => Money::parse(input, default_currency)
                .map(|m| format!("{} {}", m.minor, m.currency))
                .map_err(invalid),
            Kind::Percent => match input.trim_end_matches('%').trim().parse::<u8>() {
                Ok(p) if p <= 100 => Ok(p.to_string()),
                _ => Err(invalid(format!(
                    "`{input}` is not a percentage from 0 to 100"
                ))),
            },
        }
    }

    /// The stored value ("" when absent).
    pub fn read(&self, doc: &AutoCommit, obj: &ObjId) -> Result<String, ModelError> {
        fields::read_string(doc, obj, self.key)
    }

    /// Check what a person typed and store it: a splice for text, a new
    /// value for scalars (which settles any conflict). Returns whether the
    /// document changed.
    pub fn write(
        &self,
        doc: &mut AutoCommit,
        obj: &ObjId,
        input: &str,
        default_currency: &str,
    ) -> Result<bool, ModelError> {
        match self.kind {
            // Text is stored exactly as typed (spaces matter while typing).
            Kind::Text => fields::write_text(doc, obj, self.key, input),
            _ => {
                let value = self.normalise(input, default_currency)?;
                fields::write_scalar(doc, obj, self.key, &value)
            }
        }
    }

    /// The values two or more people set at once (empty when there is no
    /// conflict, and always for text, which merges).
    pub fn conflicts(&self, doc: &AutoCommit, obj: &ObjId) -> Result<Vec<Candidate>, ModelError> {
        if !self.kind.is_scalar() {
            return Ok(Vec::new());
        }
        let all = fields::candidates(doc, obj, self.key)?;
        Ok(if all.len() > 1 { all } else { Vec::new() })
    }

    /// How a stored value reads to a person.
    pub fn display(&self, stored: &str) -> String {
        match self.kind {
            Kind::Choice(choices) => choice_label(choices, stored),
            Kind::DateTime => parse_datetime(stored)
                .map(format_utc)
                .unwrap_or_else(|| stored.to_owned()),
            Kind::Money => crate::fields::parse_stored_money(stored)
                .map(|m| m.to_string())
                .unwrap_or_else(|| stored.to_owned()),
            Kind::Percent if !stored.is_empty() => format!("{stored}%"),
            _ => stored.to_owned(),
        }
    }
}

/// A field's description, for schemas written as tables.
pub const fn field(key: &'static str, label: &'static str, kind: Kind) -> Field {
    Field { key, label, kind }
}
pub const fn line(key: &'static str, label: &'static str) -> Field {
    field(key, label, Kind::Line)
}
pub const fn text(key: &'static str, label: &'static str) -> Field {
    field(key, label, Kind::Text)
}
pub const fn date(key: &'static str, label: &'static str) -> Field {
    field(key, label, Kind::Date)
}
pub const fn choice(key: &'static str, label: &'static str, c: &'static [Choice]) -> Field {
    field(key, label, Kind::Choice(c))
}
pub const fn money(key: &'static str, label: &'static str) -> Field {
    field(key, label, Kind::Money)
}
pub const fn c(value: &'static str, label: &'static str) -> Choice {
    Choice { value, label }
}

/// The label of `value` among `choices` (the value itself when unknown).
pub fn choice_label(choices: &[Choice], value: &str) -> String {
    choices
        .iter()
        .find(|c| c.value == value)
        .map_or_else(|| value.to_owned(), |c| c.label.to_owned())
}

const MS_PER_DAY: i64 = 86_400_000;

/// `YYYY-MM-DDTHH:MM` (optionally `:SS`, fractions and a trailing `Z`), read
/// as UTC → milliseconds since the Unix epoch.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('Z');
    let (day, time) = s.split_once(['T', ' '])?;
    let days = date_to_days(day)?;
    let mut parts = time.splitn(3, ':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let secs: f64 = match parts.next() {
        Some(sec) => sec.parse().ok()?,
        None => 0.0,
    };
    let valid = (0..24).contains(&h) && (0..60).contains(&m) && (0.0..60.0).contains(&secs);
    valid.then(|| days * MS_PER_DAY + (h * 60 + m) * 60_000 + (secs * 1000.0) as i64)
}

/// Milliseconds since the epoch → `YYYY-MM-DDTHH:MMZ` (UTC, to the minute).
pub fn format_datetime(ms: i64) -> String {
    let (y, mo, d) = days_to_date(ms.div_euclid(MS_PER_DAY));
    let minutes = ms.rem_euclid(MS_PER_DAY) / 60_000;
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}Z",
        minutes / 60,
        minutes % 60
    )
}

/// Milliseconds since the epoch → "2026-11-22 14:05 UTC", for people and exports.
pub fn format_utc(ms: i64) -> String {
    format_datetime(ms).replace('T', " ").replace('Z', " UTC")
}

/// Days since 1970-01-01 → (year, month, day).
pub fn days_to_date(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD` → (year, month, day), checking the day exists.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=9999).contains(&y).then_some(())?;
    (1..=days).contains(&d).then_some((y, m, d))
}

/// Days since 1970-01-01 for a `YYYY-MM-DD` date (for "overdue" and
/// "days to close" computed on the device).
pub fn date_to_days(s: &str) -> Option<i64> {
    let (y, m, d) = parse_date(s)?;
    // Howard Hinnant's days_from_civil.
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: Field = Field {
        key: "status",
        label: "Status",
        kind: Kind::Choice(&[
            Choice {
                value: "todo",
                label: "To do",
            },
            Choice {
                value: "done",
                label: "Done",
            },
        ]),
    };

    #[test]
    fn input_is_checked_and_normalised_with_clear_errors() {
        assert_eq!(STATUS.normalise("done", "USD").expect("ok"), "done");
        assert_eq!(STATUS.normalise("to do", "USD").expect("label"), "todo");
        assert_eq!(
            STATUS
                .normalise("maybe", "USD")
                .expect_err("bad")
                .to_string(),
            "Status: `maybe` is not one of To do, Done"
        );
        let due = Field {
            key: "due",
            label: "Due",
            kind: Kind::Date,
        };
        assert_eq!(
            due.normalise("2026-2-3", "USD").expect("date"),
            "2026-02-03"
        );
        assert!(due.normalise("2026-02-30", "USD").is_err());
        let pct = Field {
            key: "p",
            label: "Done",
            kind: Kind::Percent,
        };
        assert_eq!(pct.normalise("40%", "USD").expect("pct"), "40");
        assert!(pct.normalise("140", "USD").is_err());
        let amount = Field {
            key: "a",
            label: "Amount",
            kind: Kind::Money,
        };
        assert_eq!(
            amount.normalise("1,000 eur", "USD").expect("money"),
            "100000 EUR"
        );
        assert_eq!(amount.display("100000 EUR"), "1,000.00 EUR");
        assert_eq!(STATUS.normalise("  ", "USD").expect("clear"), "");
    }

    #[test]
    fn dates_count_days() {
        assert_eq!(date_to_days("1970-01-01"), Some(0));
        assert_eq!(date_to_days("2000-03-01"), Some(11_017));
        assert_eq!(
            date_to_days("2024-02-29").map(|d| d - date_to_days("2024-02-28").unwrap_or(0)),
            Some(1)
        );
        assert_eq!(date_to_days("2023-02-29"), None);
        for days in [-1, 0, 59, 11_017, 19_782, 20_000, 2_932_896] {
            let (y, m, d) = days_to_date(days);
            assert_eq!(date_to_days(&format!("{y:04}-{m:02}-{d:02}")), Some(days));
        }
    }

    #[test]
    fn moments_are_stored_in_utc_to_the_minute() {
        let ms = parse_datetime("2026-11-22T14:05").expect("parse");
        assert_eq!(format_datetime(ms), "2026-11-22T14:05Z");
        assert_eq!(
            parse_datetime("2026-11-22T14:05:30.250Z"),
            Some(ms + 30_250)
        );
        assert_eq!(parse_datetime("1970-01-01T00:01Z"), Some(60_000));
        for bad in ["2026-11-22", "2026-11-22T24:00", "2026-13-01T10:00", "noon"] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        let due = field("due", "Next update due", Kind::DateTime);
        assert_eq!(
            due.normalise("2026-11-22T09:30:00.000Z", "USD")
                .expect("ok"),
            "2026-11-22T09:30Z"
        );
        assert!(due.normalise("tomorrow", "USD").is_err());
    }
}
