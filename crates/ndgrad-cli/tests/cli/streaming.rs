//! A file larger than `--memory` is streamed in slabs: the same bits as the
//! in-memory path, and a peak memory bounded by the budget.

use std::path::Path;

use crate::util::{assert_same, entries, ok, read_npy, read_npz, write_npy_1d, write_npy_f64};

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
    assert!(streamed >= 29, "{streamed} streamed cases");
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

/// Coordinates of long.npy's axis 0 (64 rows) for a periodic slab axis:
/// file name, `.npy` dtype, little-endian bytes and `--period`.
fn periodic_coords() -> Vec<(&'static str, &'static str, Vec<u8>, &'static str)> {
    let n = 64;
    // Increasing, irregular: steps between 2.2 and 3.8.
    #[allow(clippy::cast_precision_loss)]
    let uneven: Vec<f64> = (0..n)
        .map(|i| 3.0 * i as f64 + 0.8 * ((i * 7 % 11) as f64 / 10.0))
        .collect();
    let le = |f: &dyn Fn(usize) -> Vec<u8>| (0..n).flat_map(f).collect::<Vec<u8>>();
    vec![
        (
            "x_f64.npy",
            "<f8",
            le(&|i| uneven[i].to_le_bytes().to_vec()),
            "0=191.3",
        ),
        // The period rounded to float32, the ghosts computed in float32.
        (
            "x_f32.npy",
            "<f4",
            le(&|i| (uneven[i] as f32).to_le_bytes().to_vec()),
            "0=191.3",
        ),
        // Integers: ghosts in float64; steps 2 to 8.
        (
            "x_i32.npy",
            "<i4",
            le(&|i| ((5 * i + i * 7 % 4) as i32).to_le_bytes().to_vec()),
            "0=322.5",
        ),
        // Half-precision coordinates 0.5 apart (exact up to 31.5), period
        // 32.3 rounded to float16 (32.3125): not across the seam.
        (
            "x_f16.npy",
            "<f2",
            le(&|i| half::f16::from_f32(0.5 * i as f32).to_le_bytes().to_vec()),
            "0=32.3",
        ),
        // Equally spaced with the seam steps equal to the step: the whole
        // axis collapses to the step 3 in memory, and so every slab.
        (
            "x_even.npy",
            "<f8",
            le(&|i| (3.0 * i as f64).to_le_bytes().to_vec()),
            "0=192",
        ),
        // Equally spaced, but not across the seam: the non-uniform formulas
        // everywhere, although every slab inside is equally spaced.
        (
            "x_even_seam.npy",
            "<f8",
            le(&|i| (3.0 * i as f64).to_le_bytes().to_vec()),
            "0=193.5",
        ),
        // Equally spaced float32 with a matching seam: the step in float32.
        (
            "x_even_f32.npy",
            "<f4",
            le(&|i| (0.75 * i as f32).to_le_bytes().to_vec()),
            "0=48",
        ),
    ]
}

/// Streams long.npy along its periodic axis 0 with each coordinate file of
/// [`periodic_coords`] and the command `extra` (its name first), by slabs
/// of many sizes from one row (wrapping at both ends) to most of the
/// axis, and compares every output with the in-memory run, bit for bit.
fn periodic_coordinate_slabs(extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    for (file, descr, le, period) in periodic_coords() {
        let path = dir.path().join(file);
        write_npy_1d(
            &path,
            descr,
            le.len() / descr[2..].parse::<usize>().unwrap(),
            &le,
        );
        let coords = format!("0={}", path.display());
        let run = |out: &str, memory: &str| {
            let args = [
                &[extra[0], "{data}/long.npy", "-o", out][..],
                &extra[1..],
                &[
                    "--coords",
                    &coords,
                    "--boundary",
                    "0=periodic",
                    "--period",
                    period,
                    "--memory",
                    memory,
                    "--verbose",
                    "--force",
                ],
            ]
            .concat();
            crate::util::ndgrad(&args, dir.path())
        };
        let what = format!("{extra:?} {file} {period}");
        let o = run("{out}/mem.npz", "1GiB");
        let report = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{what}: {report}");
        assert!(!report.contains("streaming"), "{what}: {report}");
        let want = read_npz(&dir.path().join("mem.npz"));
        let mut streamed = 0;
        // 2000 bytes per row of long.npy (50 float64: the input, its values,
        // two outputs and the bytes of one; 1600 with one output): slabs of
        // one row to most of the file, which with one output fits in
        // memory from 32 rows (51200 bytes).
        for rows in [3, 4, 5, 6, 7, 8, 10, 13, 18, 25] {
            let o = run("{out}/s.npz", &(rows * 2000).to_string());
            let report = String::from_utf8_lossy(&o.stderr);
            if !o.status.success() {
                assert!(report.contains("is too small"), "{what} {rows}: {report}");
                continue;
            }
            assert!(report.contains("streaming"), "{what} {rows}: {report}");
            streamed += 1;
            let got = read_npz(&dir.path().join("s.npz"));
            assert_eq!(got.len(), want.len(), "{what}");
            for ((name, g), (_, w)) in got.iter().zip(&want) {
                assert_same(&format!("{what}, {rows} rows: {name}"), g, w);
            }
        }
        assert!(streamed >= 7, "{what}: {streamed} streamed runs");
    }
}

