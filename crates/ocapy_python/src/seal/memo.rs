//! The weak memo that makes `seal(x) is seal(x)` while the wrapper lives.
//!
//! Keys are the inner object's address and the depth (each depth has its own wrapper);
//! values are the wrapper's address, not a reference: the memo never keeps a wrapper alive,
//! and a wrapper removes its own entry when it is deallocated. A wrapper holds its inner
//! object strongly, so while an entry exists its key cannot be reused by another object.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, MutexGuard, PoisonError};

use pyo3::ffi;
use pyo3::prelude::*;

use super::{Depth, Sealed};

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    inner: usize,
    depth: Depth,
}

/// Where a wrapper lives: its object, to hand out, and its Rust payload, to recognise it
/// from `Drop`, which sees only the payload.
#[derive(Clone, Copy)]
struct Entry {
    object: usize,
    payload: usize,
}

/// Hashes addresses: the keys are not chosen by anyone who could aim at collisions (an
/// address is the allocator's choice), so a multiply-and-shift is enough and far cheaper
/// than the default SipHash on the hot path of `seal(x)`.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        // The rotation brings the product's well-mixed high bits down to where the table
        // takes its bucket index (an address's own low bits are always zero).
        self.0 = (self.0 ^ value)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn write_u8(&mut self, value: u8) {
        self.write_u64(u64::from(value));
    }
}

type Memo = HashMap<Key, Entry, BuildHasherDefault<AddressHasher>>;

static MEMO: Mutex<Option<Memo>> = Mutex::new(None);

fn memo() -> MutexGuard<'static, Option<Memo>> {
    // The lock is never held while Python code runs, so no panic can poison it mid-update;
    // recover rather than crash if one somehow did.
    MEMO.lock().unwrap_or_else(PoisonError::into_inner)
}

fn key(inner: *mut ffi::PyObject, depth: Depth) -> Key {
    Key {
        inner: inner as usize,
        depth,
    }
}

/// The live wrapper of `inner` at this depth, if any.
pub(super) fn lookup<'py>(inner: &Bound<'py, PyAny>, depth: Depth) -> Option<Bound<'py, Sealed>> {
    let entry = *memo().as_ref()?.get(&key(inner.as_ptr(), depth))?;
    // SAFETY: an entry exists only while its wrapper is alive: the wrapper's `Drop` removes
    // it before the object is freed, and the GIL (which this module requires) is held from
    // the lookup to this new strong reference, so the wrapper cannot be deallocated between.
    let object =
        unsafe { Bound::from_borrowed_ptr(inner.py(), entry.object as *mut ffi::PyObject) };
    // SAFETY: only `Sealed` objects are entered (see `insert`).
    Some(unsafe { object.cast_into_unchecked() })
}

/// Records `wrapper` as the wrapper of its inner object.
pub(super) fn insert(wrapper: &Bound<'_, Sealed>) {
    let sealed = wrapper.get();
    let entry = Entry {
        object: wrapper.as_ptr() as usize,
        payload: std::ptr::from_ref(sealed) as usize,
    };
    memo()
        .get_or_insert_with(Memo::default)
        .insert(key(sealed.inner.as_ptr(), sealed.depth), entry);
}

/// Called from the wrapper's `Drop`: forgets the entry if it is this wrapper's.
pub(super) fn remove(sealed: &Sealed) {
    let mut guard = memo();
    let Some(map) = guard.as_mut() else { return };
    let key = key(sealed.inner.as_ptr(), sealed.depth);
    if map
        .get(&key)
        .is_some_and(|entry| entry.payload == std::ptr::from_ref(sealed) as usize)
    {
        map.remove(&key);
    }
}
