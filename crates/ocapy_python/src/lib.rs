//! `ocapy._native`: the verifier and the native runtime, bound for Python.
//!
//! Each part of the runtime is a module of this crate with a `register` function that
//! adds its classes and functions to `ocapy._native`.

use pyo3::prelude::*;

mod paths;
mod verifier;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    verifier::register(module)?;
    paths::register(module)?;
    Ok(())
}
