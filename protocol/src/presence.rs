//! Presence: what one open page says about the person at it on one
//! document — who they are (name, colour), where they are (the section in
//! view, the field they are in, their caret there) and whether they are
//! presenting. It travels as the `data` of an `ephemeral` message (whose
//! `documentId` names the document) and is never stored.
//!
//! The data is one CBOR map, so the JavaScript automerge-repo reads it as a
//! plain object: `{name, color, presenting, section?, field?, caret?: [start,
//! end]}`, or `{left: true}` when the page leaves the document. Caret
//! positions are UTF-16 code units, as the browser's text boxes count them.
//! Decoding never panics; anything malformed is an error the receiver drops.

use minicbor::Decoder;
use minicbor::data::Type;

use crate::DecodeError;
use crate::message::{Writer, for_each_entry, number, optional, text, wrong};

/// The longest name, section or field id accepted (in bytes).
pub const MAX_TEXT: usize = 200;

/// Where one person is on a document, and as whom.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PresenceState {
    /// Their display name ("" when they have not set one).
    pub name: String,
    /// Their colour, `#rrggbb`.
    pub color: String,
    /// The id of the section in view.
    pub section: Option<String>,
    /// The id of the field they are in.
    pub field: Option<String>,
    /// Their selection in that field (start, end; equal for a caret).
    pub caret: Option<(u32, u32)>,
    /// They are presenting: others may follow their view.
    pub presenting: bool,
}

/// One presence message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    Here(PresenceState),
    /// The page left the document (closed, or went elsewhere).
    Left,
}

impl Presence {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        match self {
            Presence::Left => {
                w.map(1);
                w.bool("left", true);
            }
            Presence::Here(s) => {
                let optional = [s.section.is_some(), s.field.is_some(), s.caret.is_some()];
                w.map(3 + optional.iter().filter(|o| **o).count() as u64);
                w.str("name", &s.name);
                w.str("color", &s.color);
                w.bool("presenting", s.presenting);
                if let Some(section) = &s.section {
                    w.str("section", section);
                }
                if let Some(field) = &s.field {
                    w.str("field", field);
                }
                if let Some((start, end)) = s.caret {
                    w.pair("caret", start.into(), end.into());
                }
            }
        }
        w.finish()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut d = Decoder::new(bytes);
        let mut s = PresenceState::default();
        let mut left = false;
        for_each_entry(&mut d, |d, key| {
            match key {
                "left" => left = flag(d, key)?,
                "presenting" => s.presenting = flag(d, key)?,
                "name" => s.name = bounded(d, key)?,
                "color" => s.color = color(d)?,
                "section" => s.section = optional(d, |d| bounded(d, "section"))?,
                "field" => s.field = optional(d, |d| bounded(d, "field"))?,
                "caret" => s.caret = optional(d, caret)?,
                _ => d.skip()?,
            }
            Ok(())
        })?;
        if d.position() != bytes.len() {
            return Err(DecodeError::Trailing(bytes.len() - d.position()));
        }
        Ok(if left {
            Presence::Left
        } else {
            Presence::Here(s)
        })
    }
}

fn flag(d: &mut Decoder<'_>, field: &str) -> Result<bool, DecodeError> {
    match d.datatype()? {
        Type::Bool => Ok(d.bool()?),
        other => Err(wrong(field, other)),
    }
}

fn invalid(field: &str, found: String) -> DecodeError {
    DecodeError::WrongType {
        field: field.to_owned(),
        found,
    }
}

/// Text of at most [`MAX_TEXT`] bytes.
fn bounded(d: &mut Decoder<'_>, field: &str) -> Result<String, DecodeError> {
    let s = text(d, field)?;
    if s.len() > MAX_TEXT {
        return Err(invalid(field, format!("{} bytes of text", s.len())));
    }
    Ok(s)
}

/// `#rrggbb` and nothing else: it ends up in a style.
fn color(d: &mut Decoder<'_>) -> Result<String, DecodeError> {
    let s = bounded(d, "color")?;
    let hex = s.strip_prefix('#').unwrap_or_default();
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s)
    } else {
        Err(invalid("color", format!("`{s}`, not #rrggbb")))
    }
}

/// `[start, end]`, put in order.
fn caret(d: &mut Decoder<'_>) -> Result<(u32, u32), DecodeError> {
    let found = d.datatype()?;
    if d.array()? != Some(2) {
        return Err(wrong("caret", found));
    }
    let mut position = || {
        let n = number(d, "caret")?;
        u32::try_from(n).map_err(|_| invalid("caret", format!("{n}")))
    };
    let (a, b) = (position()?, position()?);
    Ok((a.min(b), a.max(b)))
}

#[cfg(test)]
mod tests;
