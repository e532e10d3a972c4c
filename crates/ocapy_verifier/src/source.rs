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
                    "unsupported source encoding `{name}` in the coding cookie: the verifier reads UTF-8, ASCII and the single-byte encodings whose tables it can prove equal to CPython's (Latin-1, ISO 8859, the Windows code pages, KOI8-R, CP866, Mac Roman and Cyrillic); re-encode the file as UTF-8"
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
        Encoding::SingleByte {
            codec,
            table,
            undefined,
        } => Cow::Owned(decode_single_byte(codec, table, undefined, body)?),
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
    /// A single-byte codec of Python's whose table is a WHATWG encoding's, byte for byte,
    /// except `undefined`: bytes Python refuses where WHATWG fills a gap of the code page
    /// (`tests/python/test_source_encodings.py` checks every byte of every codec here
    /// against the running interpreter).
    SingleByte {
        codec: &'static str,
        table: &'static encoding_rs::Encoding,
        undefined: &'static [u8],
    },
}

/// Python's codecs the verifier decodes besides UTF-8, Latin-1 and ASCII, by the name of
/// their module in `encodings`, with the aliases Python's `encodings.aliases` gives them.
/// Left out: codecs whose WHATWG namesake decodes differently (`koi8_u`, `iso8859_9`,
/// `iso8859_11`, the multi-byte Asian codecs), which a verifier must not guess at: text it
/// decodes differently from the interpreter is not the program that runs.
/// Each entry: the codec, its aliases, its WHATWG table, and the bytes Python leaves
/// undefined that the table defines.
const SINGLE_BYTE_CODECS: &[(&str, &[&str], &encoding_rs::Encoding, &[u8])] = {
    use encoding_rs::*;
    &[
        (
            "iso8859_2",
            &[
                "csisolatin2",
                "iso_8859_2",
                "iso_8859_2_1987",
                "iso_ir_101",
                "l2",
                "latin2",
            ],
            ISO_8859_2,
            &[],
        ),
        (
            "iso8859_3",
            &[
                "csisolatin3",
                "iso_8859_3",
                "iso_8859_3_1988",
                "iso_ir_109",
                "l3",
                "latin3",
            ],
            ISO_8859_3,
            &[],
        ),
        (
            "iso8859_4",
            &[
                "csisolatin4",
                "iso_8859_4",
                "iso_8859_4_1988",
                "iso_ir_110",
                "l4",
                "latin4",
            ],
            ISO_8859_4,
            &[],
        ),
        (
            "iso8859_5",
            &[
                "csisolatincyrillic",
                "cyrillic",
                "iso_8859_5",
                "iso_8859_5_1988",
                "iso_ir_144",
            ],
            ISO_8859_5,
            &[],
        ),
        (
            "iso8859_6",
            &[
                "arabic",
                "asmo_708",
                "csisolatinarabic",
                "ecma_114",
                "iso_8859_6",
                "iso_8859_6_1987",
                "iso_ir_127",
            ],
            ISO_8859_6,
            &[],
        ),
        (
            "iso8859_7",
            &[
                "csisolatingreek",
                "ecma_118",
                "elot_928",
                "greek",
                "greek8",
                "iso_8859_7",
                "iso_8859_7_1987",
                "iso_ir_126",
            ],
            ISO_8859_7,
            &[],
        ),
        (
            "iso8859_8",
            &[
                "csisolatinhebrew",
                "hebrew",
                "iso_8859_8",
                "iso_8859_8_1988",
                "iso_ir_138",
            ],
            ISO_8859_8,
            &[],
        ),
        (
            "iso8859_10",
            &[
                "csisolatin6",
                "iso_8859_10",
                "iso_8859_10_1992",
                "iso_ir_157",
                "l6",
                "latin6",
            ],
            ISO_8859_10,
            &[],
        ),
        (
            "iso8859_13",
            &["iso_8859_13", "l7", "latin7"],
            ISO_8859_13,
            &[],
        ),
        (
            "iso8859_14",
            &[
                "iso_8859_14",
                "iso_8859_14_1998",
                "iso_celtic",
                "iso_ir_199",
                "l8",
                "latin8",
            ],
            ISO_8859_14,
            &[],
        ),
        (
            "iso8859_15",
            &["iso_8859_15", "l9", "latin9"],
            ISO_8859_15,
            &[],
        ),
        (
            "iso8859_16",
            &[
                "iso_8859_16",
                "iso_8859_16_2001",
                "iso_ir_226",
                "l10",
                "latin10",
            ],
            ISO_8859_16,
            &[],
        ),
        (
            "cp874",
            &[],
            WINDOWS_874,
            &[
                0x81, 0x82, 0x83, 0x84, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
                0x90, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
            ],
        ),
        (
            "cp1250",
            &["1250", "windows_1250"],
            WINDOWS_1250,
            &[0x81, 0x83, 0x88, 0x90, 0x98],
        ),
        ("cp1251", &["1251", "windows_1251"], WINDOWS_1251, &[0x98]),
        (
            "cp1252",
            &["1252", "windows_1252"],
            WINDOWS_1252,
            &[0x81, 0x8d, 0x8f, 0x90, 0x9d],
        ),
        (
            "cp1253",
            &["1253", "windows_1253"],
            WINDOWS_1253,
            &[
                0x81, 0x88, 0x8a, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x98, 0x9a, 0x9c, 0x9d, 0x9e, 0x9f,
            ],
        ),
        (
            "cp1254",
            &["1254", "windows_1254"],
            WINDOWS_1254,
            &[0x81, 0x8d, 0x8e, 0x8f, 0x90, 0x9d, 0x9e],
        ),
        (
            "cp1255",
            &["1255", "windows_1255"],
            WINDOWS_1255,
            &[
                0x81, 0x8a, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x9a, 0x9c, 0x9d, 0x9e, 0x9f, 0xca,
            ],
        ),
        ("cp1256", &["1256", "windows_1256"], WINDOWS_1256, &[]),
        (
            "cp1257",
            &["1257", "windows_1257"],
            WINDOWS_1257,
            &[0x81, 0x83, 0x88, 0x8a, 0x8c, 0x90, 0x98, 0x9a, 0x9c, 0x9f],
        ),
        (
            "cp1258",
            &["1258", "windows_1258"],
            WINDOWS_1258,
            &[0x81, 0x8a, 0x8d, 0x8e, 0x8f, 0x90, 0x9a, 0x9d, 0x9e],
        ),
        ("cp866", &["866", "csibm866", "ibm866"], IBM866, &[]),
        ("koi8_r", &["cskoi8r"], KOI8_R, &[]),
        ("mac_roman", &["macintosh", "macroman"], MACINTOSH, &[]),
        ("mac_cyrillic", &["maccyrillic"], X_MAC_CYRILLIC, &[]),
    ]
};

