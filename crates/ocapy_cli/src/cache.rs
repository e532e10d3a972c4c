//! The results of files already checked, so that a re-run over an unchanged tree reads
//! instead of verifying.
//!
//! An entry is keyed by a BLAKE3 hash of the file's bytes and of every setting that decides
//! its diagnostics, under a folder per build of the verifier (its version and
//! [`BUILD_FINGERPRINT`], so that two builds of one version never share results); the file's name plays no part, since
//! the verifier never sees it. A security gate must not be talked out of a finding, so the
//! cache lives in the user's cache folder (`$OCAPY_CACHE_DIR`, else `$XDG_CACHE_HOME/ocapy`,
//! else `~/.cache/ocapy`), never in the tree it checks, where the code under check could
//! plant an entry for itself, and the key is a cryptographic hash, which no file can be
//! made to share with another. Anything unreadable is a miss; writes go to a temporary
//! file renamed into place, so a reader never sees half an entry.

use std::path::{Path, PathBuf};

use ocapy_verifier::{BUILD_FINGERPRINT, Diagnostic, Rule, Settings};
use ruff_text_size::{TextRange, TextSize};

pub struct Cache {
    folder: PathBuf,
}

/// One diagnostic as stored: rule code, start and end offsets, message.
type Stored = (String, u32, u32, String);

impl Cache {
    /// The cache in `folder`, or the user's default; `None` when no folder can be had.
    pub fn open(folder: Option<&Path>) -> Option<Cache> {
        let root = match folder {
            Some(folder) => folder.to_path_buf(),
            None => default_folder()?,
        };
        Some(Cache::for_build(&root, BUILD_FINGERPRINT))
    }

    /// The entries under `root` of the verifier build `fingerprint` identifies.
    fn for_build(root: &Path, fingerprint: &str) -> Cache {
        Cache {
            folder: root.join(format!("v{}-{fingerprint}", env!("CARGO_PKG_VERSION"))),
        }
    }

    /// Where the diagnostics of `bytes` checked with `settings` are kept. Every field of
    /// the settings is in their `Debug` text, which lists sets in order.
    fn entry(&self, settings: &Settings, bytes: &[u8]) -> PathBuf {
        let settings = format!("{settings:?}");
        let mut hasher = blake3::Hasher::new();
        hasher.update(&(settings.len() as u64).to_le_bytes());
        hasher.update(settings.as_bytes());
        hasher.update(bytes);
        let hex = hasher.finalize().to_hex();
        self.folder.join(&hex[..2]).join(&hex[2..])
    }

    pub fn get(&self, settings: &Settings, bytes: &[u8]) -> Option<Vec<Diagnostic>> {
        let text = std::fs::read(self.entry(settings, bytes)).ok()?;
        let stored: Vec<Stored> = serde_json::from_slice(&text).ok()?;
        stored
            .into_iter()
            .map(|(code, start, end, message)| {
                let rule = Rule::from_code(&code)?;
                let range = TextRange::new(TextSize::new(start), TextSize::new(end.max(start)));
                Some(Diagnostic::new(rule, message, range))
            })
            .collect()
    }

    /// Stores `diagnostics` for `bytes`; a cache that cannot be written is no error.
    pub fn put(&self, settings: &Settings, bytes: &[u8], diagnostics: &[Diagnostic]) {
        let entry = self.entry(settings, bytes);
        let stored: Vec<Stored> = diagnostics
            .iter()
            .map(|diagnostic| {
                (
                    diagnostic.rule.code().to_owned(),
                    u32::from(diagnostic.range.start()),
                    u32::from(diagnostic.range.end()),
                    diagnostic.message.clone(),
                )
            })
            .collect();
        let Ok(text) = serde_json::to_vec(&stored) else {
            return;
        };
        let Some(folder) = entry.parent() else {
            return;
        };
        let temporary = folder.join(format!(
            ".{}.{}",
            std::process::id(),
            rayon::current_thread_index().unwrap_or(0)
        ));
        let written = std::fs::create_dir_all(folder)
            .and_then(|()| std::fs::write(&temporary, text))
            .and_then(|()| std::fs::rename(&temporary, &entry));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

fn default_folder() -> Option<PathBuf> {
    let from = |variable: &str| {
        std::env::var_os(variable)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    from("OCAPY_CACHE_DIR")
        .or_else(|| from("XDG_CACHE_HOME").map(|cache| cache.join("ocapy")))
        .or_else(|| from("HOME").map(|home| home.join(".cache").join("ocapy")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_diagnostic() -> Vec<Diagnostic> {
        let range = TextRange::new(TextSize::new(0), TextSize::new(3));
        vec![Diagnostic::new(Rule::ALL[0], "kept".to_owned(), range)]
    }

    fn temporary_root(name: &str) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("ocapy-cache-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        root
    }

    #[test]
    fn a_result_is_read_back_only_by_the_build_that_stored_it() {
        let root = temporary_root("builds");
        let settings = Settings::default();
        let bytes = b"x = 1\n";
        Cache::for_build(&root, "build-a").put(&settings, bytes, &one_diagnostic());
        let same = Cache::for_build(&root, "build-a").get(&settings, bytes);
        let other = Cache::for_build(&root, "build-b").get(&settings, bytes);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(same.map(|found| found.len()), Some(1));
        assert!(
            other.is_none(),
            "another build of the same version read a stored result"
        );
    }

    #[test]
    fn the_cache_in_use_is_this_builds() {
        let root = temporary_root("open");
        let cache = Cache::open(Some(&root)).expect("a folder was given");
        let folder = cache
            .folder
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(folder.ends_with(BUILD_FINGERPRINT), "{folder}");
        assert_eq!(BUILD_FINGERPRINT.len(), 16);
        assert!(
            BUILD_FINGERPRINT
                .bytes()
                .all(|byte| byte.is_ascii_hexdigit())
        );
    }
}
