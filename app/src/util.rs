//! Small browser facts: the time, random bytes, where the relay is, and
//! saving a file.

use wasm_bindgen::JsCast;

/// Milliseconds since the Unix epoch (the browser's clock).
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// 16 bytes from the browser's cryptographic random source.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok())
        .unwrap_or(false);
    if !filled {
        // No Web Crypto (very old browser): fall back to Math.random, still
        // unique enough for ids, never for secrets.
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// A fresh automerge actor id for this device's edits to one document.
pub fn random_actor() -> automerge::ActorId {
    automerge::ActorId::from(random_bytes().to_vec())
}

/// The page's origin, e.g. `http://127.0.0.1:8080`.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The relay's WebSocket endpoint: `/sync` on the server that served the
/// app, with the access token as the `token` query parameter.
pub fn relay_url(token: Option<&str>) -> String {
    let origin = origin();
    let ws = if let Some(rest) = origin.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = origin.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        origin
    };
    match token {
        Some(token) => format!("{ws}/sync?token={token}"),
        None => format!("{ws}/sync"),
    }
}

/// "3 min ago", "yesterday"… for a past time.
pub fn relative_time(then_ms: i64, now_ms: i64) -> String {
    let secs = (now_ms - then_ms).max(0) / 1000;
    match secs {
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", secs / 60),
        3600..=86_399 => format!("{} h ago", secs / 3600),
        86_400..=172_799 => "yesterday".into(),
        _ => format!("{} days ago", secs / 86_400),
    }
}

/// A moment as the value of an `<input type="datetime-local">`: the
/// person's local time, `YYYY-MM-DDTHH:MM`.
pub fn local_input_value(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// What a `datetime-local` input holds (local time) → milliseconds since
/// the epoch; `None` for anything else.
pub fn parse_local_input(value: &str) -> Option<i64> {
    // Checked by the model's parser first, so the browser never guesses.
    model::spec::parse_datetime(value)?;
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    ms.is_finite().then_some(ms as i64)
}

/// The day `ms` falls on in the person's time zone, as days since
/// 1970-01-01 (the day calendar dates are counted against).
pub fn local_day(ms: i64) -> i64 {
    let offset_min =
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64)).get_timezone_offset();
    (ms - (offset_min * 60_000.0) as i64).div_euclid(86_400_000)
}

/// A moment in the person's local time, e.g. "Sun 22 Nov, 14:05".
pub fn local_time_label(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {}, {:02}:{:02}",
        DAYS[d.get_day() as usize % 7],
        d.get_date(),
        MONTHS[d.get_month() as usize % 12],
        d.get_hours(),
        d.get_minutes()
    )
}

/// A span of time in words: "45 min", "3 h", "2 days".
pub fn duration_words(ms: i64) -> String {
    let mins = ms.max(0) / 60_000;
    match mins {
        0..=59 => format!("{mins} min"),
        60..=2_879 => format!("{} h", mins / 60),
        _ => format!("{} days", mins / 1_440),
    }
}

/// Save `text` as a file named `name` through the browser's download.
pub fn download(name: &str, text: &str) -> Result<(), String> {
    let fail = |_| "the browser refused the download".to_owned();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/markdown;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "no anchor".to_owned())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The UTF-16 offset the browser uses (a caret, a selection) as a byte
/// offset into `text`; its length when past the end.
pub fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 as usize {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Whether the person confirms `question` (no when the browser cannot ask).
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// A Markdown file name from a record's title: "Contoso FY27.md" (or
/// `fallback.md` for an untitled one).
pub fn file_name(title: &str, fallback: &str) -> String {
    let clean: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim();
    format!("{}.md", if clean.is_empty() { fallback } else { clean })
}

/// `text` safe to put in markup, as element content or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Append `text` to `out`, escaped as [`escape_html`] does.
pub fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A document key as words: `nextUpdateDue` → "next update due".
pub fn humanize_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else if c == '_' || c == '-' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}
