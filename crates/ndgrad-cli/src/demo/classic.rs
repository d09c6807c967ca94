//! Sections 1 to 5: the classic worked examples of `numpy.gradient`
//! (sequences, a surface, edge detection, motion).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use ndarray::{Array1, Array2, Axis, array, s};
use ndgrad::{EdgeOrder, Options, Par, Spacing, gradient_axis, gradient_with};
use plotters::prelude::*;
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand_distr::{Distribution, Normal};

use super::PICTURES;
use crate::edges::{Edges, auto_threshold, mask};
use crate::plot::{self, Grid, PALETTE, Series};

fn show(a: &[f64]) -> String {
    let items: Vec<String> = a.iter().map(|v| format!("{v}")).collect();
    format!("[{}]", items.join(", "))
}

/// Section 1 and 2: a short sequence, uniform and non-uniform spacing.
pub(super) fn sequences(out: &mut String) -> Result<()> {
    let f = array![1.0, 2.0, 4.0, 7.0, 11.0, 16.0];
    let x = array![0.0, 1.0, 1.5, 3.5, 4.0, 6.0];
    let g = |sp: Spacing<'_>, e: EdgeOrder| -> Result<Array1<f64>> {
        Ok(gradient_axis(&f, Axis(0), sp, e)?)
    };
    let e1 = EdgeOrder::First;
    writeln!(out, "1. A 1-D sequence (unit spacing)")?;
    writeln!(
        out,
        "   f                          = {}",
        show(f.as_slice().unwrap_or(&[]))
    )?;
    writeln!(
        out,
        "   gradient(f)                = {}",
        show(&g(Spacing::Unit, e1)?.to_vec())
    )?;
    writeln!(
        out,
        "   gradient(f, edge_order=2)  = {}",
        show(&g(Spacing::Unit, EdgeOrder::Second)?.to_vec())
    )?;
    writeln!(out, "\n2. Spacing")?;
    writeln!(
        out,
        "   gradient(f, 2.0)           = {}   uniform step dx = 2",
        show(&g(Spacing::uniform_weak(2.0), e1)?.to_vec())
    )?;
    writeln!(out, "   x                          = {}", show(&x.to_vec()))?;
    writeln!(
        out,
        "   gradient(f, x)             = {}   non-uniform coordinates",
        show(&g(Spacing::coordinates(&x), e1)?.to_vec())
    )?;
    Ok(())
}

/// Section 3: z = x² + y² on a grid, its gradient at two points, and the
/// arrows picture.
pub(super) fn surface(out: &mut String, dir: &Path, par: Par) -> Result<()> {
    let n = 41;
    let h = 0.1;
    #[allow(clippy::cast_precision_loss)]
    let coord = |i: usize| i as f64 * h - 2.0;
    // Rows are y (axis 0), columns are x (axis 1).
    let z = Array2::from_shape_fn((n, n), |(r, c)| coord(c) * coord(c) + coord(r) * coord(r));
    let g = gradient_with(
        &z,
        &Options::new().spacing(Spacing::uniform_weak(h)).par(par),
    )?;
    let (dzdy, dzdx) = (&g[0], &g[1]);
    writeln!(
        out,
        "\n3. Surface z = x^2 + y^2 on a {n}x{n} grid over [-2, 2]^2 (step 0.1)"
    )?;
    writeln!(out, "   dz_dy, dz_dx = gradient(z, 0.1)")?;
    for (label, r, c) in [
        ("centre (x, y) = (0, 0)", 20, 20),
        ("at (x, y) = (1, -0.5)", 15, 30),
    ] {
        writeln!(
            out,
            "   {label:<23}: (dz/dx, dz/dy) = ({:.6}, {:.6})   analytic (2x, 2y) = ({:.6}, {:.6})",
            dzdx[[r, c]],
            dzdy[[r, c]],
            2.0 * coord(c),
            2.0 * coord(r)
        )?;
    }
    let path = dir.join(PICTURES[0]);
    let grid = Grid::square(2.0, h);
    plot::render(&path, (760, 700), true, |a| {
        plot::Heat {
            title: "z = x^2 + y^2 and its gradient (arrows)",
            z: &z,
            grid: &grid,
            arrows: Some((dzdy, dzdx)),
        }
        .draw(a)
    })?;
    writeln!(
        out,
        "   -> {}: the gradient field as arrows over the surface",
        path.display()
    )?;
    Ok(())
}

