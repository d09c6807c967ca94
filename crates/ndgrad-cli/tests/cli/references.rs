//! The cases of `tests/data/cases.json`: command lines whose outputs must be
//! what NumPy computed (`scripts/gen_cli_refs.py`), bit for bit.

use serde_json::Value;

use crate::util::{assert_close, assert_same, data_dir, ok, read_csv, read_npy, read_npz};

#[test]
fn every_reference_case_matches_numpy() {
    let cases: Value =
        serde_json::from_str(&std::fs::read_to_string(data_dir().join("cases.json")).unwrap())
            .unwrap();
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 115, "{} cases", cases.len());
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let out = tempfile::tempdir().unwrap();
        let args: Vec<&str> = case["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        ok(&args, out.path());
        let got_path = out.path().join(case["output"].as_str().unwrap());
        let want_path = data_dir().join(case["expected"].as_str().unwrap());
        match got_path.extension().and_then(|e| e.to_str()) {
            Some("npz") => {
                let got = read_npz(&got_path);
                let want = read_npz(&want_path);
                let names =
                    |v: &[(String, _)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
                assert_eq!(names(&got), names(&want), "{id}: array names");
                for ((name, g), (_, w)) in got.iter().zip(&want) {
                    assert_same(&format!("{id}/{name}"), g, w);
                }
            }
            Some("npy") => {
                let ulps = case.get("ulps").and_then(Value::as_u64).unwrap_or(0);
                assert_close(id, &read_npy(&got_path), &read_npy(&want_path), ulps);
            }
            Some("csv") => {
                let mut want = read_npy(&want_path);
                // CSV holds float64 text in C order.
                want.fortran = false;
                assert_same(id, &read_csv(&got_path), &want);
            }
            other => panic!("{id}: unexpected output {other:?}"),
        }
    }
}
