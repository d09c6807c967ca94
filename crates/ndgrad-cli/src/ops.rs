//! `ndgrad derivative`, `magnitude`, `laplacian`, `div` and `curl`: the
//! core library's operators on `.npy`/`.npz` files. Each, and `ndgrad grad`
//! of an array file, goes through [`run`]: spacing, boundaries, streaming
//! of inputs larger than `--memory`, atomic writes.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ndgrad::Scheme;

use crate::Common;
use crate::cli::{
    ArrayInput, DerivativeArgs, FieldArgs, GridArgs, LaplacianArgs, MagnitudeArgs, OutputArgs,
    WriteArgs,
};
use crate::data::{DType, Data};
use crate::io::{self, Format, npy, npz};
use crate::job::{self, ArrayJob, mib, peak_memory, size, write_outputs};
use crate::op::{Command, Op, apply_data, complex_magnitude};
use crate::stream;

pub fn derivative(args: &DerivativeArgs, common: Common) -> Result<()> {
    let base = Scheme::new(args.order, args.accuracy)?;
    let sources = Sources::of(&args.input)?;
    let out = Output::new("derivative", &args.out.output, &args.out.write)?;
    let plan = Plan {
        grid: &args.grid,
        base,
        delimiter: b',',
    };
    run(Op::Gradient, &sources, &out, &plan, common)
}

pub fn magnitude(args: &MagnitudeArgs, common: Common) -> Result<()> {
    let base = job::gradient_scheme(&args.op.scheme)?;
    let sources = Sources::of(&args.input)?;
    operator(
        Op::Magnitude,
        &sources,
        &args.op.out,
        &args.op.grid,
        base,
        common,
    )
}

pub fn laplacian(args: &LaplacianArgs, common: Common) -> Result<()> {
    let base = Scheme::new(2, args.accuracy)?;
    let sources = Sources::of(&args.input)?;
    operator(Op::Laplacian, &sources, &args.out, &args.grid, base, common)
}

pub fn div(args: &FieldArgs, common: Common) -> Result<()> {
    field(Op::Divergence, args, common)
}

pub fn curl(args: &FieldArgs, common: Common) -> Result<()> {
    field(Op::Curl, args, common)
}

fn field(op: Op, args: &FieldArgs, common: Common) -> Result<()> {
    let base = job::gradient_scheme(&args.op.scheme)?;
    let sources = Sources::field(&args.inputs, &args.components)?;
    operator(op, &sources, &args.op.out, &args.op.grid, base, common)
}

/// `op` as the operator commands run it: the output checked first, then
/// [`run`], with `--coords` CSV files read comma-separated.
fn operator(
    op: Op,
    sources: &Sources<'_>,
    out: &OutputArgs,
    grid: &GridArgs,
    base: Scheme,
    common: Common,
) -> Result<()> {
    let out = Output::new(op.command(), &out.output, &out.write)?;
    let plan = Plan {
        grid,
        base,
        delimiter: b',',
    };
    run(op, sources, &out, &plan, common)
}

/// A command's output file, checked before any work.
pub struct Output<'a> {
    pub path: &'a Path,
    /// `.npy`, `.npz` or `.csv`.
    pub format: Format,
    pub write: &'a WriteArgs,
}

impl<'a> Output<'a> {
    /// Refuses a picture, a missing directory, and an existing file
    /// without `--force`; `command` names the command in the messages.
    pub fn new(command: &str, path: &'a Path, write: &'a WriteArgs) -> Result<Self> {
        let format = Format::of(path)?;
        if format == Format::Png {
            bail!(
                "'{}': {} writes .npy, .npz or .csv (for pictures use `ndgrad plot`)",
                path.display(),
                command
            );
        }
        io::check_output(path, write.force)?;
        Ok(Output {
            path,
            format,
            write,
        })
    }
}

