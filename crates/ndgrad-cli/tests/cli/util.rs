//! Running the built binary and reading what it wrote.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ndarray_npy::npy::header::Header;
use py_literal::Value;

/// The committed reference data (`scripts/gen_cli_refs.py`).
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Runs `ndgrad` with `args` (`{data}` and `{out}` substituted).
pub fn ndgrad(args: &[&str], out: &Path) -> Output {
    let data = data_dir();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{data}", &data.to_string_lossy())
                .replace("{out}", &out.to_string_lossy())
        })
        .collect();
    Command::new(env!("CARGO_BIN_EXE_ndgrad"))
        .args(&args)
        .output()
        .expect("the ndgrad binary runs")
}

/// Asserts success and returns stderr.
pub fn ok(args: &[&str], out: &Path) -> String {
    let o = ndgrad(args, out);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "ndgrad {args:?} failed: {stderr}");
    stderr
}

/// An `.npy` file's dtype (without byte order), layout, shape and its data
/// as little-endian bytes.
#[derive(Debug)]
pub struct Npy {
    pub code: String,
    pub fortran: bool,
    pub shape: Vec<usize>,
    pub le: Vec<u8>,
}

pub fn parse_npy(mut r: impl Read) -> Npy {
    let h = Header::from_reader(&mut r).expect("an .npy header");
    let Value::String(descr) = &h.type_descriptor else {
        panic!("unexpected descr {}", h.type_descriptor)
    };
    let (order, code) = descr.split_at(1);
    let mut data = Vec::new();
    r.read_to_end(&mut data).unwrap();
    let item: usize = code[1..].parse().unwrap();
    let lane = if code.starts_with('c') {
        item / 2
    } else {
        item
    };
    if order == ">" {
        for chunk in data.chunks_exact_mut(lane) {
            chunk.reverse();
        }
    }
    Npy {
        code: code.to_owned(),
        fortran: h.layout.is_fortran(),
        shape: h.shape,
        le: data,
    }
}

pub fn read_npy(path: &Path) -> Npy {
    parse_npy(std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The members of an `.npz`.
pub fn read_npz(path: &Path) -> Vec<(String, Npy)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let npy = parse_npy(zip.by_name(&n).unwrap());
            (n.trim_end_matches(".npy").to_owned(), npy)
        })
        .collect()
}

/// Bit-for-bit equality of two arrays' values; NaNs are equal to NaNs
/// (their sign and payload are not promised).
pub fn assert_same(what: &str, got: &Npy, want: &Npy) {
    assert_close(what, got, want, 0);
}

/// As [`assert_same`], allowing `ulps` units in the last place for float64
/// values (for atan2, which no library rounds correctly).
pub fn assert_close(what: &str, got: &Npy, want: &Npy, ulps: u64) {
    assert_eq!(got.code, want.code, "{what}: dtype");
    assert_eq!(got.shape, want.shape, "{what}: shape");
    assert_eq!(got.fortran, want.fortran, "{what}: memory order");
    if got.le == want.le {
        return;
    }
    let lane: usize =
        got.code[1..].parse::<usize>().unwrap() / if got.code.starts_with('c') { 2 } else { 1 };
    assert!(
        got.code.starts_with(['f', 'c']),
        "{what}: integer data differs"
    );
    for (i, (a, b)) in got
        .le
        .chunks_exact(lane)
        .zip(want.le.chunks_exact(lane))
        .enumerate()
    {
        let nan = |x: &[u8]| match lane {
            2 => half_is_nan(u16::from_le_bytes(x.try_into().unwrap())),
            4 => f32::from_le_bytes(x.try_into().unwrap()).is_nan(),
            _ => f64::from_le_bytes(x.try_into().unwrap()).is_nan(),
        };
        let near = lane == 8 && {
            let x = i64::from_le_bytes(a.try_into().unwrap());
            let y = i64::from_le_bytes(b.try_into().unwrap());
            x.abs_diff(y) <= ulps
        };
        assert!(
            a == b || near || (nan(a) && nan(b)),
            "{what}: value {i} differs: {a:?} vs {b:?}"
        );
    }
}

fn half_is_nan(bits: u16) -> bool {
    bits & 0x7c00 == 0x7c00 && bits & 0x03ff != 0
}

/// The numeric cells of a CSV file as a float64 "npy" (a header row, if
/// any, is skipped).
pub fn read_csv(path: &Path) -> Npy {
    let text = std::fs::read_to_string(path).unwrap();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cells: Result<Vec<f64>, _> = line.split(',').map(str::parse::<f64>).collect();
        match cells {
            Ok(c) => rows.push(c),
            Err(_) if i == 0 => {}
            Err(e) => panic!("{}: line {}: {e}", path.display(), i + 1),
        }
    }
    let cols = rows[0].len();
    Npy {
        code: "f8".into(),
        fortran: false,
        shape: if cols == 1 {
            vec![rows.len()]
        } else {
            vec![rows.len(), cols]
        },
        le: rows
            .iter()
            .flatten()
            .flat_map(|v| v.to_le_bytes())
            .collect(),
    }
}

/// Files left in a directory (a failed run must leave none behind).
pub fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Writes a little-endian `.npy` of f64 values.
pub fn write_npy_f64(
    path: &Path,
    shape: &[usize],
    fortran: bool,
    values: impl Iterator<Item = f64>,
) {
    use std::io::Write;
    let header = Header {
        type_descriptor: Value::String("<f8".into()),
        layout: if fortran {
            ndarray_npy::npy::header::Layout::Fortran
        } else {
            ndarray_npy::npy::header::Layout::Standard
        },
        shape: shape.to_vec(),
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    header.write(&mut w).unwrap();
    for v in values {
        w.write_all(&v.to_le_bytes()).unwrap();
    }
}

/// Writes a 1-D `.npy` of `len` values of type `descr` (`"<f4"`, `"<i4"`,
/// ...) from their little-endian bytes.
pub fn write_npy_1d(path: &Path, descr: &str, len: usize, le: &[u8]) {
    use std::io::Write;
    let header = Header {
        type_descriptor: Value::String(descr.into()),
        layout: ndarray_npy::npy::header::Layout::Standard,
        shape: vec![len],
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    header.write(&mut w).unwrap();
    w.write_all(le).unwrap();
}

/// Waits at most `limit` for `child`; kills it and fails the test if it is
/// still running then (a hang is a failure, never a stuck test run).
pub fn wait_at_most(
    child: &mut std::process::Child,
    limit: std::time::Duration,
    what: &str,
) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for ndgrad") {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
