//! `ocapy._native`: the verifier and the native runtime, bound for Python.
//!
//! Each part of the runtime is a module of this crate with a `register` function that
//! adds its classes and functions to `ocapy._native`.

use pyo3::prelude::*;

// Verifying allocates many small syntax nodes on several threads, where mimalloc spends about
// a fifth less time than the system allocator, as in the Rust binary. Only Rust's own
// allocations go through it: Python objects are allocated and freed by Python.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod access;
mod arguments;
mod capi;
mod compartment;
mod membrane;
mod metaclass;
mod paths;
mod seal;
mod verifier;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    // One version for the crates, the wheel (maturin reads it from Cargo) and Python.
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    verifier::register(module)?;
    seal::register(module)?;
    access::register(module)?;
    compartment::register(module)?;
    paths::register(module)?;
    Ok(())
}
