//! `ndgrad derivative`, `magnitude`, `laplacian`, `div` and `curl`: the
//! core library's operators on `.npy`/`.npz` files, with the conventions
//! of `ndgrad grad` (spacing, boundaries, streaming of inputs larger than
//! `--memory`, atomic writes).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ndgrad::Scheme;

use crate::Common;
use crate::cli::{
    ArrayInput, DerivativeArgs, FieldArgs, GridArgs, LaplacianArgs, MagnitudeArgs, OutputArgs,
};
use crate::data::{DType, Data};
use crate::io::{self, Format, npy, npz};
use crate::job::{self, ArrayJob, mib, peak_memory, size, write_outputs};
use crate::op::{Op, apply_data, complex_magnitude};
use crate::stream;

pub fn derivative(args: &DerivativeArgs, common: Common) -> Result<()> {
    let base = Scheme::new(args.order, args.accuracy)?;
    run(
        Op::Gradient,
        &Sources::one(&args.input)?,
        &args.out,
        &args.grid,
        base,
        common,
    )
}

pub fn magnitude(args: &MagnitudeArgs, common: Common) -> Result<()> {
    let base = job::gradient_scheme(args.scheme.edge_order, args.scheme.accuracy)?;
    run(
        Op::Magnitude,
        &Sources::one(&args.input)?,
        &args.out,
        &args.grid,
        base,
        common,
    )
}

pub fn laplacian(args: &LaplacianArgs, common: Common) -> Result<()> {
    let base = Scheme::new(2, args.accuracy)?;
    run(
        Op::Laplacian,
        &Sources::one(&args.input)?,
        &args.out,
        &args.grid,
        base,
        common,
    )
}

pub fn div(args: &FieldArgs, common: Common) -> Result<()> {
    field(Op::Divergence, args, common)
}

pub fn curl(args: &FieldArgs, common: Common) -> Result<()> {
    field(Op::Curl, args, common)
}

fn field(op: Op, args: &FieldArgs, common: Common) -> Result<()> {
    let base = job::gradient_scheme(args.scheme.edge_order, args.scheme.accuracy)?;
    let sources = Sources::field(&args.inputs, &args.components)?;
    run(op, &sources, &args.out, &args.grid, base, common)
}

/// Where the input arrays come from.
enum Sources<'a> {
    /// `.npy` files, one per input array: streamable.
    Npy(Vec<&'a Path>),
    /// Members of one `.npz` (`None`: its only array).
    Npz(&'a Path, Vec<Option<&'a str>>),
}

impl<'a> Sources<'a> {
    fn one(input: &'a ArrayInput) -> Result<Self> {
        match Format::of(&input.input)? {
            Format::Npy if input.array.is_some() => {
                bail!("--array chooses an array of a .npz file, but the input is not one")
            }
            Format::Npy => Ok(Sources::Npy(vec![&input.input])),
            Format::Npz => Ok(Sources::Npz(&input.input, vec![input.array.as_deref()])),
            Format::Csv | Format::Png => bail!(
                "'{}': this command reads .npy or .npz files (differentiate CSV columns with \
                 `ndgrad grad`, or save them as .npy)",
                input.input.display()
            ),
        }
    }

    fn field(inputs: &'a [PathBuf], components: &'a [String]) -> Result<Self> {
        let formats = inputs
            .iter()
            .map(|p| Format::of(p))
            .collect::<Result<Vec<_>>>()?;
        match (inputs, formats.as_slice()) {
            ([one], [Format::Npz]) if components.is_empty() => bail!(
                "name the components of '{}' with --components U,V[,W] (its arrays: {})",
                one.display(),
                npz::names_of(one)?.join(", ")
            ),
            ([one], [Format::Npz]) => Ok(Sources::Npz(
                one,
                components.iter().map(|c| Some(c.as_str())).collect(),
            )),
            (_, f) if f.iter().all(|&f| f == Format::Npy) => {
                if !components.is_empty() {
                    bail!(
                        "--components names the members of one .npz input, but the inputs are .npy files"
                    );
                }
                Ok(Sources::Npy(inputs.iter().map(PathBuf::as_path).collect()))
            }
            _ => bail!(
                "the components come as .npy files, one per component, or as members of one .npz \
                 named with --components"
            ),
        }
    }

    fn len(&self) -> usize {
        match self {
            Sources::Npy(p) => p.len(),
            Sources::Npz(_, m) => m.len(),
        }
    }
}

