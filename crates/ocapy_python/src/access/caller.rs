//! Who is asking: the code object of the innermost running Python frame.
//!
//! An attribute lookup made by C code (`getattr`, `operator.attrgetter`, a slot) runs with
//! the Python frame that called that C code still innermost, so "the innermost Python frame"
//! is the Python caller the lookup is made on behalf of.
//!
//! Since 3.11 CPython creates frame *objects* lazily: `PyEval_GetFrame` allocates one for a
//! frame that has none, which would cost an allocation on every checked call. On 3.11 to
//! 3.13 (GIL builds) the code object is therefore read from the interpreter frame the
//! thread state points at, through `#[repr(C)]` mirrors of the few leading fields of those
//! structs, which are fixed within a minor version (debuggers and profilers rely on them).
//! `verify_frame_layout` compares that read with the public API when the module loads, so a
//! mismatch fails the import instead of giving wrong answers. Other versions use the public
//! API, which is cheap on 3.10 (frames are objects already) and correct everywhere.

use std::ptr::null_mut;

use pyo3::exceptions::PyImportError;
use pyo3::ffi;
use pyo3::prelude::*;

/// The code object of the innermost Python frame of this thread (borrowed: the running
/// frame keeps it alive), or null when no Python code is running.
#[inline]
pub(super) fn current_code() -> *mut ffi::PyObject {
    // SAFETY: every caller holds the GIL (they are slot functions and pymethods).
    unsafe { layout::current_code() }
}

/// The same answer through the public API, which materializes a frame object on 3.11+.
fn current_code_public() -> *mut ffi::PyObject {
    // SAFETY: GIL held by the caller. `PyEval_GetFrame` returns a borrowed frame or null;
    // `PyFrame_GetCode` a new reference, released at once because the running frame holds
    // the code object for as long as it runs.
    unsafe {
        let frame = ffi::PyEval_GetFrame();
        if frame.is_null() {
            return null_mut();
        }
        let code = ffi::PyFrame_GetCode(frame);
        ffi::Py_DECREF(code.cast());
        code.cast()
    }
}

/// Fails the import if the fast read of the caller's code disagrees with the public API.
pub(super) fn verify_frame_layout() -> PyResult<()> {
    if current_code() == current_code_public() {
        Ok(())
    } else {
        Err(PyImportError::new_err(
            "ocapy: this CPython's frame layout is not the one ocapy was built for; \
             rebuild ocapy against this interpreter",
        ))
    }
}

/// The innermost Python caller as `function at file:line`, for messages.
pub(super) fn describe_caller(py: Python<'_>) -> String {
    // SAFETY: GIL held; the frame is borrowed from the running thread and wrapped as a new
    // strong reference before use.
    let frame = unsafe { ffi::PyEval_GetFrame() };
    if frame.is_null() {
        return "<no Python caller>".to_owned();
    }
    // SAFETY: `frame` is a live frame object (non-null, checked above).
    let frame = unsafe { Bound::from_borrowed_ptr(py, frame.cast()) };
    let described = (|| -> PyResult<String> {
        let code = frame.getattr("f_code")?;
        let name = code
            .getattr("co_qualname")
            .or_else(|_| code.getattr("co_name"))?;
        let file = code.getattr("co_filename")?;
        let line = frame.getattr("f_lineno")?;
        Ok(format!("{name} at {file}:{line}"))
    })();
    described.unwrap_or_else(|_| "<unknown caller>".to_owned())
}

#[cfg(any(not(Py_3_11), Py_3_14, Py_GIL_DISABLED, PyPy))]
mod layout {
    pub(super) unsafe fn current_code() -> *mut pyo3::ffi::PyObject {
        super::current_code_public()
    }
}

