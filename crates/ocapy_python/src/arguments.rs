//! Arguments of ocapy's Python API checked in the function body, so that a wrong one is
//! refused with a `TypeError` that names the callable, the parameter and what it takes.
//! PyO3's own conversion errors name neither the parameter (only in a note) nor what to
//! pass ("'int' object cannot be converted to 'PyString'").

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// The refusal of `value` as `callable`'s `parameter`, which takes `takes`.
pub(crate) fn refused(
    callable: &str,
    parameter: &str,
    takes: &str,
    value: &Bound<'_, PyAny>,
) -> PyErr {
    PyTypeError::new_err(format!(
        "{callable}(): {parameter}= takes {takes}, not {}",
        type_name(value)
    ))
}

/// `value` as `T`, or its refusal as `callable`'s `parameter`, which takes `takes`.
pub(crate) fn extract<'a, 'py, T: FromPyObject<'a, 'py>>(
    callable: &str,
    parameter: &str,
    takes: &str,
    value: &'a Bound<'py, PyAny>,
) -> PyResult<T> {
    value
        .extract::<T>()
        .map_err(|_| refused(callable, parameter, takes, value))
}

/// An optional argument as `T`, `default` when it is absent or `None`.
pub(crate) fn extract_or<'a, 'py, T: FromPyObject<'a, 'py>>(
    callable: &str,
    parameter: &str,
    takes: &str,
    value: Option<&'a Bound<'py, PyAny>>,
    default: T,
) -> PyResult<T> {
    value.map_or(Ok(default), |value| {
        extract(callable, parameter, takes, value)
    })
}

/// An optional `str` argument, `default` when it is absent or `None`.
pub(crate) fn text_or(
    callable: &str,
    parameter: &str,
    value: Option<&Bound<'_, PyAny>>,
    default: &str,
) -> PyResult<String> {
    value.map_or_else(
        || Ok(default.to_owned()),
        |value| extract(callable, parameter, "a str", value),
    )
}

/// A list (or other sequence) of strings; a lone string, which would be read letter by
/// letter, is refused.
pub(crate) fn strings(
    callable: &str,
    parameter: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<Vec<String>> {
    let takes = "a list of strings";
    if value.is_instance_of::<PyString>() {
        return Err(refused(callable, parameter, takes, value));
    }
    extract(callable, parameter, takes, value)
}

/// Source given as text or as bytes (decoded later as a file would be: BOM, coding cookie).
pub(crate) fn source_bytes(callable: &str, value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_str()?.as_bytes().to_vec());
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    Err(refused(
        callable,
        "source",
        "the source as str or bytes",
        value,
    ))
}

pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .qualname()
        .map_or_else(|_| "an object".to_owned(), |name| name.to_string())
}
