//! `ndgrad demo`: the classic worked examples of `numpy.gradient` on
//! built-in data, then what NumPy cannot do (accuracy orders 4 to 8,
//! second derivatives, periodic axes, the Laplacian and curl), printed,
//! and seven pictures.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use ndarray::{Array1, Array2, ArrayView1, Axis, array, s};
use ndgrad::{
    ACCURACIES, Boundary, EdgeOrder, Options, Par, Scheme, Spacing, curl, gradient_axis,
    gradient_with, laplacian,
};
use plotters::prelude::*;
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand_distr::{Distribution, Normal};

use crate::Common;
use crate::cli::DemoArgs;
use crate::edges::{Edges, auto_threshold, mask};
use crate::plot::{self, Grid, PALETTE, Series};

/// The pictures the demo writes; nothing else is written.
pub const PICTURES: [&str; 7] = [
    "surface_gradient.png",
    "edges.png",
    "motion.png",
    "convergence.png",
    "acceleration.png",
    "periodic.png",
    "vector_calculus.png",
];

fn show(a: &[f64]) -> String {
    let items: Vec<String> = a.iter().map(|v| format!("{v}")).collect();
    format!("[{}]", items.join(", "))
}

/// Section 1 and 2: a short sequence, uniform and non-uniform spacing.
fn sequences(out: &mut String) -> Result<()> {
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
fn surface(out: &mut String, dir: &Path, par: Par) -> Result<()> {
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
        plot::heat_map(
            a,
            "z = x^2 + y^2 and its gradient (arrows)",
            &z,
            &grid,
            Some((dzdy, dzdx)),
        )
    })?;
    writeln!(
        out,
        "   -> {}: the gradient field as arrows over the surface",
        path.display()
    )?;
    Ok(())
}

/// Section 4: edge detection on a synthetic image with a step edge.
fn edges(out: &mut String, dir: &Path, par: Par) -> Result<()> {
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
        plot::heat_map(&panels[0], "noisy image", &noisy, &grid, None)?;
        plot::heat_map(
            &panels[1],
            "gradient magnitude |grad|",
            &e.magnitude,
            &grid,
            None,
        )?;
        plot::heat_map(
            &panels[2],
            "edges: |grad| > mean + 2 std",
            &maskf,
            &grid,
            None,
        )
    })?;
    writeln!(
        out,
        "   -> {}: image, edge-magnitude map and edge mask",
        path.display()
    )?;
    Ok(())
}

/// Section 5: velocity and acceleration from sampled positions.
fn motion(out: &mut String, dir: &Path) -> Result<()> {
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
        plot::lines(
            &panels[0],
            "velocity v = ds/dt",
            "t [s]",
            "v [m/s]",
            &curves(&t, "analytic 10t + 2", &v_true, &v1, &v2),
            SeriesLabelPosition::UpperLeft,
        )?;
        plot::lines(
            &panels[1],
            "acceleration a = dv/dt (the gradient applied twice)",
            "t [s]",
            "a [m/s^2]",
            &curves(&t, "analytic 10", &ten, &a1, &a2),
            SeriesLabelPosition::MiddleMiddle,
        )
    })
}

/// The largest absolute difference between `a` and `b`.
fn max_err<'a>(a: impl IntoIterator<Item = &'a f64>, b: impl IntoIterator<Item = &'a f64>) -> f64 {
    a.into_iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// Convergence slopes are fitted on grids at least this fine...
const FIT_H: f64 = 0.125;
/// ...whose errors are above the rounding floor (about 1e-13 here).
const FIT_FLOOR: f64 = 1e-11;

/// The least-squares slope of `ln e` against `ln h` over the grids with
/// `h <= FIT_H` and `e >= FIT_FLOOR`: the measured order of accuracy.
fn slope(h: &[f64], e: &[f64]) -> Option<f64> {
    let pts: Vec<(f64, f64)> = h
        .iter()
        .zip(e)
        .filter(|&(&h, &e)| h <= FIT_H && e >= FIT_FLOOR)
        .map(|(h, e)| (h.ln(), e.ln()))
        .collect();
    if pts.len() < 2 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    Some(sxy / sxx)
}

