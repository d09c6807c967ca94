//! Bad input: a one-line error, exit status 1 (2 for usage errors), no
//! panic, and nothing written.

use std::path::Path;

use crate::util::{entries, ndgrad};

/// Runs a failing command in a fresh directory; checks the message and that
/// nothing was left behind.
fn fails(args: &[&str], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    fails_in(dir.path(), args, expect, 1);
    assert!(
        entries(dir.path()).is_empty(),
        "{args:?} left {:?}",
        entries(dir.path())
    );
}

fn fails_in(dir: &Path, args: &[&str], expect: &str, code: i32) {
    let o = ndgrad(args, dir);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(
        stderr.contains(expect),
        "{args:?}: expected {expect:?} in {stderr}"
    );
    if code == 1 {
        assert!(stderr.starts_with("ndgrad: error: "), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    }
}

#[test]
fn missing_and_unreadable_inputs() {
    fails(
        &["grad", "{out}/nope.npy", "-o", "{out}/o.npy"],
        "cannot open",
    );
    fails(
        &[
            "grad",
            "{data}/track.csv",
            "-o",
            "{out}/o.npy",
            "--x",
            "nope",
        ],
        "no column 'nope': columns are t, s, h",
    );
    fails(
        &["grad", "{data}/f64_c.npy", "-o", "{out}/o.xyz"],
        "cannot tell the format of",
    );
    fails(
        &["grad", "{data}/f64_c.npy", "-o", "{out}/sub/o.npy"],
        "does not exist",
    );
    fails(
        &["grad", "{data}/strings.npy", "-o", "{out}/o.npz"],
        "unsupported dtype '<U2'",
    );
    fails(
        &["grad", "{data}/bools.npy", "-o", "{out}/o.npz"],
        "unsupported dtype '|b1'",
    );
    fails(
        &["grad", "{data}/pair.npz", "-o", "{out}/o.npz"],
        "choose one with --array NAME",
    );
    fails(
        &[
            "grad",
            "{data}/pair.npz",
            "--array",
            "p",
            "-o",
            "{out}/o.npz",
        ],
        "no array 'p'",
    );
    fails(
        &["edges", "{data}/track.csv", "-o", "{out}/e.png"],
        "edges reads PNG images",
    );
    fails(
        &["edges", "{data}/f64_f.npy", "-o", "{out}/e.png"],
        "an image is a 2-D array",
    );
}

#[test]
fn files_that_are_not_what_they_claim() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("text.npy"), "x,y\n1,2\n").unwrap();
    std::fs::write(d.join("text.png"), "not a picture").unwrap();
    std::fs::write(d.join("bad.csv"), "1,2\n3,abc\n").unwrap();
    std::fs::write(d.join("ragged.csv"), "1,2\n3\n").unwrap();
    let full = std::fs::read(crate::util::data_dir().join("f64_c.npy")).unwrap();
    std::fs::write(d.join("short.npy"), &full[..full.len() - 100]).unwrap();
    let before = entries(d);
    fails_in(
        d,
        &["grad", "{out}/text.npy", "-o", "{out}/o.npy"],
        "not a .npy file",
        1,
    );
    fails_in(
        d,
        &["edges", "{out}/text.png", "-o", "{out}/o.png"],
        "not a PNG image",
        1,
    );
    fails_in(
        d,
        &["grad", "{out}/bad.csv", "-o", "{out}/o.csv"],
        "line 2, column 2: 'abc' is not a number",
        1,
    );
    fails_in(
        d,
        &["grad", "{out}/ragged.csv", "-o", "{out}/o.csv"],
        "every row needs the same number of fields",
        1,
    );
    fails_in(
        d,
        &["grad", "{out}/short.npy", "-o", "{out}/o.npz"],
        "truncated .npy: the header describes 63 float64 values (504 bytes) but only 404 bytes",
        1,
    );
    // The same through the streaming path.
    fails_in(
        d,
        &[
            "grad",
            "{out}/short.npy",
            "-o",
            "{out}/o.npz",
            "--memory",
            "1KiB",
        ],
        "truncated .npy",
        1,
    );
    assert_eq!(entries(d), before, "inputs untouched, nothing added");
}