/// Section 4: edge detection on a synthetic image with a step edge.
pub(super) fn edges(out: &mut String, dir: &Path, par: Par) -> Result<()> {
    let (rows, cols, edge_col) = (96, 96, 48);
    let clean = Array2::from_shape_fn((rows, cols), |(_, c)| if c < edge_col { 0.2 } else { 0.8 });
    let mut rng = SmallRng::seed_from_u64(7);
    let noise = Normal::new(0.0, 0.05).context("noise distribution")?;
    let noisy = clean.mapv(|v| v + noise.sample(&mut rng));

    let e_clean = Edges::of(&clean, EdgeOrder::First, par)?;
    let e = Edges::of(&noisy, EdgeOrder::First, par)?;
    let t = auto_threshold(&e.magnitude);
    let m = mask(&e.magnitude, t);
    let on_edge = |c: usize| c + 1 == edge_col || c == edge_col;
    let found = m.iter().filter(|&&b| b).count();
    let hits = m
        .indexed_iter()
        .filter(|&((_, c), &b)| b && on_edge(c))
        .count();
    let clean_cols: Vec<f64> = e_clean
        .magnitude
        .row(0)
        .slice(s![edge_col - 2..edge_col + 2])
        .to_vec();
    #[allow(clippy::cast_precision_loss)]
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    writeln!(
        out,
        "\n4. Edge detection: a {rows}x{cols} image, 0.2 left of column {edge_col} and 0.8 from it on"
    )?;
    writeln!(
        out,
        "   |grad| = magnitude(img): sqrt(gy*gy + gx*gx) in one pass, no gradient arrays"
    )?;
    writeln!(
        out,
        "   clean image: |grad| on columns {}..{} = {}   (the step shows on the two columns beside it)",
        edge_col - 2,
        edge_col + 1,
        show(&clean_cols)
    )?;
    writeln!(
        out,
        "   noisy copy (Gaussian noise, sigma 0.05): threshold mean + 2 std of |grad| = {t:.4}"
    )?;
    writeln!(
        out,
        "   edge pixels found: {found}; on the true edge: {hits} ({:.1}% precision, {:.1}% of the {} edge pixels)",
        pct(hits, found),
        pct(hits, 2 * rows),
        2 * rows
    )?;
    let path = dir.join(PICTURES[1]);
    let maskf = m.mapv(|b| if b { 1.0 } else { 0.0 });
    let grid = Grid::indices(&[rows, cols], true);
    plot::render(&path, (1260, 460), true, |a| {
        let panels = a.split_evenly((1, 3));
        plot::Heat {
            title: "noisy image",
            z: &noisy,
            grid: &grid,
            arrows: None,
        }
        .draw(&panels[0])?;
        plot::Heat {
            title: "gradient magnitude |grad|",
            z: &e.magnitude,
            grid: &grid,
            arrows: None,
        }
        .draw(&panels[1])?;
        plot::Heat {
            title: "edges: |grad| > mean + 2 std",
            z: &maskf,
            grid: &grid,
            arrows: None,
        }
        .draw(&panels[2])
    })?;
    writeln!(
        out,
        "   -> {}: image, edge-magnitude map and edge mask",
        path.display()
    )?;
    Ok(())
}