/// Checks the input arrays against each other and the operator against
/// the differentiated axes, before any work.
fn check_inputs(op: Op, shapes: &[&[usize]], dtypes: &[DType], naxes: usize) -> Result<()> {
    for (i, (shape, dtype)) in shapes.iter().zip(dtypes).enumerate().skip(1) {
        if shape != &shapes[0] {
            bail!(
                "component {i} has shape {shape:?}, expected {:?} (component 0's shape)",
                shapes[0]
            );
        }
        if *dtype != dtypes[0] {
            bail!(
                "component {i} is {}, component 0 is {}: save the components with one dtype",
                dtype.name(),
                dtypes[0].name()
            );
        }
    }
    if op == Op::Curl && !(naxes == 2 || naxes == 3) {
        bail!("curl is defined in 2 or 3 dimensions; got {naxes} axes (choose 2 or 3 with --axis)");
    }
    if op.is_vector() && shapes.len() != naxes {
        bail!(
            "{} takes one component per axis: expected {naxes}, got {}",
            op.command(),
            shapes.len()
        );
    }
    if op == Op::Magnitude && matches!(dtypes[0], DType::C64 | DType::C128) {
        bail!("{}", complex_magnitude(dtypes[0].name()));
    }
    Ok(())
}

fn run(
    op: Op,
    sources: &Sources<'_>,
    out: &OutputArgs,
    grid: &GridArgs,
    base: Scheme,
    common: Common,
) -> Result<()> {
    let out_format = Format::of(&out.output)?;
    if out_format == Format::Png {
        bail!(
            "'{}': {} writes .npy, .npz or .csv (for pictures use `ndgrad plot`)",
            out.output.display(),
            op.command()
        );
    }
    io::check_output(&out.output, out.force)?;
    if let Sources::Npy(paths) = sources
        && stream_if_large(op, paths, out, out_format, grid, base, common)?
    {
        return Ok(());
    }
    let data: Vec<Data> = match sources {
        Sources::Npy(paths) => paths
            .iter()
            .map(|p| io::read_array(p, None))
            .collect::<Result<_>>()?,
        Sources::Npz(path, members) => members
            .iter()
            .map(|&m| io::read_array(path, m))
            .collect::<Result<_>>()?,
    };
    debug_assert_eq!(data.len(), sources.len());
    let ndim = data[0].shape().len();
    let job = ArrayJob::new(grid, ndim, b',', base)?;
    let shapes: Vec<&[usize]> = data.iter().map(Data::shape).collect();
    let dtypes: Vec<DType> = data.iter().map(Data::dtype).collect();
    check_inputs(op, &shapes, &dtypes, job.axes.len())?;
    let results = apply_data(op, &data, &job.options(common)?)?;
    let names = op.output_names(&job.axes);
    write_outputs(&out.output, out_format, out.force, &names, &results)?;
    if out.verbose {
        eprintln!(
            "ndgrad: wrote '{}': {} array(s) of {} {:?} in memory; peak memory {}",
            out.output.display(),
            results.len(),
            dtypes[0].gradient_dtype().name(),
            shapes[0],
            peak_memory().map_or_else(|| "unknown".into(), mib)
        );
    }
    Ok(())
}

/// Streams `.npy` inputs that, with the outputs, exceed `--memory`;
/// `false` if they fit (they are then read into memory).
fn stream_if_large(
    op: Op,
    paths: &[&Path],
    out: &OutputArgs,
    out_format: Format,
    grid: &GridArgs,
    base: Scheme,
    common: Common,
) -> Result<bool> {
    let mut inputs = Vec::with_capacity(paths.len());
    for &path in paths {
        let mut file = io::open(path)?;
        let (header, offset) = npy::read_header_at(&mut std::io::BufReader::new(&mut file))
            .with_context(|| format!("reading '{}'", path.display()))?;
        inputs.push(stream::Input {
            path,
            header,
            offset,
        });
    }
    let h = &inputs[0].header;
    let job = ArrayJob::new(grid, h.shape.len(), b',', base)?;
    let shapes: Vec<&[usize]> = inputs.iter().map(|i| i.header.shape.as_slice()).collect();
    let dtypes: Vec<DType> = inputs.iter().map(|i| i.header.dtype).collect();
    check_inputs(op, &shapes, &dtypes, job.axes.len())?;
    let names = op.output_names(&job.axes);
    let need = stream::in_memory_bytes(&inputs, names.len());
    if need <= out.memory || h.len() == 0 || h.shape.is_empty() {
        return Ok(false);
    }
    if out_format == Format::Csv {
        bail!(
            "'{}' needs {} in memory, more than --memory {}: CSV output is written from memory, \
             so write .npy or .npz (streamed) or raise --memory",
            paths[0].display(),
            size(need),
            size(out.memory)
        );
    }
    if let Some(i) = inputs.iter().position(|i| i.header.fortran != h.fortran) {
        bail!(
            "components 0 and {i} are stored in different orders (C and Fortran): streamed \
             components must share one; raise --memory above {} to read them into memory",
            size(need)
        );
    }
    let report = stream::run(&stream::Job {
        inputs: &inputs,
        op,
        spec: &job,
        memory: out.memory,
        output: &out.output,
        out_format,
        names: &names,
        force: out.force,
        common,
    })?;
    if out.verbose {
        eprintln!(
            "ndgrad: wrote '{}' streaming {} slabs of at most {} rows; peak memory {} (limit {})",
            out.output.display(),
            report.slabs,
            report.rows,
            peak_memory().map_or_else(|| "unknown".into(), mib),
            size(out.memory)
        );
    }
    Ok(true)
}