/// Inputs that are not regular files are refused before they are opened:
/// opening a FIFO with no writer blocks forever (issue 32).
#[cfg(unix)]
#[test]
fn inputs_that_are_not_regular_files_are_refused_without_hanging() {
    use std::process::{Command, Stdio};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let made = Command::new("mkfifo")
        .arg(d.join("p.npy"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::fs::create_dir(d.join("dir.npy")).unwrap();
    let before = entries(d);
    for (args, expect) in [
        (
            &["grad", "p.npy", "-o", "g.npz"][..],
            "'p.npy' is not a regular file (a FIFO); expected a .npy, .npz, .csv or .png file",
        ),
        (
            &["grad", "p.npy", "-o", "g.npz", "--memory", "1KiB"],
            "'p.npy' is not a regular file (a FIFO)",
        ),
        (
            &["derivative", "p.npy", "-o", "d.npy", "--order", "2"],
            "'p.npy' is not a regular file (a FIFO)",
        ),
        (
            &["div", "p.npy", "p.npy", "-o", "d.npy"],
            "'p.npy' is not a regular file (a FIFO)",
        ),
        (
            &["edges", "p.npy", "-o", "e.png"],
            "'p.npy' is not a regular file (a FIFO)",
        ),
        (
            &["plot", "p.npy", "-o", "p.png"],
            "'p.npy' is not a regular file (a FIFO)",
        ),
        (
            &[
                "grad",
                "{data}/x7.npy",
                "-o",
                "g.npy",
                "--coords",
                "0=p.npy",
            ],
            "'p.npy' is not a regular file (a FIFO)",
        ),
        (
            &["grad", "dir.npy", "-o", "g.npz"],
            "'dir.npy' is not a regular file (a directory)",
        ),
    ] {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("{data}", &crate::util::data_dir().to_string_lossy()))
            .collect();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ndgrad"))
            .args(&args)
            .current_dir(d)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let status =
            crate::util::wait_at_most(&mut child, Duration::from_secs(20), &args.join(" "));
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.starts_with("ndgrad: error: "), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.contains(expect),
            "{args:?}: expected {expect:?} in {stderr}"
        );
        assert_eq!(entries(d), before, "{args:?}: nothing written");
    }
}

#[test]
fn argument_errors_match_numpy() {
    fails(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/o.npy",
            "--axis",
            "2",
        ],
        "axis 2 is out of bounds for array of dimension 2",
    );
    fails(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/o.npz",
            "--axis",
            "0,-2",
        ],
        "repeated",
    );
    fails(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/o.npz",
            "--coords",
            "1={data}/x7.npy",
        ],
        "coordinates for axis 1 have length 7, expected 9",
    );
    fails(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/o.npz",
            "--spacing",
            "1,2,3",
        ],
        "expected one value or one per differentiated axis (2), got 3",
    );
    fails(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/o.npz",
            "--spacing",
            "fast",
        ],
        "expected a number, got 'fast'",
    );
    fails(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/o.npz",
            "--axis",
            "0",
            "--coords",
            "1={data}/x7.npy",
        ],
        "not one of the differentiated axes",
    );
}

#[test]
fn outputs_that_cannot_hold_the_result() {
    fails(
        &["grad", "{data}/f64_c.npy", "-o", "{out}/o.npy"],
        "a .npy file holds one",
    );
    fails(
        &["grad", "{data}/f64_c.npy", "-o", "{out}/o.csv"],
        "a CSV file holds one",
    );
    fails(
        &[
            "grad",
            "{data}/u16_be.npy",
            "-o",
            "{out}/o.npy",
            "--memory",
            "16B",
        ],
        "too small",
    );
    fails(
        &[
            "grad",
            "{data}/c64.npy",
            "-o",
            "{out}/o.npz",
            "--coords",
            "0={data}/c64.npy",
        ],
        "coordinates must be",
    );
    fails(
        &["plot", "{data}/f64_f.npy", "-o", "{out}/p.png"],
        "don't know how to draw",
    );
    // A 2-sample axis is too short for second-order edges (NumPy's ValueError).
    let dir = tempfile::tempdir().unwrap();
    crate::util::write_npy_f64(
        &dir.path().join("two.npy"),
        &[2],
        false,
        [1.0, 2.0].into_iter(),
    );
    fails_in(
        dir.path(),
        &[
            "grad",
            "{out}/two.npy",
            "-o",
            "{out}/o.npy",
            "--edge-order",
            "2",
        ],
        "axis 0 has 2 samples; edge order 2 needs at least 3",
        1,
    );
}

