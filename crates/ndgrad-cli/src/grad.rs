//! `ndgrad grad`: `numpy.gradient` of an array file or CSV columns.

use std::io::Write;

use anyhow::{Context, Result, bail};
use ndarray::{Array2, ArrayD, IxDyn};
use ndgrad::Options;

use crate::Common;
use crate::cli::GradArgs;
use crate::data::Data;
use crate::io::{self, Format, csv, npy, npz};
use crate::job::{self, AxisSpec, parse_step};
use crate::op::Op;
use crate::ops::{self, Output, Plan, Sources};

pub fn run(args: &GradArgs, common: Common) -> Result<()> {
    let out = Output::new("grad", &args.output, &args.write)?;
    let delimiter = u8::try_from(args.delimiter)
        .map_err(|_| anyhow::anyhow!("--delimiter must be one ASCII character"))?;
    match Format::of(&args.input)? {
        Format::Csv => csv_job(args, &out, delimiter, common),
        Format::Npy | Format::Npz => array_job(args, &out, delimiter, common),
        Format::Png => bail!(
            "'{}' is an image: use `ndgrad edges` (or save it as .npy)",
            args.input.display()
        ),
    }
}

/// An array file: the gradient as the operator commands compute theirs
/// (streamed when it does not fit in `--memory`).
fn array_job(args: &GradArgs, out: &Output<'_>, delimiter: u8, common: Common) -> Result<()> {
    if args.x.is_some() || !args.y.is_empty() {
        bail!("--x and --y choose CSV columns, but the input is not a CSV file");
    }
    let plan = Plan {
        grid: &args.grid,
        base: job::gradient_scheme(&args.scheme)?,
        delimiter,
    };
    let sources = Sources::one(&args.input, args.array.as_deref())?;
    ops::run(Op::Gradient, &sources, out, &plan, common)
}

/// CSV columns: each differentiated down the table, written with its
/// column's name.
fn csv_job(args: &GradArgs, out: &Output<'_>, delimiter: u8, common: Common) -> Result<()> {
    if !(args.grid.axis.is_empty() || args.grid.axis == [0]) {
        bail!("a CSV table is differentiated down its columns (axis 0); drop --axis");
    }
    if !args.grid.coords.is_empty() {
        bail!("with CSV input, name the coordinates column with --x instead of --coords");
    }
    if args.array.is_some() {
        bail!("--array chooses an array of a .npz file, but the input is CSV");
    }
    let table = csv::read(&args.input, delimiter)?;
    let x = args.x.as_deref().map(|c| table.column(c)).transpose()?;
    let ys: Vec<usize> = if args.y.is_empty() {
        (0..table.columns.len()).filter(|&c| Some(c) != x).collect()
    } else {
        args.y
            .iter()
            .map(|c| table.column(c))
            .collect::<Result<_>>()?
    };
    if ys.is_empty() {
        bail!("no columns left to differentiate: the table has only the --x column");
    }
    let rows = table.columns[0].len();
    let column = |c: usize| {
        Data::F64(ArrayD::from_shape_vec(IxDyn(&[rows]), table.columns[c].clone()).expect("1-D"))
    };
    let spec = match (x, args.grid.spacing.as_slice()) {
        (Some(_), [_, ..]) => bail!("give either --x (coordinates) or --spacing, not both"),
        (Some(c), []) => AxisSpec::Coords(column(c)),
        (None, []) => AxisSpec::Unit,
        (None, [h]) => AxisSpec::Step(parse_step(h)?),
        (None, many) => bail!(
            "--spacing: a CSV table has one axis, got {} values",
            many.len()
        ),
    };
    let opts = Options::new()
        .spacing(spec.spacing()?)
        .scheme_per_axis(job::schemes(
            job::gradient_scheme(&args.scheme)?,
            &args.grid,
            &[0],
            1,
        )?)
        .par(common.par);
    let mut grads = Vec::with_capacity(ys.len());
    for &c in &ys {
        let g = column(c)
            .gradient(&opts)
            .with_context(|| format!("column '{}'", table.name(c)))?;
        grads.extend(g);
    }
    write_csv_outputs(out, &table, x, &ys, &grads)?;
    if out.write.verbose {
        eprintln!(
            "ndgrad: wrote '{}': {} column(s) of {rows} rows",
            out.path.display(),
            ys.len()
        );
    }
    let _ = std::io::stderr().flush();
    Ok(())
}

/// Writes the derivatives of CSV columns `ys` (with respect to column `x`).
fn write_csv_outputs(
    out: &Output<'_>,
    table: &csv::Table,
    x: Option<usize>,
    ys: &[usize],
    grads: &[Data],
) -> Result<()> {
    let rows = table.columns[0].len();
    let column = |c: usize| {
        Data::F64(ArrayD::from_shape_vec(IxDyn(&[rows]), table.columns[c].clone()).expect("1-D"))
    };
    let dname = |c: usize| match x {
        Some(xc) => format!("d{}/d{}", table.name(c), table.name(xc)),
        None => format!("d{}", table.name(c)),
    };
    match out.format {
        Format::Csv => {
            let mut names = Vec::new();
            let mut cols: Vec<&Data> = Vec::new();
            let xcol = x.map(&column);
            if let (Some(xc), Some(xd)) = (x, xcol.as_ref()) {
                names.push(table.name(xc));
                cols.push(xd);
            }
            names.extend(ys.iter().map(|&c| dname(c)));
            cols.extend(grads.iter());
            io::write_atomic(out.path, out.write.force, |w| {
                csv::write_columns(w, &names, &cols)
            })?;
        }
        Format::Npz => {
            let names: Vec<String> = ys
                .iter()
                .map(|&c| format!("d{}", sanitize(&table.name(c))))
                .collect();
            io::write_atomic(out.path, out.write.force, |w| {
                npz::write(w, names.iter().map(String::as_str).zip(grads))
            })?;
        }
        Format::Npy => {
            let matrix = if let [one] = grads {
                one.clone()
            } else {
                // Rows × columns, as numpy.gradient(table, x, axis=0).
                let cols: Vec<ArrayD<f64>> = grads
                    .iter()
                    .map(|g| match g {
                        Data::F64(a) => a.clone(),
                        _ => unreachable!("CSV values are float64"),
                    })
                    .collect();
                Data::F64(
                    Array2::from_shape_fn((rows, cols.len()), |(r, k)| cols[k][[r]]).into_dyn(),
                )
            };
            io::write_atomic(out.path, out.write.force, |w| npy::write(w, &matrix))?;
        }
        Format::Png => unreachable!("refused before any work"),
    }
    Ok(())
}

/// An array name safe inside a zip archive.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
