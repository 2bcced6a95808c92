//! How a person looks to the others: the colours they pick from (each
//! readable with white initials on it, and visible as an outline on white),
//! and the initials on their avatar.

/// (name, `#rrggbb`): contrast with white is 5.3:1 or more for each.
pub const PALETTE: [(&str, &str); 8] = [
    ("Blue", "#2557d6"),
    ("Red", "#c0362c"),
    ("Green", "#1d7a46"),
    ("Amber", "#a05a00"),
    ("Purple", "#7a3fc1"),
    ("Teal", "#0e7490"),
    ("Pink", "#be185d"),
    ("Slate", "#4b5563"),
];

/// The colour a person picked, or — until they pick one — a palette colour
/// chosen by `seed` (their name), so it stays the same from one visit to
/// the next.
pub fn color_or_default(picked: &str, seed: &str) -> &'static str {
    if let Some((_, hex)) = PALETTE.iter().find(|(_, hex)| *hex == picked) {
        return hex;
    }
    PALETTE[name_hash(seed) as usize % PALETTE.len()].1
}

/// A number from a name, the same on every device (whatever its case).
pub fn name_hash(name: &str) -> u32 {
    name.to_lowercase()
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
}

/// What to call someone who has not set a name.
pub fn display_name(name: &str) -> &str {
    if name.trim().is_empty() {
        "Someone"
    } else {
        name
    }
}

/// Up to two initials: "Ana Lima" → "AL", "ben" → "B", "" → "?".
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    // The browser's own case mapping: Rust's would bring its Unicode
    // upper-case table into the app for two letters.
    let letters = String::from(js_sys::JsString::from(letters).to_upper_case());
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Ana Lima"), "AL");
        assert_eq!(initials("  ben  "), "B");
        assert_eq!(initials("Émile de la Tour"), "ÉD");
        assert_eq!(initials("élodie über"), "ÉÜ");
        assert_eq!(initials(""), "?");
    }

    #[wasm_bindgen_test]
    fn a_picked_colour_is_kept_and_a_default_is_stable() {
        assert_eq!(color_or_default("#0e7490", "Ana"), "#0e7490");
        let default = color_or_default("", "Ana");
        assert!(PALETTE.iter().any(|(_, hex)| *hex == default));
        assert_eq!(color_or_default("not a colour", "Ana"), default);
    }
}