#[cfg(all(Py_3_11, not(Py_3_14), not(Py_GIL_DISABLED), not(PyPy)))]
mod layout {
    #![allow(
        dead_code,
        reason = "mirrors of C structs: the unread fields are there for the offsets of the read ones"
    )]

    #[cfg(Py_3_12)]
    use std::ffi::c_char;
    use std::ffi::{c_int, c_void};
    use std::ptr::null_mut;

    use pyo3::ffi;

    /// `FRAME_OWNED_BY_CSTACK`: the shim frame a C-to-Python call pushes (3.12+); it runs no
    /// code of its own, so the caller is the frame before it.
    #[cfg(Py_3_12)]
    const OWNED_BY_C_STACK: c_char = 3;

    /// The leading fields of `struct _PyInterpreterFrame` (Include/internal/pycore_frame.h).
    #[cfg(not(Py_3_12))]
    #[repr(C)]
    struct InterpreterFrame {
        f_func: *mut c_void,
        f_globals: *mut c_void,
        f_builtins: *mut c_void,
        f_locals: *mut c_void,
        f_code: *mut ffi::PyObject,
        frame_obj: *mut c_void,
        previous: *mut InterpreterFrame,
    }

    /// The leading fields of `struct _PyInterpreterFrame`; the first is `f_code` on 3.12 and
    /// `f_executable` (a code object, or None in shim frames) on 3.13.
    #[cfg(Py_3_12)]
    #[repr(C)]
    struct InterpreterFrame {
        f_code: *mut ffi::PyObject,
        previous: *mut InterpreterFrame,
        f_funcobj: *mut c_void,
        f_globals: *mut c_void,
        f_builtins: *mut c_void,
        f_locals: *mut c_void,
        frame_obj: *mut c_void,
        instr_ptr: *mut c_void,
        stacktop: c_int,
        return_offset: u16,
        owner: c_char,
    }

    /// `_PyCFrame` (Include/cpython/pystate.h), 3.11 and 3.12.
    #[cfg(not(Py_3_13))]
    #[repr(C)]
    struct CFrame {
        #[cfg(not(Py_3_12))]
        use_tracing: u8,
        current_frame: *mut InterpreterFrame,
    }

    /// The leading fields of `struct _ts`, up to the current frame (Include/cpython/pystate.h).
    #[cfg(not(Py_3_12))]
    #[repr(C)]
    struct ThreadState {
        prev: *mut c_void,
        next: *mut c_void,
        interp: *mut c_void,
        initialized: c_int,
        is_static: c_int,
        recursion_remaining: c_int,
        recursion_limit: c_int,
        recursion_headroom: c_int,
        tracing: c_int,
        tracing_what: c_int,
        cframe: *mut CFrame,
    }

    /// The recursion and tracing counters 3.12 and 3.13 keep before the frame pointer.
    #[cfg(Py_3_12)]
    #[repr(C)]
    struct Counters {
        py_recursion_remaining: c_int,
        py_recursion_limit: c_int,
        c_recursion_remaining: c_int,
        recursion_headroom: c_int,
        tracing: c_int,
        what_event: c_int,
    }

    #[cfg(all(Py_3_12, not(Py_3_13)))]
    #[repr(C)]
    struct ThreadState {
        prev: *mut c_void,
        next: *mut c_void,
        interp: *mut c_void,
        status: u32,
        counters: Counters,
        cframe: *mut CFrame,
    }

    #[cfg(Py_3_13)]
    #[repr(C)]
    struct ThreadState {
        prev: *mut c_void,
        next: *mut c_void,
        interp: *mut c_void,
        eval_breaker: usize,
        status: u32,
        whence: c_int,
        state: c_int,
        counters: Counters,
        current_frame: *mut InterpreterFrame,
    }

    #[cfg(Py_3_12)]
    fn is_shim(frame: &InterpreterFrame) -> bool {
        frame.owner == OWNED_BY_C_STACK
    }

    /// 3.11 pushes no shim frames.
    #[cfg(not(Py_3_12))]
    fn is_shim(_frame: &InterpreterFrame) -> bool {
        false
    }

    /// # Safety
    /// The GIL must be held, so that the thread state and its frames are this thread's and
    /// stay put while they are read.
    pub(super) unsafe fn current_code() -> *mut ffi::PyObject {
        // SAFETY: with the GIL held `PyThreadState_Get` returns this thread's live state,
        // whose leading fields `ThreadState` mirrors for the CPython this was built against.
        let thread = unsafe { ffi::PyThreadState_Get().cast::<ThreadState>() };
        #[cfg(not(Py_3_13))]
        // SAFETY: `cframe` always points at a live `_PyCFrame` (the thread's root one at least).
        let mut frame = unsafe { (*(*thread).cframe).current_frame };
        #[cfg(Py_3_13)]
        // SAFETY: as above; `current_frame` is null or a live interpreter frame.
        let mut frame = unsafe { (*thread).current_frame };
        while !frame.is_null() {
            // SAFETY: `frame` is a live interpreter frame of this thread's stack; its
            // `previous` link is null or another live frame.
            let current = unsafe { &*frame };
            if !is_shim(current) {
                return current.f_code;
            }
            frame = current.previous;
        }
        null_mut()
    }
}
