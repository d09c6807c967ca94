//! `ndgrad grad`: `numpy.gradient` of an array file or CSV columns.

use std::io::Write;

use anyhow::{Context, Result, bail};
use ndarray::{Array2, ArrayD, IxDyn};
use ndgrad::Options;

use crate::Common;
use crate::cli::GradArgs;
use crate::data::Data;
use crate::io::{self, Format, csv, npy, npz};
use crate::job::{self, ArrayJob, AxisSpec, mib, parse_step, peak_memory, size, write_outputs};
use crate::op::Op;
use crate::stream;

pub fn run(args: &GradArgs, common: Common) -> Result<()> {
    let out_format = Format::of(&args.output)?;
    if out_format == Format::Png {
        bail!(
            "'{}': grad writes .npy, .npz or .csv (for pictures use `ndgrad plot`)",
            args.output.display()
        );
    }
    io::check_output(&args.output, args.force)?;
    let delimiter = u8::try_from(args.delimiter)
        .map_err(|_| anyhow::anyhow!("--delimiter must be one ASCII character"))?;
    match Format::of(&args.input)? {
        Format::Csv => csv_job(args, out_format, delimiter, common),
        Format::Npy | Format::Npz => array_job(args, out_format, delimiter, common),
        Format::Png => bail!(
            "'{}' is an image: use `ndgrad edges` (or save it as .npy)",
            args.input.display()
        ),
    }
}

fn array_job(args: &GradArgs, out_format: Format, delimiter: u8, common: Common) -> Result<()> {
    if args.x.is_some() || !args.y.is_empty() {
        bail!("--x and --y choose CSV columns, but the input is not a CSV file");
    }
    let base = job::gradient_scheme(args.scheme.edge_order, args.scheme.accuracy)?;
    let in_format = Format::of(&args.input)?;
    if args.array.is_some() && in_format != Format::Npz {
        bail!("--array chooses an array of a .npz file, but the input is not one");
    }
    if in_format == Format::Npy {
        let mut file = io::open(&args.input)?;
        let (header, offset) = npy::read_header_at(&mut std::io::BufReader::new(&mut file))
            .with_context(|| format!("reading '{}'", args.input.display()))?;
        let job = ArrayJob::new(&args.grid, header.shape.len(), delimiter, base)?;
        let inputs = [stream::Input {
            path: &args.input,
            header,
            offset,
        }];
        let header = &inputs[0].header;
        let need = stream::in_memory_bytes(&inputs, job.axes.len());
        if need > args.memory && header.len() > 0 && !header.shape.is_empty() {
            if out_format == Format::Csv {
                bail!(
                    "'{}' needs {} in memory, more than --memory {}: CSV output is written \
                     from memory, so write .npy or .npz (streamed) or raise --memory",
                    args.input.display(),
                    size(need),
                    size(args.memory)
                );
            }
            let outputs = Op::Gradient.output_names(&job.axes);
            let report = stream::run(&stream::Job {
                inputs: &inputs,
                op: Op::Gradient,
                spec: &job,
                memory: args.memory,
                output: &args.output,
                out_format,
                names: &outputs,
                force: args.force,
                common,
            })?;
            if args.verbose {
                eprintln!(
                    "ndgrad: wrote '{}' streaming {} slabs of at most {} rows; peak memory {} (limit {})",
                    args.output.display(),
                    report.slabs,
                    report.rows,
                    peak_memory().map_or_else(|| "unknown".into(), mib),
                    size(args.memory)
                );
            }
            return Ok(());
        }
    }
    let data = io::read_array(&args.input, args.array.as_deref())?;
    let job = ArrayJob::new(&args.grid, data.shape().len(), delimiter, base)?;
    let grads = data.gradient(&job.options(common)?)?;
    let names = Op::Gradient.output_names(&job.axes);
    write_outputs(&args.output, out_format, args.force, &names, &grads)?;
    if args.verbose {
        eprintln!(
            "ndgrad: wrote '{}': {} array(s) of {} {:?} in memory; peak memory {}",
            args.output.display(),
            grads.len(),
            data.dtype().gradient_dtype().name(),
            data.shape(),
            peak_memory().map_or_else(|| "unknown".into(), mib)
        );
    }
    Ok(())
}

fn csv_job(args: &GradArgs, out_format: Format, delimiter: u8, common: Common) -> Result<()> {
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
            job::gradient_scheme(args.scheme.edge_order, args.scheme.accuracy)?,
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
    write_csv_outputs(args, out_format, &table, x, &ys, &grads)?;
    if args.verbose {
        eprintln!(
            "ndgrad: wrote '{}': {} column(s) of {rows} rows",
            args.output.display(),
            ys.len()
        );
    }
    let _ = std::io::stderr().flush();
    Ok(())
}

/// Writes the derivatives of CSV columns `ys` (with respect to column `x`).
fn write_csv_outputs(
    args: &GradArgs,
    out_format: Format,
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
    match out_format {
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
            io::write_atomic(&args.output, args.force, |w| {
                csv::write_columns(w, &names, &cols)
            })?;
        }
        Format::Npz => {
            let names: Vec<String> = ys
                .iter()
                .map(|&c| format!("d{}", sanitize(&table.name(c))))
                .collect();
            io::write_atomic(&args.output, args.force, |w| {
                npz::write(w, names.iter().map(String::as_str).zip(grads))
            })?;
        }
        Format::Npy => {
            let out = if let [one] = grads {
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
            io::write_atomic(&args.output, args.force, |w| npy::write(w, &out))?;
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