/// A periodic slab axis with coordinates takes its halo from the other end
/// of the file, the coordinates past the ends shifted by the period in
/// their own type: NumPy's formulas give the in-memory bits.
#[test]
fn periodic_coordinate_slabs_give_the_in_memory_bits() {
    periodic_coordinate_slabs(&["grad"]);
    periodic_coordinate_slabs(&["grad", "--edge-order", "2"]);
}

/// The same with the higher-order schemes, higher derivatives (whose
/// one-sided window is wider than the central one) and the Laplacian.
#[test]
fn periodic_coordinate_slabs_of_higher_orders_give_the_in_memory_bits() {
    periodic_coordinate_slabs(&["grad", "--accuracy", "4"]);
    periodic_coordinate_slabs(&["derivative", "--order", "2"]);
    periodic_coordinate_slabs(&["laplacian", "--accuracy", "4"]);
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

/// SIGKILL while `grad` writes into an existing file, streamed and in
/// memory: the destination keeps its previous content (never partial), the
/// killed run's temporary file stays, and the next run in that directory
/// removes it (issue 15).
#[cfg(target_os = "linux")]
#[test]
fn killed_runs_leave_the_destination_whole_and_the_next_run_sweeps_their_parts() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let (rows, cols) = (2048, 1024);
    let input = dir.path().join("big.npy");
    write_npy_f64(&input, &[rows, cols], false, values(rows * cols)); // 16 MiB
    let out = dir.path().join("out.npz");
    let parts = || -> Vec<String> {
        entries(dir.path())
            .into_iter()
            .filter(|e| e.starts_with(".ndgrad-"))
            .collect()
    };
    let args = |memory: &str| -> Vec<String> {
        let (i, o) = (input.to_string_lossy(), out.to_string_lossy());
        [
            "grad", &i, "-o", &o, "--force", "--memory", memory, "--quiet",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let mut killed = 0;
    for memory in ["1MiB", "1GiB"] {
        std::fs::write(&out, b"the previous result").unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ndgrad"))
            .args(args(memory))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill as soon as the output's temporary file exists: mid-write.
        let start = Instant::now();
        while parts().is_empty() && child.try_wait().unwrap().is_none() {
            assert!(
                start.elapsed() < Duration::from_mins(1),
                "no temporary file appeared"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        child.kill().unwrap(); // SIGKILL, or nothing if it has just finished
        let status = child.wait().unwrap();
        let now = std::fs::read(&out).unwrap();
        if status.success() {
            // It finished first: the whole new result.
            assert_eq!(read_npz(&out).len(), 2, "--memory {memory}");
            continue;
        }
        assert_eq!(
            now, b"the previous result",
            "--memory {memory}: destination changed"
        );
        assert!(
            !parts().is_empty(),
            "--memory {memory}: {:?}",
            entries(dir.path())
        );
        let a = args(memory);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        ok(&a, dir.path());
        assert!(
            parts().is_empty(),
            "--memory {memory}: {:?}",
            entries(dir.path())
        );
        assert_eq!(read_npz(&out).len(), 2);
        killed += 1;
    }
    assert!(killed > 0, "every run finished before it could be killed");
}

/// SIGINT, SIGTERM or SIGHUP during a streamed run remove its temporary
/// files before the process dies of the signal (a shell then reports 130,
/// 143 or 129); nothing is left in the output directory (issue 32).
#[cfg(unix)]
#[test]
fn signals_during_a_streamed_run_leave_no_temporary_files() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let src = tempfile::tempdir().unwrap();
    let input = src.path().join("tall.npy");
    // 32 MiB in rows of 128 bytes: with accuracy 8 and --memory 64KiB,
    // about a second of slabs here, in which the signals arrive.
    let (rows, cols) = (1 << 18, 16);
    write_npy_f64(&input, &[rows, cols], false, values(rows * cols));
    for (name, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        let out = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ndgrad"))
            .args(["grad", "-q", "--accuracy", "8", "--memory", "64KiB", "-o"])
            .arg(out.path().join("g.npz"))
            .arg(&input)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Signalled once its temporary files exist.
        let start = Instant::now();
        let part = |e: &String| Path::new(e).extension().is_some_and(|x| x == "part");
        while !entries(out.path()).iter().any(part) {
            assert!(
                child.try_wait().unwrap().is_none(),
                "SIG{name}: the run ended before it was signalled: {:?}",
                child.wait_with_output()
            );
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "SIG{name}: no temporary file after 30 s"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let killed = Command::new("kill")
            .args(["-s", name, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status =
            crate::util::wait_at_most(&mut child, Duration::from_secs(30), &format!("SIG{name}"));
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_eq!(
            status.signal(),
            Some(number),
            "SIG{name}: {status:?} (128 + {number} in a shell): {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(
            entries(out.path()),
            Vec::<String>::new(),
            "SIG{name}: files left behind"
        );
    }
}