/// Section 5: velocity and acceleration from sampled positions.
pub(super) fn motion(out: &mut String, dir: &Path) -> Result<()> {
    let dt = 0.1;
    #[allow(clippy::cast_precision_loss)]
    let t: Array1<f64> = (0..=30).map(|i| f64::from(i) * dt).collect();
    let s = t.mapv(|t| 5.0 * t * t + 2.0 * t + 1.0);
    let v_true = t.mapv(|t| 10.0 * t + 2.0);
    let step = Spacing::uniform_weak(dt);
    let v1 = gradient_axis(&s, Axis(0), step, EdgeOrder::First)?;
    let v2 = gradient_axis(&s, Axis(0), step, EdgeOrder::Second)?;
    let a2 = gradient_axis(&v2, Axis(0), step, EdgeOrder::Second)?;
    let err = |a: &Array1<f64>, b: &Array1<f64>| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    };
    let inner = |a: &Array1<f64>| a.slice(s![1..a.len() - 1]).to_owned();
    writeln!(
        out,
        "\n5. Motion: s(t) = 5t^2 + 2t + 1 sampled every {dt} s on [0, 3] (31 samples)"
    )?;
    writeln!(
        out,
        "   v = gradient(s, 0.1); analytic v(t) = 10t + 2, a = 10"
    )?;
    writeln!(
        out,
        "   edge_order=1: max |v - v_true| = {:.3e} inside, {:.3e} at the two ends (one-sided: error 5 dt)",
        err(&inner(&v1), &inner(&v_true)),
        err(&v1, &v_true)
    )?;
    writeln!(
        out,
        "   edge_order=2: max |v - v_true| = {:.3e} everywhere (exact for quadratics, up to rounding)",
        err(&v2, &v_true)
    )?;
    writeln!(
        out,
        "   a = gradient(v, 0.1, edge_order=2): max |a - 10| = {:.3e}",
        err(&a2, &Array1::from_elem(a2.len(), 10.0))
    )?;
    let a1 = gradient_axis(&v1, Axis(0), step, EdgeOrder::First)?;
    let path = dir.join(PICTURES[2]);
    motion_picture(&path, &t, &v_true, [&v1, &v2], [&a1, &a2])?;
    writeln!(
        out,
        "   -> {}: velocity and acceleration against the analytic curves",
        path.display()
    )?;
    Ok(())
}

/// The exact curve and the two edge orders' curves.
fn curves<'a>(
    t: &'a [f64],
    exact: &str,
    e: &'a [f64],
    one: &'a [f64],
    two: &'a [f64],
) -> [Series<'a>; 3] {
    let s = |label: &str, y, color, points| Series {
        label: label.into(),
        x: t,
        y,
        color,
        points,
    };
    [
        s(exact, e, BLACK, false),
        s("gradient, edge_order=1", one, PALETTE[1], true),
        s("gradient, edge_order=2", two, PALETTE[0], false),
    ]
}

/// Velocity and acceleration (edge orders 1 and 2) against the analytic
/// curves, in two panels.
fn motion_picture(
    path: &Path,
    t: &Array1<f64>,
    v_true: &Array1<f64>,
    v: [&Array1<f64>; 2],
    a: [&Array1<f64>; 2],
) -> Result<()> {
    let (t, v_true) = (t.to_vec(), v_true.to_vec());
    let [v1, v2] = v.map(|x| x.to_vec());
    let [a1, a2] = a.map(|x| x.to_vec());
    let ten = vec![10.0; t.len()];
    plot::render(path, (820, 820), true, |area| {
        let panels = area.split_evenly((2, 1));
        plot::Curves {
            title: "velocity v = ds/dt",
            x_label: "t [s]",
            y_label: "v [m/s]",
            series: &curves(&t, "analytic 10t + 2", &v_true, &v1, &v2),
            legend: SeriesLabelPosition::UpperLeft,
        }
        .draw(&panels[0])?;
        plot::Curves {
            title: "acceleration a = dv/dt (the gradient applied twice)",
            x_label: "t [s]",
            y_label: "a [m/s^2]",
            series: &curves(&t, "analytic 10", &ten, &a1, &a2),
            legend: SeriesLabelPosition::MiddleMiddle,
        }
        .draw(&panels[1])
    })
}