const UTF8_NAMES: &[&str] = &[
    "utf_8",
    "cp65001",
    "u8",
    "utf",
    "utf8",
    "utf8_ucs2",
    "utf8_ucs4",
];
const LATIN1_NAMES: &[&str] = &[
    "latin_1",
    "8859",
    "cp819",
    "csisolatin1",
    "ibm819",
    "iso8859",
    "iso8859_1",
    "iso_8859_1",
    "iso_8859_1_1987",
    "iso_ir_100",
    "l1",
    "latin",
    "latin1",
];
const ASCII_NAMES: &[&str] = &[
    "ascii",
    "646",
    "ansi_x3.4_1968",
    "ansi_x3.4_1986",
    "ansi_x3_4_1968",
    "cp367",
    "csascii",
    "ibm367",
    "iso646_us",
    "iso_646.irv_1991",
    "iso_ir_6",
    "us",
    "us_ascii",
];

impl Encoding {
    /// The codec a coding cookie names, resolved as CPython resolves it: the tokenizer's
    /// own spellings of UTF-8 and Latin-1, then `codecs.lookup`'s normalisation (case, and
    /// runs of punctuation but `.` as one `_`) and Python's alias table.
    fn from_cookie(name: &str) -> Option<Encoding> {
        let tokenizer = name
            .chars()
            .take(12)
            .collect::<String>()
            .to_ascii_lowercase()
            .replace('_', "-");
        let starts =
            |prefix: &str| tokenizer == prefix || tokenizer.starts_with(&format!("{prefix}-"));
        if starts("utf-8") {
            return Some(Encoding::Utf8);
        }
        if starts("latin-1") || starts("iso-8859-1") || starts("iso-latin-1") {
            return Some(Encoding::Latin1);
        }
        let normalized = normalize_codec_name(name);
        let dotless = normalized.replace('.', "_");
        let named = |names: &[&str]| {
            names.contains(&normalized.as_str()) || names.contains(&dotless.as_str())
        };
        if named(UTF8_NAMES) {
            return Some(Encoding::Utf8);
        }
        if named(LATIN1_NAMES) {
            return Some(Encoding::Latin1);
        }
        if named(ASCII_NAMES) {
            return Some(Encoding::Ascii);
        }
        SINGLE_BYTE_CODECS
            .iter()
            .find(|(codec, aliases, _, _)| named(&[codec]) || named(aliases))
            .map(|&(codec, _, table, undefined)| Encoding::SingleByte {
                codec,
                table,
                undefined,
            })
    }
}

