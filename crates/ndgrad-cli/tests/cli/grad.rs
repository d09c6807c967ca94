//! `ndgrad grad`'s own checks and reports, word for word: its array inputs
//! go through the path the operator commands take, its CSV inputs through
//! their own, and each of its refusals and `--verbose` lines stays as it
//! was.

use std::path::Path;

use crate::util::{entries, ndgrad, ok};

/// Runs `args` in `dir`; returns the exit status and stderr.
fn run(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let o = ndgrad(args, dir);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Asserts that `args` fail with exactly the error `expect` (`{out}` and
/// `{data}` substituted) and write nothing.
fn refused(args: &[&str], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = run(args, dir.path());
    let expect = expect
        .replace("{out}", &dir.path().to_string_lossy())
        .replace("{data}", &crate::util::data_dir().to_string_lossy());
    assert_eq!(code, Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr, format!("ndgrad: error: {expect}\n"), "{args:?}");
    assert!(entries(dir.path()).is_empty(), "{args:?} wrote something");
}

#[test]
fn grad_refuses_what_its_inputs_cannot_give() {
    refused(
        &["grad", "{data}/f64_c.npy", "-o", "{out}/g.png"],
        "'{out}/g.png': grad writes .npy, .npz or .csv (for pictures use `ndgrad plot`)",
    );
    refused(
        &["grad", "{data}/gray8.png", "-o", "{out}/g.npz"],
        "'{data}/gray8.png' is an image: use `ndgrad edges` (or save it as .npy)",
    );
    for flag in ["--x", "--y"] {
        refused(
            &["grad", "{data}/f64_c.npy", "-o", "{out}/g.npz", flag, "t"],
            "--x and --y choose CSV columns, but the input is not a CSV file",
        );
    }
    refused(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/g.npz",
            "--array",
            "a",
        ],
        "--array chooses an array of a .npz file, but the input is not one",
    );
    refused(
        &[
            "grad",
            "{data}/track.csv",
            "-o",
            "{out}/g.npz",
            "--array",
            "a",
        ],
        "--array chooses an array of a .npz file, but the input is CSV",
    );
    refused(
        &[
            "grad",
            "{data}/f64_c.npy",
            "-o",
            "{out}/g.npz",
            "--delimiter",
            "→",
        ],
        "--delimiter must be one ASCII character",
    );
    // A streamed input cannot be written as CSV, whichever command reads it.
    for command in ["grad", "magnitude"] {
        refused(
            &[
                command,
                "{data}/long.npy",
                "-o",
                "{out}/g.csv",
                "--axis",
                "0",
                "--memory",
                "8KiB",
            ],
            "'{data}/long.npy' needs 50.0 KiB in memory, more than --memory 8.0 KiB: CSV \
             output is written from memory, so write .npy or .npz (streamed) or raise --memory",
        );
    }
}

#[test]
fn grad_checks_its_output_before_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.npz");
    std::fs::write(&out, b"keep").unwrap();
    // An output that exists is the first error, before the input's.
    for extra in [&["--x", "t"][..], &["--array", "a"], &["--axis", "5"]] {
        let args = [
            &["grad", "{data}/f64_c.npy", "-o", "{out}/g.npz"][..],
            extra,
        ]
        .concat();
        let (code, stderr) = run(&args, dir.path());
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr,
            format!(
                "ndgrad: error: '{}' already exists; pass --force to replace it\n",
                out.display()
            )
        );
    }
    assert_eq!(std::fs::read(&out).unwrap(), b"keep");
}

#[test]
fn grad_refuses_csv_options_that_do_not_fit_a_table() {
    let csv = |extra: &[&'static str]| {
        [
            &["grad", "{data}/track.csv", "-o", "{out}/v.csv"][..],
            extra,
        ]
        .concat()
    };
    refused(
        &csv(&["--axis", "1"]),
        "a CSV table is differentiated down its columns (axis 0); drop --axis",
    );
    refused(
        &csv(&["--coords", "0={data}/x7.npy"]),
        "with CSV input, name the coordinates column with --x instead of --coords",
    );
    refused(
        &csv(&["--x", "t", "--spacing", "0.5"]),
        "give either --x (coordinates) or --spacing, not both",
    );
    refused(
        &csv(&["--spacing", "0.5,0.25"]),
        "--spacing: a CSV table has one axis, got 2 values",
    );
}

#[test]
fn grad_reports_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let peak = |line: &str, prefix: &str, suffix: &str| {
        let rest = line
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
            .unwrap_or_else(|| panic!("{line:?} is not {prefix:?}…{suffix:?}"));
        assert!(
            rest == "unknown"
                || rest
                    .strip_suffix(" MiB")
                    .is_some_and(|n| n.parse::<f64>().is_ok()),
            "{line}"
        );
    };
    let report = ok(
        &["grad", "{data}/f64_c.npy", "-o", "{out}/g.npz", "-v"],
        dir.path(),
    );
    peak(
        &report,
        &format!("ndgrad: wrote '{d}/g.npz': 2 array(s) of float64 [7, 9] in memory; peak memory "),
        "\n",
    );
    let report = ok(
        &[
            "grad",
            "{data}/long.npy",
            "-o",
            "{out}/s.npy",
            "--axis",
            "0",
            "--memory",
            "8KiB",
            "-v",
            "-q",
        ],
        dir.path(),
    );
    let (head, tail) = report
        .split_once("; peak memory ")
        .unwrap_or_else(|| panic!("{report}"));
    let slabs = head
        .strip_prefix(&format!("ndgrad: wrote '{d}/s.npy' streaming "))
        .unwrap_or_else(|| panic!("{report}"));
    let (n, rows) = slabs
        .split_once(" slabs of at most ")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(n.parse::<usize>().unwrap() > 1, "{report}");
    assert!(
        rows.strip_suffix(" rows")
            .is_some_and(|r| r.parse::<usize>().is_ok()),
        "{report}"
    );
    peak(tail, "", " (limit 8.0 KiB)\n");
    let report = ok(
        &[
            "grad",
            "{data}/track.csv",
            "-o",
            "{out}/v.csv",
            "--x",
            "t",
            "-v",
        ],
        dir.path(),
    );
    let rows = std::fs::read_to_string(crate::util::data_dir().join("track.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit() || c == '-'))
        .count();
    assert_eq!(
        report,
        format!("ndgrad: wrote '{d}/v.csv': 2 column(s) of {rows} rows\n")
    );
}