/// Section 6: the error of NumPy's gradient and of accuracy 2, 4, 6 and 8
/// as the grid is refined, with the measured orders (log-log slopes).
fn accuracy(out: &mut String, dir: &Path) -> Result<()> {
    let len = 2.0;
    let sizes: Vec<usize> = (3..=9).map(|m| (1usize << m) + 1).collect();
    #[allow(clippy::cast_precision_loss)]
    let steps: Vec<f64> = sizes.iter().map(|&n| len / (n - 1) as f64).collect();
    // NumPy's default first, then accuracy k = 2, 4, 6, 8.
    let mut schemes = vec![Scheme::numpy(EdgeOrder::First)];
    for k in ACCURACIES {
        schemes.push(Scheme::new(1, k)?);
    }
    let mut errors = vec![Vec::new(); schemes.len()];
    for (&n, &h) in sizes.iter().zip(&steps) {
        #[allow(clippy::cast_precision_loss)]
        let x = Array1::from_shape_fn(n, |i| i as f64 * h);
        let f = x.mapv(|x| (2.0 * x).sin());
        let exact = x.mapv(|x| 2.0 * (2.0 * x).cos());
        for (e, &scheme) in errors.iter_mut().zip(&schemes) {
            let g = gradient_axis(&f, Axis(0), Spacing::uniform_weak(h), scheme)?;
            e.push(max_err(&g, &exact));
        }
    }
    let slopes = errors
        .iter()
        .map(|e| slope(&steps, e).context("too few grids to fit a convergence slope"))
        .collect::<Result<Vec<f64>>>()?;
    writeln!(
        out,
        "\n6. Accuracy: f(x) = sin(2x) on [0, 2] with n samples, step h = 2/(n-1)"
    )?;
    writeln!(
        out,
        "   max |g - 2cos(2x)| over every sample, ends included; g = gradient(f, h) (NumPy) or gradient(f, h, accuracy=k)"
    )?;
    let head: String = ["NumPy", "k=2", "k=4", "k=6", "k=8"]
        .map(|c| format!("{c:>9}"))
        .concat();
    writeln!(out, "   {:>5}  {:>9}{head}", "n", "h")?;
    for (i, (&n, &h)) in sizes.iter().zip(&steps).enumerate() {
        let row: Vec<String> = errors.iter().map(|e| format!("{:>9.1e}", e[i])).collect();
        writeln!(out, "   {n:>5}  {h:>9.6}{}", row.concat())?;
    }
    let row: Vec<String> = slopes.iter().map(|s| format!("{s:>9.2}")).collect();
    writeln!(out, "   {:>16}{}", "slope", row.concat())?;
    writeln!(
        out,
        "   slopes: least squares over h <= {FIT_H} and errors >= {FIT_FLOOR:.0e}. k=2 is NumPy's edge_order=2, bit for bit;"
    )?;
    let floor_n = sizes
        .iter()
        .zip(&errors[errors.len() - 1])
        .find(|&(_, &e)| e < FIT_FLOOR)
        .map_or_else(|| "-".to_owned(), |(n, _)| n.to_string());
    writeln!(
        out,
        "   NumPy has nothing higher. k=8 meets the rounding floor (errors ~1e-13) at n = {floor_n}"
    )?;
    let path = dir.join(PICTURES[3]);
    let labels = std::iter::once("numpy.gradient (edge_order=1)".to_owned())
        .chain(ACCURACIES.iter().map(|k| format!("accuracy={k}")));
    let colors = std::iter::once(RGBColor(110, 110, 110)).chain(PALETTE);
    let mut series = Vec::new();
    for ((label, color), (e, s)) in labels.zip(colors).zip(errors.iter().zip(&slopes)) {
        let line = |label: String, points| Series {
            label,
            x: &steps,
            y: e,
            color,
            points,
        };
        series.push(line(format!("{label}: slope {s:.2}"), false));
        series.push(line(String::new(), true));
    }
    plot::render(&path, (820, 700), true, |a| {
        plot::log_lines(
            a,
            "max |error| of df/dx against the step h (f = sin 2x)",
            "step h",
            "max |error|",
            &series,
            SeriesLabelPosition::LowerRight,
            true,
        )
    })?;
    writeln!(
        out,
        "   -> {}: the errors on a log-log plot; the slopes are the orders",
        path.display()
    )?;
    Ok(())
}

