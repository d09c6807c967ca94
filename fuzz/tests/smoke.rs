//! The fuzz targets on the stable toolchain, without libFuzzer: each target
//! runs on its committed seeds (`corpus/<target>`), then on inputs made by
//! mutating them (bit flips, byte and integer overwrites, insertions,
//! erasures, copies, splices of two seeds, truncation) and on random bytes.
//! A deterministic random stream drives the mutations, so a run is
//! repeatable; `NDGRAD_FUZZ_SMOKE_SEED` picks another stream and
//! `NDGRAD_FUZZ_SMOKE_RUNS` the number of generated inputs per target, and
//! `NDGRAD_FUZZ_CORPUS` another folder of seeds (replay saved inputs with
//! `NDGRAD_FUZZ_CORPUS=dir NDGRAD_FUZZ_SMOKE_RUNS=0`, `dir/<target>/` holding
//! them).
//!
//! This is the smoke run `scripts/test` does: seconds per target, no
//! coverage guidance. Long runs are `scripts/fuzz SECONDS` (libFuzzer).
//! An input that panics is saved to `artifacts/<target>/` and fails the
//! test; copy it into `corpus/<target>/` to keep it as a regression seed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

/// Generated inputs per target unless `NDGRAD_FUZZ_SMOKE_RUNS` says.
const DEFAULT_RUNS: u64 = 3000;
/// No generated input is longer (the seeds are a few KiB at most).
const MAX_LEN: usize = 1 << 16;

/// SplitMix64: a small, well-mixed stream (Steele, Lea and Flood 2014).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; the bias of the modulo is irrelevant here).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Integers that sit at boundaries: sizes, lengths and counts in file
/// headers are where readers go wrong.
const INTERESTING: [u64; 12] = [
    0,
    1,
    2,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0xffff,
    0x7fff_ffff,
    0xffff_ffff,
    0x7fff_ffff_ffff_ffff,
    u64::MAX,
];

/// One to four stacked mutations of `base`, some drawing on `other`.
fn mutate(rng: &mut Rng, base: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(8) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            2 => {
                let at = rng.below(v.len() + 1);
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(at..at, bytes);
            }
            3 if !v.is_empty() => {
                let a = rng.below(v.len());
                let b = (a + 1 + rng.below(16)).min(v.len());
                v.drain(a..b);
            }
            4 if !v.is_empty() => {
                let a = rng.below(v.len());
                let b = (a + 1 + rng.below(64)).min(v.len());
                let chunk = v[a..b].to_vec();
                let at = rng.below(v.len() + 1);
                v.splice(at..at, chunk);
            }
            5 if !other.is_empty() => {
                // Splice: a prefix of this input, a suffix of another.
                let cut = rng.below(v.len() + 1);
                let from = rng.below(other.len());
                v.truncate(cut);
                v.extend_from_slice(&other[from..]);
            }
            6 if !v.is_empty() => {
                v.truncate(rng.below(v.len()));
            }
            7 if !v.is_empty() => {
                let width = [1, 2, 4, 8][rng.below(4)];
                let value = INTERESTING[rng.below(INTERESTING.len())];
                let bytes = if rng.below(2) == 0 {
                    value.to_le_bytes()
                } else {
                    value.to_be_bytes()
                };
                let at = rng.below(v.len());
                let end = (at + width).min(v.len());
                let src = if rng.below(2) == 0 {
                    &bytes[..width]
                } else {
                    &bytes[8 - width..]
                };
                v[at..end].copy_from_slice(&src[..end - at]);
            }
            _ => {}
        }
    }
    v.truncate(MAX_LEN);
    v
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be an integer, got {s:?}")),
        Err(_) => default,
    }
}

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seeds of a target (committed, or `NDGRAD_FUZZ_CORPUS`'s), in name
/// order.
fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = std::env::var_os("NDGRAD_FUZZ_CORPUS")
        .map_or_else(|| fuzz_dir().join("corpus"), PathBuf::from);
    let dir = root.join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{} has no seeds", dir.display());
    paths
        .into_iter()
        .map(|p| {
            let bytes =
                std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            (
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                bytes,
            )
        })
        .collect()
}

