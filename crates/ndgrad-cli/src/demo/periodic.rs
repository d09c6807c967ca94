//! Section 8: a periodic field on irregular longitudes, differentiated
//! across the seam.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use ndarray::{Array1, Axis, s};
use ndgrad::{Boundary, EdgeOrder, Scheme, Spacing, gradient_axis};
use plotters::prelude::*;

use super::{PICTURES, max_err};
use crate::plot::{self, PALETTE, Series};

/// Section 8: a periodic field on irregular longitudes, differentiated
/// across the seam, against NumPy's one-sided ends.
pub(super) fn periodic(out: &mut String, dir: &Path) -> Result<()> {
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
        plot::Curves {
            title: &format!(
                "temperature around a circle of latitude ({} stations)",
                lon.len()
            ),
            x_label: "longitude [degrees]",
            y_label: "T [degC]",
            series: &[
                curve("T(lon)", &fine, &fine_t, BLACK, false),
                curve("stations", lon, temp, PALETTE[0], true),
            ],
            legend: SeriesLabelPosition::UpperLeft,
        }
        .draw(&panels[0])?;
        plot::Curves {
            title: "|error| of dT/dlon: one-sided ends against periodic",
            x_label: "longitude [degrees]",
            y_label: "|dT/dlon - exact| [degC/degree]",
            series: &[
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
            legend: SeriesLabelPosition::UpperMiddle,
        }
        .draw_log(&panels[1], false)
    })
}

/// The periodic field of section 8: temperature [degC] at longitude `l`
/// [degrees].
fn temperature(l: f64) -> f64 {
    10.0 * (l - 170.0).to_radians().cos() + 2.0 * (3.0 * l.to_radians()).sin()
}