/// Section 7: acceleration from positions, the second-derivative stencil
/// against the gradient applied twice.
fn acceleration(out: &mut String, dir: &Path) -> Result<()> {
    let (n, dt, jitter) = (61, 0.05, 1e-3);
    #[allow(clippy::cast_precision_loss)]
    let t = Array1::from_shape_fn(n, |i| i as f64 * dt);
    let s = t.mapv(|t| (2.0 * t).sin() + 0.5 * t * t);
    let a_true = t.mapv(|t| 1.0 - 4.0 * (2.0 * t).sin());
    let step = Spacing::uniform_weak(dt);
    let twice = |s: &Array1<f64>| -> Result<Array1<f64>> {
        let v = gradient_axis(s, Axis(0), step, EdgeOrder::Second)?;
        Ok(gradient_axis(&v, Axis(0), step, EdgeOrder::Second)?)
    };
    let second = |s: &Array1<f64>, k| -> Result<Array1<f64>> {
        Ok(gradient_axis(s, Axis(0), step, Scheme::new(2, k)?)?)
    };
    let (a_twice, a_d2, a_d4) = (twice(&s)?, second(&s, 2)?, second(&s, 4)?);
    // Inside: rows 2..n-2, where both use central differences only.
    let inner = s![2..n - 2];
    let ends = |a: &Array1<f64>| {
        [s![..2], s![n - 2..]]
            .into_iter()
            .map(|r| max_err(a.slice(r), a_true.slice(r)))
            .fold(0.0, f64::max)
    };
    let inside = |a: &Array1<f64>| max_err(a.slice(inner), a_true.slice(inner));
    writeln!(
        out,
        "\n7. Acceleration from positions: s(t) = sin(2t) + t^2/2 every {dt} s on [0, 3] ({n} samples), a = 1 - 4 sin(2t)"
    )?;
    writeln!(
        out,
        "   max |a - a_true|                                     inside (rows 2..{})   at the ends",
        n - 3
    )?;
    for (label, a) in [
        ("gradient(gradient(s, dt), dt), edge_order=2", &a_twice),
        ("derivative(s, dt, order=2)", &a_d2),
        ("derivative(s, dt, order=2, accuracy=4)", &a_d4),
    ] {
        writeln!(
            out,
            "   {label:<48}     {:.3e}            {:.3e}",
            inside(a),
            ends(a)
        )?;
    }
    writeln!(
        out,
        "   inside, order=2 is {:.2}x more accurate: (f[i-1] - 2f[i] + f[i+1])/h^2 errs by h^2 f''''/12,",
        inside(&a_twice) / inside(&a_d2)
    )?;
    writeln!(
        out,
        "   the gradient twice, (f[i-2] - 2f[i] + f[i+2])/(4h^2), by h^2 f''''/3"
    )?;
    let wiggle = Array1::from_shape_fn(n, |i| if i % 2 == 0 { jitter } else { -jitter });
    let s_wiggly = &s + &wiggle;
    let da_twice = twice(&s_wiggly)? - &a_twice;
    let da_d2 = second(&s_wiggly, 2)? - &a_d2;
    let max_abs = |a: ArrayView1<'_, f64>| a.iter().fold(0.0, |m: f64, v| m.max(v.abs()));
    writeln!(
        out,
        "   add an alternating {jitter} (-1)^i m to s: max |change in a| inside"
    )?;
    writeln!(
        out,
        "     gradient twice:       {:.1e}   (blind to it: the central difference of (-1)^i is 0; only the ends see it)",
        max_abs(da_twice.slice(inner))
    )?;
    writeln!(
        out,
        "     derivative(order=2):  {:.3}     (= 4 x {jitter} / dt^2 = {:.3})",
        max_abs(da_d2.slice(inner)),
        4.0 * jitter / (dt * dt)
    )?;
    let path = dir.join(PICTURES[4]);
    let err = |a: &Array1<f64>| (a - &a_true).slice(inner).to_vec();
    acceleration_picture(
        &path,
        (t.slice(inner).to_vec(), t.to_vec()),
        [err(&a_twice), err(&a_d2), err(&a_d4)],
        [da_twice.to_vec(), da_d2.to_vec()],
        jitter,
    )?;
    writeln!(
        out,
        "   -> {}: the errors inside, and what each sees of the alternating mode",
        path.display()
    )?;
    Ok(())
}

