//! A file larger than `--memory` is streamed in slabs: the same bits as the
//! in-memory path, and a peak memory bounded by the budget.

use std::path::Path;

use crate::util::{assert_same, ok, read_npy, read_npz, write_npy_f64};

/// `peak memory 12.3 MiB` from `--verbose`'s report.
fn peak_mib(stderr: &str) -> f64 {
    let at = stderr.find("peak memory ").expect("a peak-memory report");
    let rest = &stderr[at + "peak memory ".len()..];
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

fn values(n: usize) -> impl Iterator<Item = f64> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..n).map(move |i| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        #[allow(clippy::cast_precision_loss)]
        let noise = (state >> 11) as f64 / (1u64 << 53) as f64;
        (i as f64 * 1e-3).sin() + noise
    })
}

fn coords(path: &Path, n: usize) {
    // Equally spaced except near the end: most slabs see uniform runs,
    // but the whole array is not uniform. A step of 3 (not a power of two)
    // makes the uniform formula round differently from the non-uniform one.
    #[allow(clippy::cast_precision_loss)]
    let x = (0..n).map(|i| i as f64 * 3.0 + if i + 3 > n { 1.5 } else { 0.0 });
    write_npy_f64(path, &[n], false, x);
}

#[test]
fn a_file_larger_than_memory_streams_to_the_same_bits() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, cols) = (1024, 1024);
    let input = dir.path().join("big.npy");
    write_npy_f64(&input, &[rows, cols], false, values(rows * cols)); // 8 MiB
    coords(&dir.path().join("x.npy"), rows);
    let args = |out: &str, memory: &str| -> Vec<String> {
        [
            "grad",
            "{out}/big.npy",
            "-o",
            out,
            "--coords",
            "0={out}/x.npy",
            "--edge-order",
            "2",
            "--memory",
            memory,
            "--verbose",
            "--quiet",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let run = |out: &str, memory: &str| {
        let a = args(out, memory);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        ok(&a, dir.path())
    };
    let in_memory = run("{out}/mem.npz", "1GiB");
    let streamed = run("{out}/stream.npz", "1MiB");
    assert!(streamed.contains("streaming"), "{streamed}");
    assert!(!in_memory.contains("streaming"), "{in_memory}");
    let (m, s) = (
        read_npz(&dir.path().join("mem.npz")),
        read_npz(&dir.path().join("stream.npz")),
    );
    assert_eq!(m.len(), 2);
    for ((name, a), (_, b)) in m.iter().zip(&s) {
        assert!(a.le == b.le, "{name}: streamed bits differ");
        assert_same(name, b, a);
    }
    // Input 8 MiB plus two 8 MiB outputs in memory; the stream stays near
    // its 1 MiB budget plus the program itself.
    let (pm, ps) = (peak_mib(&in_memory), peak_mib(&streamed));
    assert!(pm > 20.0, "in-memory peak {pm} MiB");
    assert!(ps < 12.0, "streamed peak {ps} MiB with --memory 1MiB");
}

#[test]
fn fortran_order_streams_along_the_last_axis() {
    let dir = tempfile::tempdir().unwrap();
    let shape = [64, 48, 40];
    let input = dir.path().join("f.npy");
    write_npy_f64(&input, &shape, true, values(64 * 48 * 40));
    for (out, memory) in [("{out}/a.npy", "1GiB"), ("{out}/b.npy", "1MiB")] {
        ok(
            &[
                "grad",
                "{out}/f.npy",
                "-o",
                out,
                "--axis",
                "2",
                "--memory",
                memory,
            ],
            dir.path(),
        );
    }
    let (a, b) = (
        read_npy(&dir.path().join("a.npy")),
        read_npy(&dir.path().join("b.npy")),
    );
    assert!(a.fortran && b.fortran);
    assert!(a.le == b.le, "streamed bits differ");
}

/// The reference cases named `stream_*` (`tests/data/cases.json`) are there
/// to check streamed results: each of them must really be streamed.
#[test]
fn streaming_reference_cases_are_streamed() {
    let text = std::fs::read_to_string(crate::util::data_dir().join("cases.json")).unwrap();
    let cases: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut streamed = 0;
    for case in cases.as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        if !id.starts_with("stream_") {
            continue;
        }
        let out = tempfile::tempdir().unwrap();
        let mut args: Vec<&str> = case["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        args.push("--verbose");
        let report = ok(&args, out.path());
        assert!(report.contains("streaming"), "{id}: {report}");
        streamed += 1;
    }
    assert!(streamed >= 27, "{streamed} streamed cases");
}

/// A periodic slab axis wraps its halo around the ends: every slab size,
/// from one row to most of the axis, gives the in-memory bits.
#[test]
fn periodic_slabs_of_every_size_give_the_in_memory_bits() {
    let dir = tempfile::tempdir().unwrap();
    for accuracy in ["2", "8"] {
        let run = |out: &str, memory: &str| {
            ok(
                &[
                    "grad",
                    "{data}/long.npy",
                    "-o",
                    out,
                    "--axis",
                    "0",
                    "--accuracy",
                    accuracy,
                    "--boundary",
                    "periodic",
                    "--memory",
                    memory,
                    "--verbose",
                    "--force",
                ],
                dir.path(),
            )
        };
        let report = run("{out}/mem.npy", "1GiB");
        assert!(!report.contains("streaming"), "{report}");
        let want = read_npy(&dir.path().join("mem.npy"));
        // 1600 bytes per row of long.npy (64 x 50 float64, one axis).
        for memory in ["15KiB", "20KiB", "33KiB", "49KiB"] {
            let report = run("{out}/s.npy", memory);
            assert!(report.contains("streaming"), "{memory}: {report}");
            let got = read_npy(&dir.path().join("s.npy"));
            assert_same(&format!("accuracy {accuracy}, {memory}"), &got, &want);
        }
    }
}

/// Higher derivatives and the Laplacian, streamed by slabs of every size
/// from one row up (the last slab of each run shorter than the others),
/// give the in-memory bits, with one-sided and periodic slab axes: a
/// wrapped slab of a second or fourth derivative is widened to its
/// one-sided window.
#[test]
fn operator_slabs_of_every_size_give_the_in_memory_bits() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 5] = [
        &["laplacian", "--boundary", "periodic"],
        &["laplacian", "--accuracy", "8", "--boundary", "0=periodic"],
        &["laplacian", "--accuracy", "4"],
        &[
            "derivative",
            "--order",
            "4",
            "--boundary",
            "periodic",
            "--axis",
            "0",
        ],
        &["derivative", "--order", "3", "--accuracy", "6"],
    ];
    for extra in cases {
        let run = |out: &str, memory: &str| {
            let args = [
                &[extra[0], "{data}/long.npy", "-o", out][..],
                &extra[1..],
                &["--memory", memory, "--verbose", "--force"],
            ]
            .concat();
            crate::util::ndgrad(&args, dir.path())
        };
        let o = run("{out}/mem.npz", "1GiB");
        assert!(o.status.success(), "{extra:?}");
        let want = read_npz(&dir.path().join("mem.npz"));
        let mut streamed = 0;
        // 50 float64 per row of long.npy: 1600 bytes per row for the input,
        // its decoded values, one output and its bytes; from 32 rows the
        // whole file and one output (51200 bytes) fit in memory.
        for rows in (2..32).step_by(2) {
            let o = run("{out}/s.npz", &(rows * 1600).to_string());
            let report = String::from_utf8_lossy(&o.stderr);
            if !o.status.success() {
                assert!(
                    report.contains("is too small"),
                    "{extra:?} {rows}: {report}"
                );
                continue;
            }
            assert!(report.contains("streaming"), "{extra:?} {rows}: {report}");
            streamed += 1;
            let got = read_npz(&dir.path().join("s.npz"));
            assert_eq!(got.len(), want.len());
            for ((name, g), (_, w)) in got.iter().zip(&want) {
                assert_same(&format!("{extra:?} {rows} rows: {name}"), g, w);
            }
        }
        assert!(streamed >= 8, "{extra:?}: {streamed} streamed runs");
    }
}