#[test]
fn scheme_errors_say_what_was_expected() {
    let f = ["grad", "{data}/f64_c.npy", "-o", "{out}/g.npz"];
    let with = |extra: &[&'static str]| [&f[..], extra].concat();
    fails(
        &with(&["--boundary", "periodic", "--period", "0=6"]),
        "axis 0 has a constant step, so its period is n*h; expected no period for it, got 6",
    );
    fails(
        &with(&["--coords", "0={data}/x7.npy", "--boundary", "0=periodic"]),
        "axis 0 is periodic with coordinates; expected a period for it, got none",
    );
    fails(
        &with(&[
            "--coords",
            "0={data}/x7.npy",
            "--boundary",
            "0=periodic",
            "--period",
            "0=1",
        ]),
        "period of axis 0 must be finite and greater than x[-1] - x[0]",
    );
    fails(
        &with(&["--coords", "0={data}/x7.npy", "--period", "0=10"]),
        "--period 0=10: axis 0 is one-sided; expected --boundary 0=periodic",
    );
    fails(
        &with(&["--boundary", "wrap"]),
        "--boundary: expected [AXIS=]periodic or [AXIS=]one-sided, got 'wrap'",
    );
    fails(
        &with(&["--axis", "1", "--boundary", "0=periodic"]),
        "--boundary 0=periodic: axis 0 is not one of the differentiated axes [1]",
    );
    fails(
        &with(&["--boundary", "periodic", "--period", "0"]),
        "--period: expected AXIS=VALUE, got '0'",
    );
    fails(
        &with(&["--boundary", "periodic", "--period", "1=x"]),
        "--period 1=x: expected a number after '=', got 'x'",
    );
    fails(
        &with(&["--accuracy", "8"]),
        "axis 0 has 7 samples; derivative 1, accuracy 8 needs at least 9",
    );
    fails(
        &with(&["--accuracy", "8", "--boundary", "periodic"]),
        "axis 0 has 7 samples; derivative 1, accuracy 8, periodic needs at least 9",
    );
    // A periodic slab axis with coordinates streams; its period is checked
    // on the whole axis before any slab, nothing written.
    fails(
        &[
            "grad",
            "{data}/long.npy",
            "-o",
            "{out}/g.npz",
            "--coords",
            "0={data}/x64.npy",
            "--boundary",
            "0=periodic",
            "--period",
            "0=190",
            "--memory",
            "16KiB",
        ],
        "period of axis 0 must be finite and greater than x[-1] - x[0] = 190.5; got 190",
    );
}

#[test]
fn usage_errors_exit_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    fails_in(
        dir.path(),
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/o.npz",
            "--edge-order",
            "3",
        ],
        "possible values: 1, 2",
        2,
    );
    fails_in(
        dir.path(),
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/o.npz",
            "--accuracy",
            "3",
        ],
        "possible values: 2, 4, 6, 8",
        2,
    );
    fails_in(
        dir.path(),
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/o.npz",
            "--accuracy",
            "4",
            "--edge-order",
            "2",
        ],
        "the argument '--accuracy <K>' cannot be used with '--edge-order <ORDER>'",
        2,
    );
    fails_in(dir.path(), &["grad", "{data}/f64_c.npy"], "--output", 2);
    fails_in(dir.path(), &["frobnicate"], "unrecognized subcommand", 2);
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn existing_outputs_are_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.npy");
    std::fs::write(&out, "precious").unwrap();
    let args = [
        "grad",
        "{data}/f64_c.npy",
        "-o",
        "{out}/o.npy",
        "--axis",
        "0",
    ];
    fails_in(
        dir.path(),
        &args,
        "already exists; pass --force to replace it",
        1,
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
    crate::util::ok(&[&args[..], &["--force"]].concat(), dir.path());
    assert_ne!(std::fs::read(&out).unwrap(), b"precious");
    assert_eq!(entries(dir.path()), ["o.npy"]);
}

#[test]
fn help_shows_examples_for_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    for sub in [
        &["--help"][..],
        &["grad", "--help"],
        &["edges", "--help"],
        &["plot", "--help"],
        &["demo", "--help"],
        &["derivative", "--help"],
        &["magnitude", "--help"],
        &["laplacian", "--help"],
        &["div", "--help"],
        &["curl", "--help"],
    ] {
        let o = ndgrad(sub, dir.path());
        assert!(o.status.success());
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("Examples:"), "{sub:?}:\n{text}");
        // What a zero step does (issue 32).
        if sub.len() == 2 && sub[0] != "demo" && sub[0] != "plot" && sub[0] != "edges" {
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                words.contains(
                    "A zero or non-finite step is refused, except by NumPy's own formulas (grad, \
                     magnitude, div and curl without --accuracy), which keep NumPy's result (inf \
                     or nan)"
                ),
                "{sub:?}:\n{text}"
            );
        }
    }
}

