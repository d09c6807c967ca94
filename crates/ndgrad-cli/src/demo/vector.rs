//! Section 9: the Laplacian and curl of a 2-D flow.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use ndarray::{Array2, Axis};
use ndgrad::{Options, Par, Scheme, Spacing, curl, laplacian};

use super::{PICTURES, max_err};
use crate::plot::{self, Grid};

/// Section 9: the Laplacian and curl of a 2-D flow, as pictures.
pub(super) fn vector_calculus(out: &mut String, dir: &Path, par: Par) -> Result<()> {
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
        plot::Heat {
            title: "psi (colours), velocity (arrows)",
            z: &psi,
            grid: &grid,
            arrows: Some((&v, &u)),
        }
        .draw_with_bar(&panels[0])?;
        plot::Heat {
            title: "laplacian(psi, accuracy=4)",
            z: &lap4,
            grid: &grid,
            arrows: None,
        }
        .draw_with_bar(&panels[1])?;
        plot::Heat {
            title: "vorticity curl([u, v], accuracy=4)",
            z: &rot4,
            grid: &grid,
            arrows: None,
        }
        .draw_with_bar(&panels[2])
    })?;
    writeln!(
        out,
        "   -> {}: psi with the velocity as arrows, its Laplacian and the curl",
        path.display()
    )?;
    Ok(())
}