/// The components of a vector field larger than memory are streamed in
/// lockstep within the budget, to the in-memory bits.
#[test]
fn vector_field_components_stream_in_lockstep_within_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, cols) = (1024, 1024);
    write_npy_f64(
        &dir.path().join("u.npy"),
        &[rows, cols],
        false,
        values(rows * cols),
    );
    let v = values(2 * rows * cols).skip(rows * cols);
    write_npy_f64(&dir.path().join("v.npy"), &[rows, cols], false, v);
    let run = |out: &str, memory: &str| {
        ok(
            &[
                "div",
                "{out}/u.npy",
                "{out}/v.npy",
                "-o",
                out,
                "--accuracy",
                "4",
                "--memory",
                memory,
                "--verbose",
                "--quiet",
            ],
            dir.path(),
        )
    };
    let in_memory = run("{out}/mem.npy", "1GiB");
    let streamed = run("{out}/stream.npy", "1MiB");
    assert!(streamed.contains("streaming"), "{streamed}");
    assert!(!in_memory.contains("streaming"), "{in_memory}");
    let (m, s) = (
        read_npy(&dir.path().join("mem.npy")),
        read_npy(&dir.path().join("stream.npy")),
    );
    assert_same("divergence", &s, &m);
    // Two 8 MiB inputs and an 8 MiB output in memory; the stream stays
    // near its 1 MiB budget plus the program itself.
    let (pm, ps) = (peak_mib(&in_memory), peak_mib(&streamed));
    assert!(pm > 20.0, "in-memory peak {pm} MiB");
    assert!(ps < 12.0, "streamed peak {ps} MiB with --memory 1MiB");
}