#[test]
fn vector_fields_need_one_component_per_axis_of_one_shape_and_dtype() {
    let d = |name: &str| format!("{{data}}/{name}");
    let (u, v, w) = (d("u3.npy"), d("v3.npy"), d("w3.npy"));
    fails(
        &["div", &u, &v, "-o", "{out}/d.npy"],
        "div takes one component per axis: expected 3, got 2",
    );
    fails(
        &["curl", &u, &v, &w, &u, "-o", "{out}/c.npz"],
        "curl takes one component per axis: expected 3, got 4",
    );
    // Checked before streaming, too.
    fails(
        &["div", &u, &v, "-o", "{out}/d.npy", "--memory", "1KiB"],
        "div takes one component per axis: expected 3, got 2",
    );
    fails(
        &["div", &u, &d("short3.npy"), &w, "-o", "{out}/d.npy"],
        "component 1 has shape [9, 7, 1], expected [9, 7, 8] (component 0's shape)",
    );
    fails(
        &["curl", &u, &v, &d("u3_f32.npy"), "-o", "{out}/c.npz"],
        "component 2 is float32, component 0 is float64: save the components with one dtype",
    );
    fails(
        &["div", &d("field3.npz"), "-o", "{out}/d.npy"],
        "name the components of",
    );
    fails(
        &[
            "div",
            &d("field3.npz"),
            "--components",
            "u,v,q",
            "-o",
            "{out}/d.npy",
        ],
        "no array 'q' in the archive; it holds: u, v, w",
    );
    fails(
        &[
            "div",
            &u,
            &v,
            &w,
            "--components",
            "u,v,w",
            "-o",
            "{out}/d.npy",
        ],
        "--components names the members of one .npz input",
    );
    fails(
        &["div", &d("field3.npz"), &u, "-o", "{out}/d.npy"],
        "the components come as .npy files, one per component, or as members of one .npz",
    );
    fails(
        &["curl", &u, &v, &w, "-o", "{out}/c.npy"],
        "3 axes give 3 arrays but a .npy file holds one",
    );
}

#[test]
fn curl_is_refused_outside_two_and_three_dimensions() {
    fails(
        &["curl", "{data}/nan.npy", "-o", "{out}/c.npy"],
        "curl is defined in 2 or 3 dimensions; got 1 axes",
    );
    let dir = tempfile::tempdir().unwrap();
    let f4 = dir.path().join("f4.npy");
    crate::util::write_npy_f64(&f4, &[2, 3, 3, 3], false, (0..54).map(f64::from));
    let before = entries(dir.path());
    fails_in(
        dir.path(),
        &[
            "curl",
            "{out}/f4.npy",
            "{out}/f4.npy",
            "{out}/f4.npy",
            "{out}/f4.npy",
            "-o",
            "{out}/c.npz",
        ],
        "curl is defined in 2 or 3 dimensions; got 4 axes",
        1,
    );
    // Three of the four axes are a 3-D curl.
    crate::util::ok(
        &[
            "curl",
            "{out}/f4.npy",
            "{out}/f4.npy",
            "{out}/f4.npy",
            "--axis",
            "1,2,3",
            "-o",
            "{out}/c.npz",
        ],
        dir.path(),
    );
    assert_eq!(entries(dir.path()).len(), before.len() + 1);
}

#[test]
fn operators_refuse_what_they_cannot_compute() {
    fails(
        &["magnitude", "{data}/c64.npy", "-o", "{out}/m.npy"],
        "magnitude is defined for real data, got complex64",
    );
    fails(
        &[
            "magnitude",
            "{data}/c64.npy",
            "-o",
            "{out}/m.npy",
            "--memory",
            "1KiB",
        ],
        "magnitude is defined for real data, got complex64",
    );
    fails(
        &["laplacian", "{data}/short3.npy", "-o", "{out}/l.npy"],
        "axis 2 has 1 samples",
    );
    fails(
        &[
            "derivative",
            "{data}/f64_c.npy",
            "-o",
            "{out}/d.npz",
            "--order",
            "2",
            "--accuracy",
            "8",
        ],
        "axis 0 has 7 samples",
    );
    // Streamed: the whole shape is checked before any slab.
    fails(
        &[
            "derivative",
            "{data}/long.npy",
            "-o",
            "{out}/d.npz",
            "--order",
            "4",
            "--accuracy",
            "8",
            "--coords",
            "1={data}/x7.npy",
            "--memory",
            "8KiB",
        ],
        "coordinates for axis 1 have length 7, expected 50",
    );
    fails(
        &[
            "laplacian",
            "{data}/long.npy",
            "-o",
            "{out}/l.csv",
            "--memory",
            "8KiB",
        ],
        "CSV output is written from memory",
    );
    fails(
        &["magnitude", "{data}/f64_c.npy", "-o", "{out}/m.png"],
        "magnitude writes .npy, .npz or .csv",
    );
    fails(
        &[
            "derivative",
            "{data}/f64_c.npy",
            "--order",
            "2",
            "-o",
            "{out}/d.png",
        ],
        "derivative writes .npy, .npz or .csv",
    );
    fails(
        &["laplacian", "{data}/track.csv", "-o", "{out}/l.npy"],
        "this command reads .npy or .npz files",
    );
    fails(
        &[
            "derivative",
            "{data}/f64_c.npy",
            "--array",
            "a",
            "-o",
            "{out}/d.npz",
            "--order",
            "1",
        ],
        "--array chooses an array of a .npz file",
    );
}

