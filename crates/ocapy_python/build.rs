//! Sets pyo3's `Py_3_11`-style cfgs, so code can follow the interpreter's version.

fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
