//! Sections 6 and 7: accuracy orders 2 to 8 under grid refinement, and
//! the second-derivative stencil against the gradient applied twice.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use ndarray::{Array1, ArrayView1, Axis, s};
use ndgrad::{ACCURACIES, EdgeOrder, Scheme, Spacing, gradient_axis};
use plotters::prelude::*;

use super::{PICTURES, max_err};
use crate::plot::{self, PALETTE, Series};

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
pub(super) fn accuracy(out: &mut String, dir: &Path) -> Result<()> {
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
        plot::Curves {
            title: "max |error| of df/dx against the step h (f = sin 2x)",
            x_label: "step h",
            y_label: "max |error|",
            series: &series,
            legend: SeriesLabelPosition::LowerRight,
        }
        .draw_log(a, true)
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
pub(super) fn acceleration(out: &mut String, dir: &Path) -> Result<()> {
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
        plot::Curves {
            title: "error a - a_true inside (rows 2..n-3), smooth s(t)",
            x_label: "t [s]",
            y_label: "a - a_true [m/s^2]",
            series: &[
                curve("gradient applied twice", ti, &e_twice, PALETTE[1]),
                curve("derivative(order=2)", ti, &e_d2, PALETTE[0]),
                curve("derivative(order=2, accuracy=4)", ti, &e_d4, PALETTE[2]),
            ],
            legend: SeriesLabelPosition::LowerLeft,
        }
        .draw(&panels[0])?;
        plot::Curves {
            title: &format!("change in a when {jitter} (-1)^i m is added to s"),
            x_label: "t [s]",
            y_label: "change in a [m/s^2]",
            series: &[
                curve("derivative(order=2)", &t, &da_d2, PALETTE[0]),
                curve("gradient applied twice", &t, &da_twice, PALETTE[1]),
            ],
            legend: SeriesLabelPosition::UpperMiddle,
        }
        .draw(&panels[1])
    })
}