#[test]
fn operator_usage_errors_exit_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    fails_in(
        dir.path(),
        &[
            "derivative",
            "{data}/f64_c.npy",
            "-o",
            "{out}/d.npz",
            "--order",
            "5",
        ],
        "5 is not in 1..=4",
        2,
    );
    fails_in(
        dir.path(),
        &[
            "laplacian",
            "{data}/f64_c.npy",
            "-o",
            "{out}/l.npy",
            "--edge-order",
            "2",
        ],
        "unexpected argument '--edge-order'",
        2,
    );
    fails_in(
        dir.path(),
        &["derivative", "{data}/f64_c.npy", "-o", "{out}/d.npz"],
        "--order <D>",
        2,
    );
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn streamed_components_must_share_one_layout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    crate::util::write_npy_f64(&d.join("c.npy"), &[4, 5], false, (0..20).map(f64::from));
    crate::util::write_npy_f64(&d.join("f.npy"), &[4, 5], true, (0..20).map(f64::from));
    let args = ["div", "{out}/c.npy", "{out}/f.npy", "-o", "{out}/d.npy"];
    fails_in(
        d,
        &[&args[..], &["--memory", "200"]].concat(),
        "components 0 and 1 are stored in different orders (C and Fortran)",
        1,
    );
    assert_eq!(entries(d), ["c.npy", "f.npy"]);
    // In memory, layouts mix freely.
    crate::util::ok(&args, d);
    assert_eq!(entries(d), ["c.npy", "d.npy", "f.npy"]);
}

/// Unmounts a filesystem when dropped.
#[cfg(target_os = "linux")]
struct Unmount<'a>(&'a Path);

#[cfg(target_os = "linux")]
impl Drop for Unmount<'_> {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(self.0).status();
    }
}

/// A full disk, for real: a 256 KiB tmpfs that cannot hold the output
/// (root only: the test mounts it; elsewhere it says why it did not run).
/// In memory and streamed: a one-line error naming the output and the cause,
/// exit status 1, no partial file, and a previous output left whole
/// (issue 15).
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_one_line_error_and_leaves_nothing_partial() {
    use std::process::Command;

    let mnt = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(mnt.path())
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    }
    let _unmount = Unmount(mnt.path());
    let src = tempfile::tempdir().unwrap();
    let input = src.path().join("in.npy");
    // 128 KiB of input, two 128 KiB outputs: more than the 256 KiB disk.
    crate::util::write_npy_f64(&input, &[128, 128], false, (0..128 * 128).map(f64::from));
    let small = mnt.path().join("previous.npz");
    std::fs::write(&small, b"previous").unwrap();
    for memory in ["1GiB", "16KiB"] {
        for out in ["o.npz", "previous.npz"] {
            let o = Command::new(env!("CARGO_BIN_EXE_ndgrad"))
                .args(["grad", &input.to_string_lossy(), "-o"])
                .arg(mnt.path().join(out))
                .args(["--force", "--memory", memory])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{memory} {out}: {stderr}");
            assert!(stderr.starts_with("ndgrad: error: "), "{stderr}");
            assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
            assert!(stderr.contains("No space left on device"), "{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert_eq!(
                entries(mnt.path()),
                ["previous.npz"],
                "{memory} {out}: something partial was left"
            );
            assert_eq!(std::fs::read(&small).unwrap(), b"previous");
        }
    }
}

/// An axis takes one step or one set of coordinates: two options for one
/// axis are refused instead of one silently winning (issue 32).
#[test]
fn an_axis_takes_one_spacing() {
    let f = ["grad", "{data}/f64_c.npy", "-o", "{out}/g.npz"];
    let with = |extra: &[&'static str]| [&f[..], extra].concat();
    fails(
        &with(&["--coords", "0={data}/x7.npy", "--spacing", "0.5"]),
        "conflicting spacing for axis 0: --spacing 0.5 and --coords 0=",
    );
    fails(
        &with(&["--coords", "0={data}/x7.npy", "--spacing", "0.5,2"]),
        "conflicting spacing for axis 0: --spacing 0.5,2 and --coords 0=",
    );
    fails(
        &with(&[
            "--coords",
            "0={data}/x7.npy",
            "--coords",
            "-2={data}/x7.npy",
        ]),
        "x7.npy and --coords -2=",
    );
    fails(
        &with(&["--coords", "1={data}/x7.npy", "--spacing", "1=0.5"]),
        "conflicting spacing for axis 1: --spacing 1=0.5 and --coords 1=",
    );
    fails(
        &with(&["--spacing", "0=1,-2=2"]),
        "conflicting spacing for axis 0: --spacing 0=1 and --spacing -2=2; expected one step or \
         one set of coordinates per axis",
    );
    fails(
        &with(&["--spacing", "0.5,1=2"]),
        "--spacing: expected steps (one, or one per differentiated axis) or AXIS=H pairs, not \
         both; got '0.5,1=2'",
    );
    fails(
        &with(&["--spacing", "1=x"]),
        "--spacing: expected a number, got 'x'",
    );
    // Coordinates on one axis, a step on the other: as each axis alone.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    crate::util::ok(
        &with(&["--coords", "0={data}/x7.npy", "--spacing", "1=0.5"]),
        d,
    );
    crate::util::ok(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/0.npy",
            "--axis",
            "0",
            "--coords",
            "0={data}/x7.npy",
        ],
        d,
    );
    crate::util::ok(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/1.npy",
            "--axis",
            "1",
            "--spacing",
            "0.5",
        ],
        d,
    );
    let both = crate::util::read_npz(&d.join("g.npz"));
    let names: Vec<&str> = both.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["axis0", "axis1"]);
    crate::util::assert_same(
        "axis 0",
        &both[0].1,
        &crate::util::read_npy(&d.join("0.npy")),
    );
    crate::util::assert_same(
        "axis 1",
        &both[1].1,
        &crate::util::read_npy(&d.join("1.npy")),
    );
}