/// The errors inside (gradient twice, order 2 at accuracy 2 and 4), and
/// the change each of the first two sees when the jitter is added.
fn acceleration_picture(
    path: &Path,
    (t_inner, t): (Vec<f64>, Vec<f64>),
    [e_twice, e_d2, e_d4]: [Vec<f64>; 3],
    [da_twice, da_d2]: [Vec<f64>; 2],
    jitter: f64,
) -> Result<()> {
    let curve = |label: &str, x, y, color| Series {
        label: label.into(),
        x,
        y,
        color,
        points: false,
    };
    let ti = &t_inner;
    plot::render(path, (820, 820), true, |area| {
        let panels = area.split_evenly((2, 1));
        plot::lines(
            &panels[0],
            "error a - a_true inside (rows 2..n-3), smooth s(t)",
            "t [s]",
            "a - a_true [m/s^2]",
            &[
                curve("gradient applied twice", ti, &e_twice, PALETTE[1]),
                curve("derivative(order=2)", ti, &e_d2, PALETTE[0]),
                curve("derivative(order=2, accuracy=4)", ti, &e_d4, PALETTE[2]),
            ],
            SeriesLabelPosition::LowerLeft,
        )?;
        plot::lines(
            &panels[1],
            &format!("change in a when {jitter} (-1)^i m is added to s"),
            "t [s]",
            "change in a [m/s^2]",
            &[
                curve("derivative(order=2)", &t, &da_d2, PALETTE[0]),
                curve("gradient applied twice", &t, &da_twice, PALETTE[1]),
            ],
            SeriesLabelPosition::UpperMiddle,
        )
    })
}

/// Section 8: a periodic field on irregular longitudes, differentiated
/// across the seam, against NumPy's one-sided ends.
fn periodic(out: &mut String, dir: &Path) -> Result<()> {
    let n = 72;
    #[allow(clippy::cast_precision_loss)]
    let d = 360.0 / n as f64;
    // Irregular stations: each within a quarter spacing of a 5-degree grid.
    #[allow(clippy::cast_precision_loss)]
    let lon = Array1::from_shape_fn(n, |j| {
        let j = j as f64;
        -180.0 + d * (j + 0.25 * (2.3 * j).sin())
    });
    let temp = lon.mapv(temperature);
    // dT/dlon in degrees C per degree of longitude.
    let exact = lon.mapv(|l: f64| {
        (-10.0 * (l - 170.0).to_radians().sin() + 6.0 * (3.0 * l.to_radians()).cos()).to_radians()
    });
    let spacing = lon
        .iter()
        .zip(lon.iter().skip(1))
        .map(|(a, b)| b - a)
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), d| {
            (lo.min(d), hi.max(d))
        });
    let wrap = Boundary::Periodic {
        period: Some(360.0),
    };
    let cases = [
        (
            "gradient(T, lon)",
            Scheme::numpy(EdgeOrder::First),
            "NumPy: one-sided, first order",
        ),
        (
            "gradient(T, lon, edge_order=2)",
            Scheme::numpy(EdgeOrder::Second),
            "NumPy: one-sided, second order",
        ),
        (
            r#"gradient(T, lon, boundary="periodic", period=360)"#,
            Scheme::numpy(EdgeOrder::First).with_boundary(wrap),
            "central across the seam",
        ),
        (
            r#"gradient(..., accuracy=4, boundary="periodic", period=360)"#,
            Scheme::new(1, 4)?.with_boundary(wrap),
            "fourth order everywhere",
        ),
    ];
    writeln!(
        out,
        "\n8. A periodic field: T = 10 cos(lon - 170) + 2 sin(3 lon) [degC] at {n} irregular longitudes in [-180, 180)"
    )?;
    writeln!(
        out,
        "   (spacing {:.1} to {:.1} degrees; the seam lies between {:.1} and 180 = -180 + 360)",
        spacing.0,
        spacing.1,
        lon[n - 1]
    )?;
    writeln!(
        out,
        "   max |dT/dlon - exact| [degC/degree]                          inside     at the two ends"
    )?;
    let inner = s![1..n - 1];
    let mut derivatives = Vec::new();
    for (label, scheme, note) in cases {
        let g = gradient_axis(&temp, Axis(0), Spacing::coordinates(&lon), scheme)?;
        let e_in = max_err(g.slice(inner), exact.slice(inner));
        let e_ends = max_err(g.slice(s![..;n-1]), exact.slice(s![..;n-1]));
        writeln!(out, "   {label:<60} {e_in:.1e}    {e_ends:.1e}   {note}")?;
        derivatives.push(g);
    }
    let path = dir.join(PICTURES[5]);
    let errors = [0, 2, 3].map(|i| (&derivatives[i] - &exact).mapv(f64::abs).to_vec());
    periodic_picture(&path, &lon.to_vec(), &temp.to_vec(), &errors)?;
    writeln!(
        out,
        "   -> {}: the field at the stations, and the errors along the circle",
        path.display()
    )?;
    Ok(())
}

