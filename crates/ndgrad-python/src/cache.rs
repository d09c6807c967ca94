//! A small cache of output buffers: a NumPy memory handler (NEP 49) for the
//! arrays `gradient_fast` returns.
//!
//! A fresh output costs its page faults: on this project's VMs, faulting in
//! a 4 KiB page costs about ten times writing it. glibc hands large blocks
//! back to the kernel when they are freed (an `mmap`ed block, or the top of
//! the heap beyond its trim threshold), so a loop that differentiates a
//! 316 × 316 image and drops the result faults in both 800 KB outputs on
//! every call: three quarters of the call's time. NumPy's own allocator
//! keeps only blocks under 1 KiB.
//!
//! The outputs of a call are allocated with this module's handler. When
//! such an array dies, its block (if it has at least `MIN_BYTES`) is kept,
//! up to `limit` bytes in all (`ndgrad.set_output_cache`), oldest first
//! out, and the next output of exactly that size reuses it. Every other
//! request is passed to the C library's `malloc`, `calloc`, `realloc` and
//! `free`, as NumPy's default handler does, which also asks for huge pages
//! for blocks of 4 MiB and more (`madvise`), as NumPy's does.
//!
//! The handler's functions never block and never panic: the cache is
//! behind a `try_lock`, and a busy lock means "allocate or free as if there
//! were no cache". Arrays keep a reference to the handler they were made
//! with, so blocks always come back here, whichever thread frees them.
#![allow(unsafe_code)] // FFI: NumPy's memory-handler struct and C allocation

use std::ffi::c_void;
use std::ptr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use pyo3::prelude::*;

/// Smaller blocks: glibc reuses its heap without returning it to the
/// kernel, so they seldom fault.
pub(crate) const MIN_BYTES: usize = 128 << 10;
/// The default limit on the bytes kept.
pub(crate) const DEFAULT_LIMIT: usize = 64 << 20;
/// NumPy asks for transparent huge pages for blocks of this size and more
/// (`numpy/_core/src/multiarray/alloc.c`), if `_get_madvise_hugepage()`.
const HUGEPAGE_BYTES: usize = 4 << 20;
/// At most this many blocks are kept.
const SLOTS: usize = 32;

/// The kept blocks, oldest first: `(address, size)`.
struct Cache {
    blocks: [(usize, usize); SLOTS],
    len: usize,
    bytes: usize,
    limit: usize,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    blocks: [(0, 0); SLOTS],
    len: 0,
    bytes: 0,
    limit: DEFAULT_LIMIT,
});

impl Cache {
    /// Removes and returns a kept block of exactly `size` bytes, the newest.
    fn take(&mut self, size: usize) -> Option<*mut c_void> {
        let i = self.blocks[..self.len]
            .iter()
            .rposition(|&(_, s)| s == size)?;
        let (addr, _) = self.blocks[i];
        self.blocks.copy_within(i + 1..self.len, i);
        self.len -= 1;
        self.bytes -= size;
        Some(addr as *mut c_void)
    }

    /// Frees the oldest blocks until `extra` more bytes and one more block
    /// fit (or nothing is left).
    fn make_room(&mut self, extra: usize) {
        let mut drop_n = 0;
        while drop_n < self.len && (self.bytes + extra > self.limit || self.len - drop_n >= SLOTS) {
            let (addr, size) = self.blocks[drop_n];
            // SAFETY: every kept block came from the C allocator (this
            // handler's malloc, calloc or realloc) and is owned by the cache.
            unsafe { libc::free(addr as *mut c_void) };
            self.bytes -= size;
            drop_n += 1;
        }
        self.blocks.copy_within(drop_n..self.len, 0);
        self.len -= drop_n;
    }

    /// Keeps a block if it fits the limits; returns whether it was kept.
    fn put(&mut self, addr: *mut c_void, size: usize) -> bool {
        if size < MIN_BYTES || size > self.limit {
            return false;
        }
        self.make_room(size);
        self.blocks[self.len] = (addr as usize, size);
        self.len += 1;
        self.bytes += size;
        true
    }
}

/// `Cache::limit`, readable without the lock.
static LIMIT: AtomicUsize = AtomicUsize::new(DEFAULT_LIMIT);
/// NumPy's `_get_madvise_hugepage()`, read when the handler is set up.
static HUGEPAGE: AtomicBool = AtomicBool::new(false);