/// A 0-d array has no axis: said so, not "choose an axis with --axis"
/// (issue 32).
#[test]
fn a_0d_array_has_no_axis_to_differentiate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    crate::util::write_npy_f64(&d.join("scalar.npy"), &[], false, [4.5].into_iter());
    let expect = "a 0-d array (a single number) has no axis to differentiate; expected an array \
                  of at least 1 dimension, got shape ()";
    for args in [
        &["grad", "{out}/scalar.npy", "-o", "{out}/g.npy"][..],
        &[
            "grad",
            "{out}/scalar.npy",
            "-o",
            "{out}/g.npz",
            "--memory",
            "1B",
        ],
        &[
            "derivative",
            "{out}/scalar.npy",
            "-o",
            "{out}/g.npz",
            "--order",
            "2",
        ],
        &[
            "laplacian",
            "{out}/scalar.npy",
            "-o",
            "{out}/l.npy",
            "--memory",
            "1B",
        ],
        &["magnitude", "{out}/scalar.npy", "-o", "{out}/m.npy"],
    ] {
        fails_in(d, args, expect, 1);
    }
    assert_eq!(entries(d), ["scalar.npy"]);
}

/// Negative numbers after a space reach the option's own check (clap
/// otherwise takes `-1` for a flag and suggests `-- -1`, which fails
/// again), and negative axes work in the AXIS= options (issue 32).
#[test]
fn negative_values_reach_the_range_checks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = ["{data}/f64_c.npy", "-o", "{out}/o.npz"];
    let usage = |args: &[&str], expect: &str| {
        fails_in(d, args, expect, 2);
        let stderr = String::from_utf8_lossy(&ndgrad(args, d).stderr).into_owned();
        assert!(!stderr.contains("tip:"), "{args:?}: {stderr}");
    };
    usage(
        &[&["derivative"], &f[..], &["--order", "-1"]].concat(),
        "-1 is not in 1..=4",
    );
    usage(
        &[
            &["derivative"],
            &f[..],
            &["--order", "1", "--accuracy", "-2"],
        ]
        .concat(),
        "possible values: 2, 4, 6, 8",
    );
    usage(
        &[&["grad"], &f[..], &["--edge-order", "-1"]].concat(),
        "possible values: 1, 2",
    );
    usage(
        &[&["grad"], &f[..], &["--memory", "-1"]].concat(),
        "expected a size like 256MiB or 2GiB",
    );
    for n in ["-1", "0"] {
        usage(
            &[&["grad"], &f[..], &["--threads", n]].concat(),
            &format!("expected a whole number of threads of at least 1, got '{n}'"),
        );
    }
    fails_in(
        d,
        &[
            "edges",
            "{data}/gray8.png",
            "-o",
            "{out}/e.png",
            "--threshold",
            "-1",
        ],
        "--threshold: expected 'auto' or a finite number of at least 0 (a gradient magnitude), \
         got '-1'",
        1,
    );
    fails_in(
        d,
        &[
            &["grad"],
            &f[..],
            &["--boundary", "periodic", "--period", "-1=x"],
        ]
        .concat(),
        "--period -1=x: expected a number after '=', got 'x'",
        1,
    );
    assert!(entries(d).is_empty(), "{:?}", entries(d));
    // Negative axes in AXIS= options: the same as the positive ones.
    for (neg, pos) in [
        (
            ["--coords", "-2={data}/x7.npy", "--boundary", "-1=periodic"],
            ["--coords", "0={data}/x7.npy", "--boundary", "1=periodic"],
        ),
        (
            ["--spacing", "-1=0.5", "--axis", "-1"],
            ["--spacing", "1=0.5", "--axis", "1"],
        ),
    ] {
        let out = |name: &str| format!("{{out}}/{name}");
        crate::util::ok(
            &[&["grad", "{data}/f64_c.npy", "-o", &out("n.npz")][..], &neg].concat(),
            d,
        );
        crate::util::ok(
            &[&["grad", "{data}/f64_c.npy", "-o", &out("p.npz")][..], &pos].concat(),
            d,
        );
        assert_eq!(
            std::fs::read(d.join("n.npz")).unwrap(),
            std::fs::read(d.join("p.npz")).unwrap(),
            "{neg:?}"
        );
        std::fs::remove_file(d.join("n.npz")).unwrap();
        std::fs::remove_file(d.join("p.npz")).unwrap();
    }
}