/// The temperature at the stations over the exact curve, and the errors
/// of NumPy's gradient and the two periodic schemes along the circle.
fn periodic_picture(
    path: &Path,
    lon: &[f64],
    temp: &[f64],
    [numpy, periodic2, periodic4]: &[Vec<f64>; 3],
) -> Result<()> {
    let fine: Vec<f64> = (0..=360).map(|i| f64::from(i) - 180.0).collect();
    let fine_t: Vec<f64> = fine.iter().map(|&l| temperature(l)).collect();
    let curve = |label: &str, x, y, color, points| Series {
        label: label.into(),
        x,
        y,
        color,
        points,
    };
    plot::render(path, (820, 820), true, |area| {
        let panels = area.split_evenly((2, 1));
        plot::lines(
            &panels[0],
            &format!(
                "temperature around a circle of latitude ({} stations)",
                lon.len()
            ),
            "longitude [degrees]",
            "T [degC]",
            &[
                curve("T(lon)", &fine, &fine_t, BLACK, false),
                curve("stations", lon, temp, PALETTE[0], true),
            ],
            SeriesLabelPosition::UpperLeft,
        )?;
        plot::log_lines(
            &panels[1],
            "|error| of dT/dlon: one-sided ends against periodic",
            "longitude [degrees]",
            "|dT/dlon - exact| [degC/degree]",
            &[
                curve(
                    "numpy.gradient (one-sided ends; inside: as periodic)",
                    lon,
                    numpy,
                    PALETTE[1],
                    false,
                ),
                curve("periodic, period=360", lon, periodic2, PALETTE[0], false),
                curve("periodic, accuracy=4", lon, periodic4, PALETTE[2], false),
            ],
            SeriesLabelPosition::UpperMiddle,
            false,
        )
    })
}

/// The periodic field of section 8: temperature [degC] at longitude `l`
/// [degrees].
fn temperature(l: f64) -> f64 {
    10.0 * (l - 170.0).to_radians().cos() + 2.0 * (3.0 * l.to_radians()).sin()
}

