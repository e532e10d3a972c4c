//! Fingerprints the verifier's code for the CLI's result cache: a cached result is valid
//! only for the verifier that produced it, and two builds of the same version may differ.
//! The fingerprint covers every source file (by path and content), the manifest, and the
//! workspace's lock file, which pins the parser's version.

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let lock_file = crate_dir.join("../../Cargo.lock");
    let mut files = vec![crate_dir.join("Cargo.toml"), crate_dir.join("build.rs")];
    collect_files(&crate_dir.join("src"), &mut files);
    // The verifier's parse depends on its dependencies' versions; without the lock file the
    // fingerprint could not tell two parser versions apart.
    assert!(
        lock_file.is_file(),
        "ocapy_verifier builds inside its workspace: {} is missing",
        lock_file.display()
    );
    files.push(lock_file);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in &files {
        let relative = file.strip_prefix(&crate_dir).unwrap_or(file);
        let bytes = std::fs::read(file)
            .unwrap_or_else(|error| panic!("reading {}: {error}", file.display()));
        hasher.write(relative.to_string_lossy().as_bytes());
        hasher.write_usize(bytes.len());
        hasher.write(&bytes);
        println!("cargo::rerun-if-changed={}", file.display());
    }
    // A file added to the sources changes the fingerprint too.
    println!(
        "cargo::rerun-if-changed={}",
        crate_dir.join("src").display()
    );
    println!(
        "cargo::rustc-env=OCAPY_VERIFIER_FINGERPRINT={:016x}",
        hasher.finish()
    );
}

fn collect_files(folder: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("reading {}: {error}", folder.display()));
    for entry in entries {
        let path = entry.expect("a readable folder entry").path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}
