//! From bytes on disk to source text the parser can read.
//!
//! The parser takes `&str`; everything before that is ours: the byte-order mark, the PEP 263
//! coding cookie, NUL bytes and invalid UTF-8 each get a clear diagnostic instead of a panic
//! or a silent pass.

use std::borrow::Cow;

use ruff_text_size::{TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::rule::Rule;

/// Larger sources are refused: offsets are 32-bit, and nobody writes a plugin this size.
pub const MAX_SOURCE_BYTES: usize = 256 * 1024 * 1024;

pub(crate) const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Decodes a Python source file as CPython would, or explains why it cannot be read.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Diagnostic> {
    let at_start = TextRange::empty(TextSize::new(0));
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(Diagnostic::new(
            Rule::UnreadableSource,
            format!(
                "source is {} bytes, more than the verifier's limit of {MAX_SOURCE_BYTES}",
                bytes.len()
            ),
            at_start,
        ));
    }
    let (has_bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let cookie = coding_cookie(body);
    let encoding = match &cookie {
        None => Encoding::Utf8,
        Some(name) => Encoding::from_cookie(name).ok_or_else(|| {
            Diagnostic::new(
                Rule::UnreadableSource,
                format!(
                    "unsupported source encoding `{name}` in the coding cookie: the verifier reads UTF-8, Latin-1 and ASCII"
                ),
                at_start,
            )
        })?,
    };
    // CPython accepts a byte-order mark only with a cookie spelled `utf-8` (or `utf-8-...`),
    // case and underscores aside: `utf8` with a mark is its "encoding problem: utf8 with BOM".
    let cookie_spells_utf8 = |name: &str| {
        let normalized = name.to_ascii_lowercase().replace('_', "-");
        normalized == "utf-8" || normalized.starts_with("utf-8-")
    };
    if has_bom
        && cookie
            .as_deref()
            .is_some_and(|name| !cookie_spells_utf8(name))
    {
        return Err(Diagnostic::new(
            Rule::UnreadableSource,
            format!(
                "the file starts with a UTF-8 byte-order mark but its coding cookie is `{}`, which CPython refuses with a mark (write `utf-8`)",
                cookie.as_deref().unwrap_or_default()
            ),
            at_start,
        ));
    }
    let text: Cow<'_, str> = match encoding {
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(text) => Cow::Borrowed(text),
            Err(error) => {
                let valid = std::str::from_utf8(&body[..error.valid_up_to()]).unwrap_or_default();
                return Err(Diagnostic::new(
                    Rule::UnreadableSource,
                    format!(
                        "source is not valid UTF-8 (byte 0x{:02x}) and has no coding cookie naming another encoding",
                        body[error.valid_up_to()]
                    ),
                    TextRange::empty(valid.len().try_into().unwrap_or_default()),
                ));
            }
        },
        Encoding::Ascii => {
            if let Some(position) = body.iter().position(|byte| !byte.is_ascii()) {
                return Err(Diagnostic::new(
                    Rule::UnreadableSource,
                    format!(
                        "byte 0x{:02x} is not ASCII, the encoding the coding cookie names",
                        body[position]
                    ),
                    TextRange::empty(position.try_into().unwrap_or_default()),
                ));
            }
            Cow::Owned(String::from_utf8_lossy(body).into_owned())
        }
        Encoding::Latin1 => Cow::Owned(body.iter().map(|&byte| char::from(byte)).collect()),
    };
    if let Some(position) = text.find('\0') {
        return Err(Diagnostic::new(
            Rule::UnreadableSource,
            "source contains a NUL byte, which Python refuses",
            TextRange::empty(position.try_into().unwrap_or_default()),
        ));
    }
    Ok(text)
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Latin1,
    Ascii,
}

impl Encoding {
    /// Python's names and aliases for the encodings the verifier decodes.
    fn from_cookie(name: &str) -> Option<Encoding> {
        let normalized = name.to_ascii_lowercase().replace('_', "-");
        match normalized.as_str() {
            "utf-8" | "utf8" | "utf-8-sig" => Some(Encoding::Utf8),
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => Some(Encoding::Latin1),
            "ascii" | "us-ascii" => Some(Encoding::Ascii),
            _ => None,
        }
    }
}

/// The encoding named by a PEP 263 cookie on one of the first two lines, if any.
fn coding_cookie(bytes: &[u8]) -> Option<String> {
    for (index, line) in bytes.split(|&byte| byte == b'\n').take(2).enumerate() {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start_matches([' ', '\t', '\x0c']);
        if let Some(comment) = trimmed.strip_prefix('#') {
            if let Some(name) = cookie_in_comment(comment) {
                return Some(name);
            }
        } else if index == 0 && !trimmed.trim().is_empty() {
            // Only a comment or blank first line lets the second line carry the cookie.
            return None;
        }
    }
    None
}

/// Matches `coding[:=]\s*([-\w.]+)` as PEP 263 does.
fn cookie_in_comment(comment: &str) -> Option<String> {
    let mut rest = comment;
    while let Some(at) = rest.find("coding") {
        let after = &rest[at + "coding".len()..];
        if let Some(value) = after.strip_prefix([':', '=']) {
            let name: String = value
                .trim_start_matches([' ', '\t'])
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                return Some(name);
            }
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::decode;

    fn error(bytes: &[u8]) -> String {
        decode(bytes).unwrap_err().message
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"x = 1\n").unwrap(), "x = 1\n");
        assert_eq!(decode(b"\xef\xbb\xbfx = 1\n").unwrap(), "x = 1\n");
        assert_eq!(decode(b"").unwrap(), "");
    }

    #[test]
    fn latin1_cookie_decodes() {
        let text = decode(b"# -*- coding: latin-1 -*-\ns = '\xe9'\n").unwrap();
        assert!(text.contains('\u{e9}'));
    }

    #[test]
    fn cookie_on_second_line_only_after_a_comment() {
        assert!(decode(b"#!/usr/bin/env python\n# coding=latin-1\ns = '\xe9'\n").is_ok());
        assert!(decode(b"x = 1\n# coding=latin-1\ns = '\xe9'\n").is_err());
    }

    #[test]
    fn refuses_bad_input() {
        assert!(error(b"x = '\xff'\n").contains("not valid UTF-8"));
        assert!(error(b"x = 1\0\n").contains("NUL"));
        assert!(error(b"# coding: klingon\n").contains("unsupported source encoding `klingon`"));
        assert!(error(b"# coding: ascii\nx = '\xc3\xa9'\n").contains("not ASCII"));
        assert!(error(b"\xef\xbb\xbf# coding: latin-1\n").contains("byte-order mark"));
        assert!(error(b"\xef\xbb\xbf# coding: utf8\n").contains("write `utf-8`"));
        assert!(decode(b"\xef\xbb\xbf# coding: UTF_8\n").is_ok());
        assert!(decode(b"\xef\xbb\xbf# coding: utf-8-sig\n").is_ok());
    }
}