/// Section 9: the Laplacian and curl of a 2-D flow, as pictures.
fn vector_calculus(out: &mut String, dir: &Path, par: Par) -> Result<()> {
    let (n, h, width) = (81, 0.05, 0.25);
    #[allow(clippy::cast_precision_loss)]
    let coord = |i: usize| i as f64 * h - 2.0;
    // Two Gaussian vortices of opposite sign, exp(-r^2 / width) each;
    // rows are y (axis 0), columns x (axis 1).
    let vortices = [(-0.7, 0.0, 1.0), (0.7, 0.0, -1.0)];
    // (psi, dpsi/dx, dpsi/dy, laplacian of psi) at (x, y).
    let at = |x: f64, y: f64| {
        vortices.iter().fold([0.0; 4], |acc, &(x0, y0, strength)| {
            let (dx, dy) = (x - x0, y - y0);
            let r2 = dx * dx + dy * dy;
            let g = strength * (-r2 / width).exp();
            [
                acc[0] + g,
                acc[1] - 2.0 * dx / width * g,
                acc[2] - 2.0 * dy / width * g,
                acc[3] + g * (4.0 * r2 / (width * width) - 4.0 / width),
            ]
        })
    };
    let field = |k: usize| Array2::from_shape_fn((n, n), |(r, c)| at(coord(c), coord(r))[k]);
    let psi = field(0);
    let u = field(2); // dpsi/dy
    let v = -field(1); // -dpsi/dx
    let lap_exact = field(3);
    let base = Options::new().spacing(Spacing::uniform_weak(h)).par(par);
    let acc4 = Scheme::new(1, 4)?;
    let lap2 = laplacian(&psi, &base)?;
    let lap4 = laplacian(&psi, &base.clone().scheme(acc4))?;
    // curl([u, v]) with x = axis 1, y = axis 0: dv/dx - du/dy.
    let xy = base.axes([Axis(1), Axis(0)]);
    let rot = |opts: &Options<'_>| -> Result<Array2<f64>> {
        curl(&[u.view(), v.view()], opts)?
            .into_iter()
            .next()
            .context("a 2-D curl is one array")
    };
    let (rot2, rot4) = (rot(&xy)?, rot(&xy.clone().scheme(acc4))?);
    let vorticity = -&lap_exact;
    let err = |a: &Array2<f64>, b: &Array2<f64>| max_err(a, b);
    let peak = lap_exact.iter().fold(0.0, |m: f64, v| m.max(v.abs()));
    writeln!(
        out,
        "\n9. Laplacian and curl: two opposite Gaussian vortices, stream function psi on an {n}x{n} grid over [-2, 2]^2 (step {h})"
    )?;
    writeln!(
        out,
        "   velocity (u, v) = (dpsi/dy, -dpsi/dx); its curl dv/dx - du/dy is -laplacian(psi) (max |.| = {peak:.2})"
    )?;
    writeln!(out, "   max error against the analytic values:")?;
    for (label, e) in [
        ("laplacian(psi, 0.05)", err(&lap2, &lap_exact)),
        ("laplacian(psi, 0.05, accuracy=4)", err(&lap4, &lap_exact)),
        (
            r#"curl([u, v], 0.05, indexing="xy")"#,
            err(&rot2, &vorticity),
        ),
        (
            r#"curl([u, v], 0.05, indexing="xy", accuracy=4)"#,
            err(&rot4, &vorticity),
        ),
    ] {
        writeln!(out, "   {label:<48} {e:.1e}")?;
    }
    let path = dir.join(PICTURES[6]);
    let grid = Grid::square(2.0, h);
    plot::render(&path, (1400, 440), true, |a| {
        let panels = a.split_evenly((1, 3));
        plot::heat_map_with_bar(
            &panels[0],
            "psi (colours), velocity (arrows)",
            &psi,
            &grid,
            Some((&v, &u)),
        )?;
        plot::heat_map_with_bar(&panels[1], "laplacian(psi, accuracy=4)", &lap4, &grid, None)?;
        plot::heat_map_with_bar(
            &panels[2],
            "vorticity curl([u, v], accuracy=4)",
            &rot4,
            &grid,
            None,
        )
    })?;
    writeln!(
        out,
        "   -> {}: psi with the velocity as arrows, its Laplacian and the curl",
        path.display()
    )?;
    Ok(())
}

pub fn run(args: &DemoArgs, common: Common) -> Result<()> {
    let dir = &args.out_dir;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the output directory '{}'", dir.display()))?;
    let mut out = String::new();
    writeln!(
        out,
        "ndgrad demo: numpy.gradient in Rust on built-in data (the same bits NumPy computes)\n"
    )?;
    sequences(&mut out)?;
    surface(&mut out, dir, common.par)?;
    edges(&mut out, dir, common.par)?;
    motion(&mut out, dir)?;
    writeln!(out, "\nBeyond numpy.gradient:")?;
    accuracy(&mut out, dir)?;
    acceleration(&mut out, dir)?;
    periodic(&mut out, dir)?;
    vector_calculus(&mut out, dir, common.par)?;
    writeln!(
        out,
        "\nPictures are in '{}'. Next: `ndgrad grad --help` to differentiate your own files.",
        dir.display()
    )?;
    if !common.quiet {
        // The demo's results are its standard output.
        #[allow(clippy::print_stdout)]
        {
            print!("{out}");
        }
    }
    Ok(())
}