/// `--memory` refuses what does not fit in 64 bits and lists its units
/// (issue 32).
#[test]
fn memory_sizes_list_their_units_and_fit_in_64_bits() {
    let dir = tempfile::tempdir().unwrap();
    let f = ["grad", "{data}/f64_c.npy", "-o", "{out}/g.npz", "--memory"];
    fails_in(
        dir.path(),
        &[&f[..], &["18446744073709551616"]].concat(),
        "expected a memory budget below 16EiB (2^64 bytes), got '18446744073709551616'",
        2,
    );
    fails_in(
        dir.path(),
        &[&f[..], &["16EiB"]].concat(),
        "expected a memory budget below 16EiB",
        2,
    );
    fails_in(
        dir.path(),
        &[&f[..], &["1ZiB"]].concat(),
        "a number and a unit B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB, P/PB/PiB or E/EB/EiB \
         (all powers of 1024); got '1ZiB'",
        2,
    );
    assert!(entries(dir.path()).is_empty());
    crate::util::ok(&[&f[..], &["1EiB"]].concat(), dir.path());
}

/// `edges --threshold` is `auto` or a magnitude: finite, at least 0
/// (issue 32: NaN was accepted and found nothing).
#[test]
fn edge_thresholds_are_finite_magnitudes() {
    for t in ["nan", "inf", "-inf", "-0.5", "NaN"] {
        fails(
            &[
                "edges",
                "{data}/gray8.png",
                "-o",
                "{out}/e.png",
                "--threshold",
                t,
            ],
            &format!(
                "--threshold: expected 'auto' or a finite number of at least 0 (a gradient \
                 magnitude), got '{t}'"
            ),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    crate::util::ok(
        &[
            "edges",
            "{data}/gray8.png",
            "-o",
            "{out}/e.png",
            "--threshold",
            "0",
        ],
        dir.path(),
    );
}

/// CSV columns: a header naming one column twice is refused; the valid
/// indices are written so that none looks out of range (issue 32).
#[test]
fn csv_columns_are_named_once_and_indexed_in_range() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("dup.csv"), "t,s,t\n0,1,2\n1,2,3\n2,4,5\n").unwrap();
    std::fs::write(d.join("two.csv"), "t,s\n0,1\n1,2\n2,4\n").unwrap();
    std::fs::write(d.join("bare.csv"), "0,1\n1,2\n2,4\n").unwrap();
    let before = entries(d);
    for x in [None, Some("t"), Some("1")] {
        let mut args = vec!["grad", "{out}/dup.csv", "-o", "{out}/v.csv"];
        args.extend(x.iter().flat_map(|x| ["--x", x]));
        fails_in(
            d,
            &args,
            "dup.csv': the header names column 't' twice (columns 0 and 2); expected distinct \
             column names",
            1,
        );
    }
    fails_in(
        d,
        &["grad", "{out}/two.csv", "-o", "{out}/v.csv", "--x", "2"],
        "no column '2': columns are t, s (or index 0 or 1)",
        1,
    );
    fails_in(
        d,
        &["grad", "{out}/bare.csv", "-o", "{out}/v.csv", "--x", "2"],
        "no column '2': columns are index 0 or 1 (no header row)",
        1,
    );
    fails(
        &["grad", "{data}/track.csv", "-o", "{out}/v.csv", "--x", "3"],
        "no column '3': columns are t, s, h (or indices 0 to 2)",
    );
    assert_eq!(entries(d), before);
}