/// `encodings.normalize_encoding` after `codecs.lookup`'s lower-casing: alphanumerics and
/// `.` kept, each run of anything else one `_` between them, non-ASCII letters dropped.
fn normalize_codec_name(name: &str) -> String {
    let mut normalized = String::with_capacity(name.len());
    let mut punctuation = false;
    for c in name.chars() {
        if c.is_alphanumeric() || c == '.' {
            if punctuation && !normalized.is_empty() {
                normalized.push('_');
            }
            if c.is_ascii() {
                normalized.push(c.to_ascii_lowercase());
            }
            punctuation = false;
        } else {
            punctuation = true;
        }
    }
    normalized
}

/// Decodes `body` with a single-byte table, refusing the bytes Python leaves undefined.
fn decode_single_byte(
    codec: &str,
    table: &'static encoding_rs::Encoding,
    undefined: &[u8],
    body: &[u8],
) -> Result<String, Diagnostic> {
    let (text, had_errors) = table.decode_without_bom_handling(body);
    let refused = body
        .iter()
        .position(|byte| undefined.contains(byte))
        .or_else(|| {
            // One character per byte, up to the first replacement.
            had_errors.then(|| text.chars().position(|c| c == '\u{fffd}').unwrap_or(0))
        });
    match refused {
        Some(position) => Err(Diagnostic::new(
            Rule::UnreadableSource,
            format!(
                "byte 0x{:02x} is undefined in {codec}, the encoding the coding cookie names",
                body[position]
            ),
            TextRange::empty(position.try_into().unwrap_or_default()),
        )),
        None => Ok(text.into_owned()),
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
    fn single_byte_cookies_decode_as_python_does() {
        let text = decode(b"# coding: cp1252\ns = '\x80'\n").unwrap();
        assert!(text.contains('\u{20ac}'));
        let text = decode(b"# vim: set fileencoding=WINDOWS-1251 :\ns = '\xc0'\n").unwrap();
        assert!(text.contains('\u{410}'));
        assert!(
            decode(b"# coding: koi8-r\ns = '\xc1'\n")
                .unwrap()
                .contains('\u{430}')
        );
        assert!(error(b"# coding: cp1252\ns = '\x81'\n").contains("0x81 is undefined in cp1252"));
        assert!(error(b"# coding: cp1255\ns = '\xca'\n").contains("undefined in cp1255"));
        assert!(error(b"# coding: iso-8859-3\ns = '\xa5'\n").contains("undefined in iso8859_3"));
        assert!(error(b"# coding: koi8-u\n").contains("unsupported source encoding"));
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