/// How the inputs are differentiated, before their dimensions are known.
pub struct Plan<'a> {
    pub grid: &'a GridArgs,
    /// The scheme of every axis, before `--boundary` and `--period`.
    pub base: Scheme,
    /// The field delimiter of `--coords` CSV files.
    pub delimiter: u8,
}

impl Plan<'_> {
    fn job(&self, ndim: usize) -> Result<ArrayJob> {
        ArrayJob::new(self.grid, ndim, self.delimiter, self.base)
    }
}

/// Where the input arrays come from.
pub enum Sources<'a> {
    /// `.npy` files, one per input array: streamable.
    Npy(Vec<&'a Path>),
    /// Members of one `.npz` (`None`: its only array).
    Npz(&'a Path, Vec<Option<&'a str>>),
}

impl<'a> Sources<'a> {
    fn of(input: &'a ArrayInput) -> Result<Self> {
        Self::one(&input.input, input.array.as_deref())
    }

    /// The one array of `input`: a `.npy`, or the member `array` of a
    /// `.npz` (`None`: its only one).
    pub fn one(input: &'a Path, array: Option<&'a str>) -> Result<Self> {
        match Format::of(input)? {
            Format::Npy if array.is_some() => {
                bail!("--array chooses an array of a .npz file, but the input is not one")
            }
            Format::Npy => Ok(Sources::Npy(vec![input])),
            Format::Npz => Ok(Sources::Npz(input, vec![array])),
            Format::Csv | Format::Png => bail!(
                "'{}': this command reads .npy or .npz files (differentiate CSV columns with \
                 `ndgrad grad`, or save them as .npy)",
                input.display()
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

/// `op` of the arrays of `sources`, written to `out`: `.npy` inputs that
/// do not fit in `--memory` are streamed, the others read into memory.
pub fn run(
    op: Op,
    sources: &Sources<'_>,
    out: &Output<'_>,
    plan: &Plan<'_>,
    common: Common,
) -> Result<()> {
    if let Sources::Npy(paths) = sources
        && stream_if_large(op, paths, out, plan, common)?
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
    let job = plan.job(data[0].shape().len())?;
    let shapes: Vec<&[usize]> = data.iter().map(Data::shape).collect();
    let dtypes: Vec<DType> = data.iter().map(Data::dtype).collect();
    check_inputs(op, &shapes, &dtypes, job.axes.len())?;
    let results = apply_data(op, &data, &job.options(common)?)?;
    let names = op.output_names(&job.axes);
    write_outputs(out.path, out.format, out.write.force, &names, &results)?;
    if out.write.verbose {
        eprintln!(
            "ndgrad: wrote '{}': {} array(s) of {} {:?} in memory; peak memory {}",
            out.path.display(),
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
    out: &Output<'_>,
    plan: &Plan<'_>,
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
    let job = plan.job(h.shape.len())?;
    let shapes: Vec<&[usize]> = inputs.iter().map(|i| i.header.shape.as_slice()).collect();
    let dtypes: Vec<DType> = inputs.iter().map(|i| i.header.dtype).collect();
    check_inputs(op, &shapes, &dtypes, job.axes.len())?;
    let names = op.output_names(&job.axes);
    let need = stream::in_memory_bytes(&inputs, names.len());
    let memory = out.write.memory;
    if need <= memory || h.len() == 0 || h.shape.is_empty() {
        return Ok(false);
    }
    if out.format == Format::Csv {
        bail!(
            "'{}' needs {} in memory, more than --memory {}: CSV output is written from memory, \
             so write .npy or .npz (streamed) or raise --memory",
            paths[0].display(),
            size(need),
            size(memory)
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
        memory,
        output: out.path,
        out_format: out.format,
        names: &names,
        force: out.write.force,
        common,
    })?;
    if out.write.verbose {
        eprintln!(
            "ndgrad: wrote '{}' streaming {} slabs of at most {} rows; peak memory {} (limit {})",
            out.path.display(),
            report.slabs,
            report.rows,
            peak_memory().map_or_else(|| "unknown".into(), mib),
            size(memory)
        );
    }
    Ok(true)
}