/// Runs `body` on one input; on a panic, saves the input and returns where.
fn run_one(target: &str, body: ndgrad_fuzz::Target, name: &str, input: &[u8]) -> Option<PathBuf> {
    if catch_unwind(AssertUnwindSafe(|| body(input))).is_ok() {
        return None;
    }
    let dir = fuzz_dir().join("artifacts").join(target);
    let path = dir.join(format!("smoke-{name}"));
    let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input));
    Some(match saved {
        Ok(()) => path,
        Err(e) => PathBuf::from(format!("<{name}: could not save it: {e}>")),
    })
}

fn smoke(target: &str) {
    let body = ndgrad_fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|&(_, body)| body)
        .unwrap_or_else(|| panic!("no target {target}"));
    let runs = env_u64("NDGRAD_FUZZ_SMOKE_RUNS", DEFAULT_RUNS);
    let seed = env_u64("NDGRAD_FUZZ_SMOKE_SEED", 0);
    // Each target its own stream, so adding a target changes no other.
    let mut rng = Rng(seed
        ^ target.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        }));

    let seeds = seeds(target);
    let mut failed: Vec<PathBuf> = Vec::new();
    for (name, bytes) in &seeds {
        failed.extend(run_one(target, body, &format!("seed-{name}"), bytes));
    }
    for i in 0..runs {
        let input = if i % 8 == 7 {
            let n = rng.below(512);
            (0..n).map(|_| rng.next() as u8).collect()
        } else {
            let base = &seeds[rng.below(seeds.len())].1;
            let other = &seeds[rng.below(seeds.len())].1;
            mutate(&mut rng, base, other)
        };
        failed.extend(run_one(target, body, &format!("{seed}-{i}"), &input));
    }
    assert!(
        failed.is_empty(),
        "{target}: {} of {} inputs panicked; saved as\n{}",
        failed.len(),
        seeds.len() as u64 + runs,
        failed
            .iter()
            .map(|p| format!("  {}", p.display()))
            .collect::<Vec<_>>()
            .join("\n")
    );
    println!(
        "{target}: {} seeds and {runs} generated inputs, no panic",
        seeds.len()
    );
}

#[test]
fn core_api() {
    smoke("core_api");
}

#[test]
fn npy_reader() {
    smoke("npy_reader");
}

#[test]
fn csv_reader() {
    smoke("csv_reader");
}

#[test]
fn png_reader() {
    smoke("png_reader");
}

#[test]
fn the_mutator_changes_inputs_and_keeps_them_bounded() {
    let mut rng = Rng(1);
    let base = vec![7u8; 100];
    let other = vec![9u8; MAX_LEN];
    let outs: Vec<Vec<u8>> = (0..1000).map(|_| mutate(&mut rng, &base, &other)).collect();
    assert!(outs.iter().all(|o| o.len() <= MAX_LEN));
    let changed = outs.iter().filter(|o| **o != base).count();
    assert!(
        changed > 900,
        "only {changed} of 1000 mutations changed the input"
    );
    assert!(outs.iter().any(|o| o.len() < base.len()));
    assert!(outs.iter().any(|o| o.len() > base.len()));
    assert!(outs.iter().any(|o| o.contains(&9)));
}

#[test]
fn a_panicking_input_is_caught_and_saved() {
    fn body(bytes: &[u8]) {
        assert!(bytes.first() != Some(&0xaa), "planted bug");
    }
    assert_eq!(run_one("selftest", body, "fine", &[1, 2, 3]), None);
    let saved = run_one("selftest", body, "planted", &[0xaa, 5]).expect("the panic is caught");
    assert_eq!(
        std::fs::read(&saved).expect("the input is saved"),
        [0xaa, 5]
    );
    std::fs::remove_dir_all(saved.parent().expect("a folder")).expect("clean up");
}
