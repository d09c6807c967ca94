//! The demo, `edges` and `plot` write real PNG pictures.

use std::path::Path;

use crate::util::{entries, ok};

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    (info.width, info.height)
}

#[test]
fn the_demo_prints_the_worked_examples_and_writes_seven_pictures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let o = crate::util::ndgrad(&["demo", "--out-dir", "{out}"], dir.path());
    assert!(o.status.success());
    let stdout = String::from_utf8(o.stdout).unwrap();
    for expected in [
        "gradient(f)                = [1, 1.5, 2.5, 3.5, 4.5, 5]",
        "gradient(f, edge_order=2)  = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]",
        "gradient(f, 2.0)           = [0.5, 0.75, 1.25, 1.75, 2.25, 2.5]",
        "gradient(f, x)             = [1, 2.9999999999999996, 3.5, 6.700000000000001, 6.899999999999999, 2.5]",
        "(dz/dx, dz/dy) = (2.000000, -1.000000)",
        "edge pixels found",
        "5.000e-1 at the two ends",
        // Beyond NumPy: the measured orders, the 4x smaller error constant
        // of the second-derivative stencil and the alternating mode it sees,
        // the periodic seam, the Laplacian and curl.
        "slope     0.98     1.99     3.98     5.98     8.00",
        "order=2 is 4.00x more accurate",
        "derivative(order=2):  1.600",
        "period=360)            1.9e-3    1.5e-3",
        "laplacian(psi, 0.05, accuracy=4)                 1.1e-3",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }
    assert_eq!(
        entries(dir.path()),
        [
            "acceleration.png",
            "convergence.png",
            "edges.png",
            "motion.png",
            "notes.txt",
            "periodic.png",
            "surface_gradient.png",
            "vector_calculus.png"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        png_size(&dir.path().join("surface_gradient.png")),
        (760, 700)
    );
    assert_eq!(
        png_size(&dir.path().join("vector_calculus.png")),
        (1400, 440)
    );
    // A second run replaces its own pictures and nothing else.
    ok(&["demo", "--out-dir", "{out}", "--quiet"], dir.path());
    assert_eq!(entries(dir.path()).len(), 8);
}

#[test]
fn edges_writes_a_magnitude_picture_and_a_mask() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = ok(
        &[
            "edges",
            "{data}/gray8.png",
            "-o",
            "{out}/e.png",
            "--mask",
            "{out}/m.png",
            "--direction",
            "{out}/d.png",
        ],
        dir.path(),
    );
    assert!(stderr.contains("30x40 image"), "{stderr}");
    for f in ["e.png", "m.png", "d.png"] {
        assert_eq!(png_size(&dir.path().join(f)), (40, 30), "{f}");
    }
    // The step edge at column 20 is found.
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(dir.path().join("m.png")).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut buf).unwrap();
    let on_edge = (0..30)
        .filter(|r| buf[r * 40 + 19] == 255 || buf[r * 40 + 20] == 255)
        .count();
    assert!(on_edge >= 28, "{on_edge} of 30 rows mark the edge");
    // A mask as .npy holds 0/1 bytes.
    ok(
        &[
            "edges",
            "{data}/gray8.png",
            "-o",
            "{out}/e2.npy",
            "--mask",
            "{out}/m.npy",
            "--threshold",
            "40",
        ],
        dir.path(),
    );
}

#[test]
fn plot_draws_arrows_heat_maps_and_curves() {
    let dir = tempfile::tempdir().unwrap();
    ok(
        &["grad", "{data}/f64_c.npy", "-o", "{out}/g.npz"],
        dir.path(),
    );
    ok(
        &["plot", "{out}/g.npz", "-o", "{out}/arrows.png"],
        dir.path(),
    );
    ok(
        &[
            "plot",
            "{data}/f64_c.npy",
            "-o",
            "{out}/heat.png",
            "--title",
            "field",
        ],
        dir.path(),
    );
    ok(
        &[
            "plot",
            "{data}/track.csv",
            "-o",
            "{out}/curves.png",
            "--x",
            "t",
        ],
        dir.path(),
    );
    ok(
        &[
            "plot",
            "{data}/pair.npz",
            "--array",
            "pressure",
            "-o",
            "{out}/p.png",
        ],
        dir.path(),
    );
    ok(&["plot", "{data}/x7.npy", "-o", "{out}/x.png"], dir.path());
    for f in ["arrows.png", "heat.png", "curves.png", "p.png", "x.png"] {
        assert_eq!(png_size(&dir.path().join(f)), (800, 680), "{f}");
    }
}
