//! The outputs are the only allocations of the array's size: measured with
//! a counting global allocator around each call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::{Array1, Array2, Axis};
use ndgrad::{EdgeOrder, Options, Par, Spacing, gradient_axis, gradient_axis_into, gradient_with};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the same arguments; the
// counters do not affect the allocations.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(live, Ordering::SeqCst);
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: forwarded unchanged; `ptr` came from `alloc` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Tests in this file measure one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Peak bytes allocated beyond what was live when `f` started.
fn peak_extra(f: impl FnOnce()) -> usize {
    let base = LIVE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    f();
    PEAK.load(Ordering::SeqCst) - base
}

const N: usize = 1 << 20;
/// Plan, coefficient block buffers and bookkeeping: far below one array.
const SMALL: usize = 64 * 1024;

#[test]
fn into_calls_allocate_nothing_of_the_array_size() {
    let _g = SERIAL.lock().unwrap();
    let f = Array1::from_shape_fn(N, |i| (i as f64).sin());
    let x = Array1::from_shape_fn(N, |i| i as f64 + 0.25 * (i as f64).cos());
    let mut out = Array1::<f64>::zeros(N);
    for spacing in [
        Spacing::Unit,
        Spacing::uniform(0.5),
        Spacing::coordinates(&x),
    ] {
        for edge in [EdgeOrder::First, EdgeOrder::Second] {
            let extra = peak_extra(|| {
                gradient_axis_into(&f, &mut out, Axis(0), spacing, edge, Par::Seq).unwrap();
            });
            assert!(
                extra < SMALL,
                "{spacing:?} {edge:?}: {extra} bytes allocated"
            );
        }
    }
}

#[test]
fn allocating_calls_allocate_only_their_outputs() {
    let _g = SERIAL.lock().unwrap();
    let f = Array2::from_shape_fn((1024, 512), |(i, j)| (i * j) as f32);
    let x = Array1::from_shape_fn(512, |j| (j as f32).sqrt());
    let out_bytes = f.len() * size_of::<f32>();
    let extra = peak_extra(|| {
        let g = gradient_with(
            &f,
            &Options::new().spacing_per_axis([Spacing::Unit, Spacing::coordinates(&x)]),
        )
        .unwrap();
        assert_eq!(g.len(), 2);
    });
    // The lower bound shows the counter sees the outputs at all.
    assert!(
        extra >= 2 * out_bytes,
        "{extra} bytes for 2 outputs of {out_bytes}"
    );
    assert!(
        extra < 2 * out_bytes + SMALL,
        "{extra} bytes for 2 outputs of {out_bytes}"
    );
    let extra = peak_extra(|| {
        gradient_axis(&f, Axis(1), Spacing::coordinates(&x), EdgeOrder::Second).unwrap();
    });
    assert!(
        (out_bytes..out_bytes + SMALL).contains(&extra),
        "{extra} bytes for 1 output of {out_bytes}"
    );
}

#[cfg(feature = "rayon")]
#[test]
fn parallel_calls_allocate_nothing_of_the_array_size() {
    let _g = SERIAL.lock().unwrap();
    // Start the pool first: its threads' stacks are not ours to count.
    rayon::broadcast(|_| ());
    let f = Array2::from_shape_fn((1024, 1024), |(i, j)| (i + 2 * j) as f64);
    let mut out = Array2::<f64>::zeros((1024, 1024));
    for axis in [Axis(0), Axis(1)] {
        let extra = peak_extra(|| {
            gradient_axis_into(
                &f,
                &mut out,
                axis,
                Spacing::uniform(0.1),
                EdgeOrder::First,
                Par::rayon(0),
            )
            .unwrap();
        });
        assert!(extra < SMALL, "axis {axis:?}: {extra} bytes allocated");
    }
}

#[test]
fn broadcast_inputs_are_read_without_copying() {
    let _g = SERIAL.lock().unwrap();
    // A zero-stride view of 1 row repeated 1024 times: 8 KiB of data, 8 MiB logically.
    let row = Array1::from_shape_fn(1024, |j| (j * j) as f64);
    let f = row.broadcast((1024, 1024)).unwrap();
    let mut out = Array2::<f64>::zeros((1024, 1024));
    let extra = peak_extra(|| {
        gradient_axis_into(
            &f,
            &mut out,
            Axis(1),
            Spacing::Unit,
            EdgeOrder::Second,
            Par::Seq,
        )
        .unwrap();
    });
    assert!(extra < SMALL);
    let want = gradient_axis(&row, Axis(0), Spacing::Unit, EdgeOrder::Second).unwrap();
    assert!(out.rows().into_iter().all(|r| r == want));
    let across = gradient_axis(&f, Axis(0), Spacing::Unit, EdgeOrder::First).unwrap();
    assert!(across.iter().all(|&v| v == 0.0));
}

/// An operator's name, its number of outputs, and a call.
type Case<'a> = (&'static str, usize, Box<dyn Fn() + 'a>);

/// The fused operators allocate their outputs and, per task, one scratch
/// slab (at most 256 KiB of input's worth): nothing else of the array's size.
#[test]
fn operators_allocate_only_their_outputs() {
    let _g = SERIAL.lock().unwrap();
    #[cfg(feature = "rayon")]
    rayon::broadcast(|_| ());
    let shape = (128, 128, 128);
    let comps: Vec<_> = (0..3)
        .map(|c| ndarray::Array3::from_shape_fn(shape, |(i, j, k)| (i * (c + 1) + j * k) as f64))
        .collect();
    let views: Vec<_> = comps.iter().map(|c| c.view()).collect();
    let out_bytes = comps[0].len() * size_of::<f64>();
    let scratch = 8 * 256 * 1024;
    #[cfg(feature = "rayon")]
    let pars = [Par::Seq, Par::rayon(2)];
    #[cfg(not(feature = "rayon"))]
    let pars = [Par::Seq];
    for par in pars {
        let opts = Options::new().spacing(Spacing::uniform(0.5)).par(par);
        let cases: [Case<'_>; 4] = [
            (
                "magnitude",
                1,
                Box::new(|| drop(ndgrad::magnitude(&comps[0], &opts).unwrap())),
            ),
            (
                "laplacian",
                1,
                Box::new(|| drop(ndgrad::laplacian(&comps[0], &opts).unwrap())),
            ),
            (
                "divergence",
                1,
                Box::new(|| drop(ndgrad::divergence(&views, &opts).unwrap())),
            ),
            (
                "curl",
                3,
                Box::new(|| drop(ndgrad::curl(&views, &opts).unwrap())),
            ),
        ];
        for (name, outputs, run) in cases {
            let extra = peak_extra(run);
            let want = outputs * out_bytes;
            assert!(
                (want..want + scratch + SMALL).contains(&extra),
                "{name} {par:?}: {extra} bytes for {outputs} outputs of {out_bytes}"
            );
        }
    }
}
