//! Sets pyo3's `Py_3_11`-style cfgs, so code can follow the interpreter's version: the
//! access checks read the caller's frame through the thread state, whose layout differs
//! between CPython minor versions.
fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