/// A fresh block from the C allocator, with NumPy's huge-page advice.
fn fresh(p: *mut c_void, size: usize) -> *mut c_void {
    if !p.is_null() && size >= HUGEPAGE_BYTES && HUGEPAGE.load(Ordering::Relaxed) {
        // As NumPy: advise the page-aligned part of the block. Advice that
        // fails changes nothing, so its result is ignored.
        let page = 4096;
        let start = (p as usize).div_ceil(page) * page;
        let end = (p as usize + size) / page * page;
        if end > start {
            // SAFETY: [start, end) lies inside the block just allocated.
            unsafe { libc::madvise(start as *mut c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    p
}

fn try_cache() -> Option<std::sync::MutexGuard<'static, Cache>> {
    match CACHE.try_lock() {
        Ok(guard) => Some(guard),
        // A panic never happens while the lock is held (nothing in `Cache`
        // panics); if it did, the block list is still consistent.
        Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => None,
    }
}

unsafe extern "C" fn cache_malloc(_ctx: *mut c_void, size: usize) -> *mut c_void {
    if let Some(p) = try_cache().and_then(|mut c| c.take(size)) {
        return p;
    }
    // SAFETY: plain C allocation.
    fresh(unsafe { libc::malloc(size) }, size)
}

unsafe extern "C" fn cache_calloc(_ctx: *mut c_void, nelem: usize, elsize: usize) -> *mut c_void {
    if let Some(size) = nelem.checked_mul(elsize)
        && let Some(p) = try_cache().and_then(|mut c| c.take(size))
    {
        // SAFETY: a kept block of exactly `size` bytes, owned by the caller now.
        unsafe { ptr::write_bytes(p.cast::<u8>(), 0, size) };
        return p;
    }
    // SAFETY: plain C allocation (which checks `nelem * elsize` itself).
    fresh(
        unsafe { libc::calloc(nelem, elsize) },
        nelem.saturating_mul(elsize),
    )
}

unsafe extern "C" fn cache_realloc(
    _ctx: *mut c_void,
    p: *mut c_void,
    new_size: usize,
) -> *mut c_void {
    // SAFETY: `p` is null or came from this handler, i.e. from the C allocator.
    fresh(unsafe { libc::realloc(p, new_size) }, new_size)
}

unsafe extern "C" fn cache_free(_ctx: *mut c_void, p: *mut c_void, size: usize) {
    if p.is_null() {
        return;
    }
    // NEP 49: `size` is the size the block was allocated (or reallocated) with.
    if try_cache().is_some_and(|mut c| c.put(p, size)) {
        return;
    }
    // SAFETY: `p` came from this handler, i.e. from the C allocator.
    unsafe { libc::free(p) };
}

/// NumPy's `PyDataMemAllocator` (numpy/ndarraytypes.h).
#[repr(C)]
struct Allocator {
    ctx: *mut c_void,
    malloc: unsafe extern "C" fn(*mut c_void, usize) -> *mut c_void,
    calloc: unsafe extern "C" fn(*mut c_void, usize, usize) -> *mut c_void,
    realloc: unsafe extern "C" fn(*mut c_void, *mut c_void, usize) -> *mut c_void,
    free: unsafe extern "C" fn(*mut c_void, *mut c_void, usize),
}

/// NumPy's `PyDataMem_Handler`, version 1.
#[repr(C)]
struct Handler {
    name: [u8; 127],
    version: u8,
    allocator: Allocator,
}

// SAFETY: the handler is immutable; its only pointer (`ctx`) is null.
unsafe impl Sync for Handler {}

const fn handler_name(s: &[u8]) -> [u8; 127] {
    let mut name = [0u8; 127];
    let mut i = 0;
    while i < s.len() {
        name[i] = s[i];
        i += 1;
    }
    name
}

/// The name NumPy reports for the outputs (`numpy._core.multiarray.get_handler_name`).
pub(crate) const NAME: &str = "ndgrad_output_cache";

static HANDLER: Handler = Handler {
    name: handler_name(NAME.as_bytes()),
    version: 1,
    allocator: Allocator {
        ctx: ptr::null_mut(),
        malloc: cache_malloc,
        calloc: cache_calloc,
        realloc: cache_realloc,
        free: cache_free,
    },
};

/// NumPy's `PyDataMem_SetHandler` (slot 304 of its C API table, NumPy ≥
/// 1.22) and our handler's capsule.
struct Api {
    set_handler: unsafe extern "C" fn(*mut pyo3::ffi::PyObject) -> *mut pyo3::ffi::PyObject,
    capsule: Py<PyAny>,
}

static API: pyo3::sync::PyOnceLock<Api> = pyo3::sync::PyOnceLock::new();

fn api(py: Python<'_>) -> PyResult<&Api> {
    API.get_or_try_init(py, || {
        let table = py
            .import("numpy._core._multiarray_umath")?
            .getattr("_ARRAY_API")?;
        // SAFETY: `_ARRAY_API` is NumPy's capsule (unnamed) holding its C API
        // table; slot 304 is `PyDataMem_SetHandler` since NumPy 1.22 (this
        // package needs NumPy 2).
        let set_handler = unsafe {
            let table = pyo3::ffi::PyCapsule_GetPointer(table.as_ptr(), ptr::null())
                .cast::<*const c_void>();
            if table.is_null() {
                return Err(PyErr::fetch(py));
            }
            let f = *table.add(304);
            if f.is_null() {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "NumPy has no PyDataMem_SetHandler",
                ));
            }
            std::mem::transmute::<
                *const c_void,
                unsafe extern "C" fn(*mut pyo3::ffi::PyObject) -> *mut pyo3::ffi::PyObject,
            >(f)
        };
        // SAFETY: a capsule named "mem_handler" (NEP 49) around a static handler.
        let capsule = unsafe {
            let p = pyo3::ffi::PyCapsule_New(
                ptr::from_ref(&HANDLER).cast_mut().cast::<c_void>(),
                c"mem_handler".as_ptr(),
                None,
            );
            Bound::from_owned_ptr_or_err(py, p)?.unbind()
        };
        // NumPy's own setting (on by default on Linux kernels >= 4.6); a
        // NumPy without the function leaves the advice off.
        let hugepage = py
            .import("numpy._core.multiarray")
            .and_then(|m| m.getattr("_get_madvise_hugepage"))
            .and_then(|f| f.call0())
            .and_then(|v| v.extract::<bool>())
            .unwrap_or(false);
        HUGEPAGE.store(hugepage, Ordering::Relaxed);
        Ok(Api {
            set_handler,
            capsule,
        })
    })
}

/// Runs `alloc` with this module's handler as NumPy's handler of the
/// current context, then restores the previous one.
pub(crate) fn with_handler<T>(py: Python<'_>, alloc: impl FnOnce() -> T) -> PyResult<T> {
    let api = api(py)?;
    // SAFETY: NumPy's PyDataMem_SetHandler, with the GIL held: returns the
    // previous handler (a new reference) or null with an exception set.
    let previous = unsafe { (api.set_handler)(api.capsule.as_ptr()) };
    // SAFETY: as above.
    let previous = unsafe { Bound::from_owned_ptr_or_err(py, previous)? };
    let out = alloc();
    // SAFETY: as above; the returned reference (our capsule) is released.
    let restored = unsafe { (api.set_handler)(previous.as_ptr()) };
    // SAFETY: as above.
    unsafe { Bound::from_owned_ptr_or_err(py, restored)? };
    Ok(out)
}

/// Whether outputs of `bytes` bytes each are worth allocating through the
/// cache.
pub(crate) fn worth_it(bytes: usize) -> bool {
    bytes >= MIN_BYTES && bytes <= LIMIT.load(Ordering::Relaxed)
}

/// Sets the limit on the bytes kept (0: keep nothing) and frees what is
/// over it; returns the previous limit.
pub(crate) fn set_limit(limit: usize) -> usize {
    let mut c = CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let previous = c.limit;
    c.limit = limit;
    LIMIT.store(limit, Ordering::Relaxed);
    c.make_room(0);
    previous
}

/// `(blocks, bytes)` kept now.
pub(crate) fn stats() -> (usize, usize) {
    let c = CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    (c.len, c.bytes)
}
