//! Text and bytes across the boundary: borrowing C's arguments, handing out strings and buffers
//! that C frees with `plaza_string_free` / `plaza_bytes_free`.

use super::error::{Failure, quietly};
use std::ffi::{CStr, CString, c_char};

/// A required UTF-8 string argument, borrowed for the call.
///
/// # Safety
/// `ptr` is null or points at a NUL-terminated string that outlives the call.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    // SAFETY: the caller promises a NUL-terminated string or null, checked first.
    unsafe { opt_str_arg(ptr, name) }?.ok_or_else(|| Failure::invalid(format!("{name} is NULL")))
}

/// An optional UTF-8 string argument (NULL means none).
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: not null, and NUL-terminated by the caller's promise.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map(Some)
        .map_err(|_| Failure::invalid(format!("{name} is not UTF-8")))
}

/// A required out-pointer, checked before anything is sent: null is refused as
/// `"<name> is NULL"`.
pub(crate) fn out_arg<T>(out: *mut T, name: &str) -> Result<*mut T, Failure> {
    if out.is_null() {
        return Err(Failure::invalid(format!("{name} is NULL")));
    }
    Ok(out)
}

/// A byte-buffer argument (`ptr`, `len`); NULL with length 0 is empty.
///
/// # Safety
/// `ptr` points at `len` readable bytes that outlive the call, or is null.
pub(crate) unsafe fn bytes_arg<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::invalid(format!("{name} is NULL with a length")));
    }
    // SAFETY: not null, `len` readable bytes by the caller's promise.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A new C string with `text` (a NUL inside becomes U+FFFD, so nothing is cut off unseen).
pub(crate) fn to_c_string(text: &str) -> *mut c_char {
    let clean = text.replace('\0', "\u{FFFD}");
    // Cannot fail: no NUL is left.
    CString::new(clean).map_or(std::ptr::null_mut(), CString::into_raw)
}

/// An optional string: NULL for none.
pub(crate) fn opt_c_string(text: Option<&str>) -> *mut c_char {
    text.map_or(std::ptr::null_mut(), to_c_string)
}

/// A new buffer with `bytes`, as (pointer, length); freed by `plaza_bytes_free`. Empty is
/// (NULL, 0).
pub(crate) fn to_c_bytes(bytes: &[u8]) -> (*mut u8, usize) {
    if bytes.is_empty() {
        return (std::ptr::null_mut(), 0);
    }
    let boxed: Box<[u8]> = bytes.into();
    let len = boxed.len();
    (Box::into_raw(boxed).cast::<u8>(), len)
}

/// Frees a string this library returned (NULL is ignored).
///
/// # Safety
/// `s` came from this library and is freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_string_free(s: *mut c_char) {
    // SAFETY: as promised by the caller.
    quietly(|| unsafe { free_string(s) });
}

/// Frees a buffer this library returned with its length (NULL is ignored).
///
/// # Safety
/// `ptr` and `len` came together from this library and are freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_bytes_free(ptr: *mut u8, len: usize) {
    // SAFETY: as promised by the caller.
    quietly(|| unsafe { free_bytes(ptr, len) });
}

/// Frees a buffer made by [`to_c_bytes`].
///
/// # Safety
/// `ptr` and `len` came together from [`to_c_bytes`] and are freed once.
pub(crate) unsafe fn free_bytes(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        // SAFETY: made by Box::into_raw of a boxed slice of exactly `len` bytes in to_c_bytes.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
    }
}

/// Frees a string made by [`to_c_string`].
///
/// # Safety
/// `s` is null or came from [`to_c_string`] and is freed once.
pub(crate) unsafe fn free_string(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: made by CString::into_raw in to_c_string.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// Makes a painting from 320×120 RGBA pixels (`len` = 153600, top row first; dark pixels are
/// ink) in the form the game API takes: `*out` and `*out_len` receive a buffer for
/// `PlazaNewPost.painting`, freed by `plaza_bytes_free`.
///
/// # Safety
/// `rgba` points at `len` readable bytes; `out` and `out_len` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_painting_from_rgba(
    rgba: *const u8,
    len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> super::error::PlazaStatus {
    super::error::guard(|| {
        if out.is_null() || out_len.is_null() {
            return Err(Failure::invalid("out or out_len is NULL"));
        }
        // SAFETY: the caller's promises; the outputs are checked for null above.
        unsafe {
            let pixels = bytes_arg(rgba, len, "rgba")?;
            let painting = crate::painting_from_rgba(pixels)?;
            let (ptr, n) = to_c_bytes(&painting);
            out.write(ptr);
            out_len.write(n);
        }
        Ok(())
    })
}
