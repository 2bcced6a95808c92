//! Money as integer minor units with a currency (never floats).

use std::fmt;

/// An amount like 1,250,000.00 USD, held as 125000000 minor units.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Money {
    pub minor: i64,
    /// ISO 4217 code, upper case ("USD", "EUR").
    pub currency: String,
}

impl Money {
    pub fn new(minor: i64, currency: &str) -> Self {
        Money {
            minor,
            currency: currency.to_ascii_uppercase(),
        }
    }

    /// Parse what a person types: "1,250,000.50 usd", "EUR 300", "42.5".
    /// `default_currency` applies when none is written. Amounts have at most
    /// two decimals.
    pub fn parse(input: &str, default_currency: &str) -> Result<Self, String> {
        let mut currency = default_currency.to_ascii_uppercase();
        let mut number = String::new();
        for word in input.split_whitespace() {
            if word.chars().all(|c| c.is_ascii_alphabetic()) && word.len() == 3 {
                currency = word.to_ascii_uppercase();
            } else {
                number.push_str(word);
            }
        }
        let cleaned: String = number.chars().filter(|c| *c != ',' && *c != '_').collect();
        if cleaned.is_empty() {
            return Err(format!("`{}` has no amount", input.trim()));
        }
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let bad = || format!("`{}` is not an amount", input.trim());
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        if frac.len() > 2 {
            return Err(format!("`{}` has more than two decimals", input.trim()));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        let minor = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(|| format!("`{}` is too large", input.trim()))?;
        Ok(Money {
            minor: if negative { -minor } else { minor },
            currency,
        })
    }
}

impl fmt::Display for Money {
    /// "1,250,000.50 USD"
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.minor.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        write!(f, "{sign}{grouped}.{:02} {}", abs % 100, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn people_write_amounts_many_ways() {
        assert_eq!(
            Money::parse("1,250,000.5 usd", "EUR"),
            Ok(Money::new(125_000_050, "USD"))
        );
        assert_eq!(
            Money::parse("EUR 300", "USD"),
            Ok(Money::new(30_000, "EUR"))
        );
        assert_eq!(Money::parse("42", "usd"), Ok(Money::new(4_200, "USD")));
        assert_eq!(Money::parse(".75", "USD"), Ok(Money::new(75, "USD")));
    }

    #[test]
    fn bad_amounts_are_named() {
        assert_eq!(
            Money::parse("12.345", "USD"),
            Err("`12.345` has more than two decimals".into())
        );
        assert_eq!(
            Money::parse("lots", "USD"),
            Err("`lots` is not an amount".into())
        );
        assert_eq!(
            Money::parse("USD", "USD"),
            Err("`USD` has no amount".into())
        );
    }

    #[test]
    fn display_groups_thousands() {
        assert_eq!(
            Money::new(125_000_050, "usd").to_string(),
            "1,250,000.50 USD"
        );
        assert_eq!(Money::new(-5, "EUR").to_string(), "-0.05 EUR");
    }

    proptest! {
        #[test]
        fn display_parses_back(minor in -1_000_000_000_000i64..1_000_000_000_000) {
            let m = Money::new(minor, "USD");
            prop_assert_eq!(Money::parse(&m.to_string(), "EUR"), Ok(m));
        }
    }
}