/// A zero or non-finite step is refused by the schemes beyond NumPy
/// (`derivative`, `laplacian`, `--accuracy`), as Python refuses it, in
/// memory and streamed, with nothing written (issue 32: they wrote NaN and
/// infinities with exit status 0).
#[test]
fn a_zero_or_non_finite_step_is_refused_beyond_numpy() {
    for line in [
        "derivative {data}/f64_c.npy --order 1 --axis 0 --spacing 0 -o {out}/r.npy",
        "laplacian {data}/f64_c.npy --spacing 0 -o {out}/l.npy",
        "derivative {data}/f64_c.npy --order 2 --spacing nan -o {out}/r.npz",
        "derivative {data}/f64_c.npy --order 2 --spacing 1,-inf -o {out}/r.npz",
        "derivative {data}/f64_c.npy --order 3 --accuracy 4 --spacing 1=0.0 -o {out}/r.npz",
        "laplacian {data}/f64_c.npy --spacing 0 --boundary periodic -o {out}/l.npy",
        "grad {data}/f64_c.npy --accuracy 2 --spacing 0 -o {out}/g.npz",
        "grad {data}/f64_c.npy --accuracy 4 --spacing inf -o {out}/g.npz",
        "magnitude {data}/f64_c.npy --accuracy 6 --spacing 0 -o {out}/m.npy",
        "div {data}/u3.npy {data}/v3.npy {data}/w3.npy --accuracy 4 --spacing nan -o {out}/d.npy",
        // Streamed: refused before any slab.
        "derivative {data}/long.npy --order 2 --spacing 0 --memory 8KiB -o {out}/r.npz",
        "grad {data}/long.npy --accuracy 4 --spacing nan --memory 8KiB -o {out}/g.npz",
    ] {
        let args: Vec<&str> = line.split_whitespace().collect();
        fails(&args, "finite and nonzero");
    }
}

/// NumPy's own formulas (`grad` without --accuracy) keep NumPy's result
/// for a zero step: `np.gradient(f, 0)` divides by zero, giving infinities
/// where the differences are nonzero and NaN where they are 0 (issue 32).
#[test]
fn a_zero_step_keeps_numpys_result_on_numpys_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Repeated values, so that some differences are 0 (0/0 = NaN); 12
    // rows, so that it can be streamed in slabs of a few.
    let (rows, cols) = (12, 5);
    let block = [
        1.0, 1.0, 2.0, 5.0, 5.0, //
        1.0, 3.0, 2.0, -5.0, 4.0, //
        2.0, 1.0, 2.0, 5.0, 5.0, //
        2.0, 1.0, 0.5, 5.0, -1.0,
    ];
    let f: Vec<f64> = (0..rows * cols)
        .map(|k| block[k % 20] + (k / 20) as f64)
        .collect();
    crate::util::write_npy_f64(&d.join("f.npy"), &[rows, cols], false, f.iter().copied());
    // numpy.gradient's uniform formulas with edge_order=1 and dx = 0:
    // (f[1] - f[0]) / dx at the ends, (f[i+1] - f[i-1]) / (2. * dx) inside.
    let dx = 0.0_f64;
    let numpy = |axis: usize| -> Vec<f64> {
        let (n, at): (usize, Box<dyn Fn(usize, usize) -> f64>) = if axis == 0 {
            (rows, Box::new(|i, j| f[i * cols + j]))
        } else {
            (cols, Box::new(|i, j| f[j * cols + i]))
        };
        let other = if axis == 0 { cols } else { rows };
        let mut g = vec![0.0; rows * cols];
        for j in 0..other {
            for i in 0..n {
                let v = if i == 0 {
                    (at(1, j) - at(0, j)) / dx
                } else if i == n - 1 {
                    (at(n - 1, j) - at(n - 2, j)) / dx
                } else {
                    (at(i + 1, j) - at(i - 1, j)) / (2. * dx)
                };
                let k = if axis == 0 {
                    i * cols + j
                } else {
                    j * cols + i
                };
                g[k] = v;
            }
        }
        g
    };
    let expect = |axis: usize| crate::util::Npy {
        code: "f8".into(),
        fortran: false,
        shape: vec![rows, cols],
        le: numpy(axis).iter().flat_map(|v| v.to_le_bytes()).collect(),
    };
    let (e0, e1) = (numpy(0), numpy(1));
    assert!(e0.iter().chain(&e1).any(|v| v.is_nan()));
    assert!(e0.iter().chain(&e1).any(|v| *v == f64::INFINITY));
    assert!(e0.iter().chain(&e1).any(|v| *v == f64::NEG_INFINITY));
    assert!(e0.iter().chain(&e1).all(|v| !v.is_finite()));
    for (spacing, memory) in [("0", "1GiB"), ("0.0", "1GiB"), ("0", "1000B")] {
        let out = format!("g{spacing}-{memory}.npz");
        let report = crate::util::ok(
            &[
                "grad",
                "{out}/f.npy",
                "--spacing",
                spacing,
                "--memory",
                memory,
                "--verbose",
                "-o",
                &format!("{{out}}/{out}"),
            ],
            d,
        );
        assert_eq!(report.contains("streaming"), memory != "1GiB", "{report}");
        let got = crate::util::read_npz(&d.join(&out));
        assert_eq!(got.len(), 2);
        for (axis, (name, g)) in got.iter().enumerate() {
            assert_eq!(name, &format!("axis{axis}"));
            crate::util::assert_same(
                &format!("--spacing {spacing} {memory} {name}"),
                g,
                &expect(axis),
            );
        }
    }
}
