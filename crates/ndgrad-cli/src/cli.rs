//! Command-line arguments (clap derive). Help text lives in doc comments.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use ndgrad::EdgeOrder;

const EXAMPLES: &str = "\
Examples:
  ndgrad demo                                  worked examples and pictures in ./ndgrad-demo
  ndgrad grad field.npy -o grad.npz            every axis, one array per axis
  ndgrad grad field.npy -o dx.npy --axis 1 --spacing 0.5 --edge-order 2
  ndgrad grad temps.npy -o g.npz --coords 0=depths.npy
  ndgrad grad ring.npy -o g.npz --accuracy 4 --boundary periodic
  ndgrad grad track.csv -o velocity.csv --x t --y s
  ndgrad derivative positions.npy -o accel.npy --order 2 --spacing 0.01
  ndgrad laplacian field.npy -o lap.npy --accuracy 4
  ndgrad magnitude field.npy -o mag.npy
  ndgrad div u.npy v.npy w.npy -o div.npy
  ndgrad curl flow.npz --components u,v,w -o curl.npz
  ndgrad edges photo.png -o edges.png --mask mask.png
  ndgrad plot grad.npz -o arrows.png";

/// numpy.gradient for data files: .npy, .npz, CSV and PNG, the same
/// results as NumPy to the bit.
#[derive(Debug, Parser)]
#[command(name = "ndgrad", version, after_help = EXAMPLES, propagate_version = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,

    /// No progress bars or summaries (errors are still printed).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Worker threads for the gradient (default: every core).
    #[arg(long, global = true, value_name = "N", value_parser = parse_threads, allow_negative_numbers = true)]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the worked examples on built-in data and write pictures.
    #[command(after_help = "Examples:\n  ndgrad demo\n  ndgrad demo --out-dir /tmp/pictures")]
    Demo(DemoArgs),
    /// Differentiate an array file (numpy.gradient).
    #[command(after_help = GRAD_EXAMPLES)]
    Grad(GradArgs),
    /// Edge detection on an image: gradient magnitude, direction and mask.
    #[command(after_help = EDGES_EXAMPLES)]
    Edges(EdgesArgs),
    /// Draw a 2-D field as a heat map, a gradient as arrows, or 1-D curves.
    #[command(after_help = PLOT_EXAMPLES)]
    Plot(PlotArgs),
    /// The derivative of order D (1 to 4) along each axis of an array file.
    #[command(after_help = DERIVATIVE_EXAMPLES)]
    Derivative(DerivativeArgs),
    /// The gradient magnitude sqrt(g0^2 + g1^2 + ...) of a real array file.
    #[command(after_help = MAGNITUDE_EXAMPLES)]
    Magnitude(MagnitudeArgs),
    /// The Laplacian of an array file: the sum of its second derivatives.
    #[command(after_help = LAPLACIAN_EXAMPLES)]
    Laplacian(LaplacianArgs),
    /// The divergence of a vector field: component i differentiated along
    /// axis i, summed.
    #[command(after_help = DIV_EXAMPLES)]
    Div(FieldArgs),
    /// The curl of a 2-D or 3-D vector field.
    #[command(after_help = CURL_EXAMPLES)]
    Curl(FieldArgs),
}

#[derive(Debug, ClapArgs)]
pub struct DemoArgs {
    /// Directory for the pictures (created if missing; only the demo's own
    /// files are written in it).
    #[arg(short, long, value_name = "DIR", default_value = "ndgrad-demo")]
    pub out_dir: PathBuf,
}

const GRAD_EXAMPLES: &str = "\
Spacing works as in numpy.gradient(f, *varargs): --spacing H is a Python number H
(one for every axis, one per differentiated axis, or AXIS=H for some), --coords
AXIS=FILE gives sample coordinates along one axis (a 1-D .npy, or a CSV column as
FILE.csv:COLUMN). Each axis takes one step or one set of coordinates.

Beyond numpy.gradient: --accuracy K uses differences of order K (2, 4, 6 or 8)
everywhere, ends included; --boundary periodic makes an axis wrap around (its
period is n*h with a step; with coordinates give it with --period AXIS=VALUE).

Outputs: .npy (one differentiated axis), .npz (one array per axis, named axis0,
axis1, ...), .csv (1-D or 2-D). A .npy input larger than --memory is streamed
through a memory map in slabs, periodic axes included; the result is the same to
the bit.

Examples:
  ndgrad grad field.npy -o grad.npz
  ndgrad grad field.npy -o dx.npy --axis -1 --spacing 0.5 --edge-order 2
  ndgrad grad field.npy -o g.npz --spacing 0.1,0.2
  ndgrad grad temps.npy -o g.npz --coords 0=depths.npy
  ndgrad grad temps.npy -o g.npz --coords 0=depths.npy --spacing 1=0.5
  ndgrad grad big.npy -o dz.npy --axis 0 --memory 256MiB
  ndgrad grad field.npy -o g.npz --accuracy 6
  ndgrad grad ring.npy -o g.npz --boundary periodic --spacing 0.1
  ndgrad grad lat_lon.npy -o g.npz --coords 1=lon.npy --boundary 1=periodic --period 1=360
  ndgrad grad track.csv -o v.csv --x t --accuracy 4
  ndgrad grad runs.npz --array pressure -o dp.npz
  ndgrad grad track.csv -o velocity.csv --x t --y s";

#[derive(Debug, ClapArgs)]
pub struct GradArgs {
    /// Input: .npy, .npz (choose the array with --array) or .csv.
    pub input: PathBuf,

    /// Output: .npy, .npz or .csv.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    #[command(flatten)]
    pub grid: GridArgs,

    #[command(flatten)]
    pub scheme: SchemeArgs,

    /// The array of a .npz input to differentiate.
    #[arg(long, value_name = "NAME")]
    pub array: Option<String>,

    /// CSV input: the column of sample coordinates (name or 0-based index).
    #[arg(long, value_name = "COLUMN")]
    pub x: Option<String>,

    /// CSV input: the columns to differentiate (default: all but --x).
    #[arg(long, value_delimiter = ',', value_name = "COLUMN")]
    pub y: Vec<String>,

    /// CSV field delimiter.
    #[arg(long, default_value = ",", value_name = "CHAR")]
    pub delimiter: char,

    #[command(flatten)]
    pub write: WriteArgs,
}

/// Where the samples are and how axis ends are treated: the options every
/// command on array files shares.
#[derive(Debug, ClapArgs)]
pub struct GridArgs {
    /// Axes to differentiate (default: all), e.g. `--axis 0` or `--axis 0,-1`.
    #[arg(
        long,
        value_delimiter = ',',
        allow_negative_numbers = true,
        value_name = "AXIS"
    )]
    pub axis: Vec<i64>,

    /// Uniform sample spacing: one value, one per differentiated axis
    /// (`--spacing 0.1,0.2`), or AXIS=H for some axes (`--spacing 1=0.5`,
    /// the others unit steps or --coords). An axis takes one step or one
    /// --coords. A zero or non-finite step is refused, except by NumPy's
    /// own formulas (grad, magnitude, div and curl without --accuracy),
    /// which keep NumPy's result (inf or nan), as numpy.gradient does.
    #[arg(
        long,
        value_delimiter = ',',
        allow_hyphen_values = true,
        value_name = "H"
    )]
    pub spacing: Vec<String>,

    /// Sample coordinates along an axis: AXIS=FILE.npy or AXIS=FILE.csv[:COLUMN].
    /// Repeat for several axes.
    #[arg(long, value_name = "AXIS=FILE", allow_hyphen_values = true)]
    pub coords: Vec<String>,

    /// How axis ends are differentiated: one-sided (the default) or periodic
    /// (the axis wraps around). Without AXIS= for every differentiated axis;
    /// repeat for several axes, later ones win (`--boundary 1=periodic`).
    #[arg(long, value_name = "[AXIS=]KIND", allow_hyphen_values = true)]
    pub boundary: Vec<String>,

    /// The period of a periodic axis with coordinates, in their unit
    /// (`--period 1=360`); required for it. An axis with a step has period n*h.
    #[arg(long, value_name = "AXIS=VALUE", allow_hyphen_values = true)]
    pub period: Vec<String>,
}

/// The input of a command on one array: a .npy or a member of a .npz.
#[derive(Debug, ClapArgs)]
pub struct ArrayInput {
    /// Input: .npy, or .npz (choose the array with --array).
    pub input: PathBuf,

    /// The array of a .npz input.
    #[arg(long, value_name = "NAME")]
    pub array: Option<String>,
}

/// Where the results of a command on array files go, and how they are
/// written.
#[derive(Debug, ClapArgs)]
pub struct OutputArgs {
    /// Output: .npy (one array), .npz or .csv (one 1-D or 2-D array).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    #[command(flatten)]
    pub write: WriteArgs,
}

/// How a command on array files writes its results: within what memory,
/// over an existing file or not, and what it reports (`grad` and the
/// operator commands share these).
#[derive(Debug, ClapArgs)]
pub struct WriteArgs {
    /// Memory budget; larger .npy inputs are streamed in slabs (e.g. 64MiB, 2GiB).
    #[arg(long, default_value = "512MiB", value_parser = parse_size, value_name = "SIZE", allow_negative_numbers = true)]
    pub memory: u64,

    /// Replace the output file if it exists.
    #[arg(short, long)]
    pub force: bool,

    /// Print what was done, including the peak memory.
    #[arg(short, long)]
    pub verbose: bool,
}

/// The streaming paragraph of the one-array commands' help.
macro_rules! streaming {
    () => {
        "A .npy input larger than --memory is streamed through a memory map in slabs, with
the same result to the bit (as `ndgrad grad --help` describes)."
    };
}

const DERIVATIVE_EXAMPLES: &str = concat!(
    "The D-th derivative along each differentiated axis by differences of accuracy
order K (default 2), ends included; one output per axis, named as `ndgrad grad`
names them (.npz members axis0, axis1, ...). Spacing and boundaries as in
`ndgrad grad`.

",
    streaming!(),
    "

Examples:
  ndgrad derivative positions.npy -o accel.npy --order 2 --spacing 0.01
  ndgrad derivative field.npy -o d3.npz --order 3 --accuracy 4
  ndgrad derivative ring.npy -o d2.npy --order 2 --boundary periodic --axis 0"
);

#[derive(Debug, ClapArgs)]
pub struct DerivativeArgs {
    #[command(flatten)]
    pub input: ArrayInput,

    #[command(flatten)]
    pub out: OutputArgs,

    /// The derivative order D: 1, 2, 3 or 4.
    #[arg(long, value_name = "D", value_parser = clap::value_parser!(u8).range(1..=4), allow_negative_numbers = true)]
    pub order: u8,

    /// Accuracy order K everywhere, ends included: 2, 4, 6 or 8.
    #[arg(long, value_name = "K", value_parser = accuracy(), default_value = "2", allow_negative_numbers = true)]
    pub accuracy: u8,

    #[command(flatten)]
    pub grid: GridArgs,
}

const MAGNITUDE_EXAMPLES: &str = concat!(
    "The magnitude sqrt(g0*g0 + g1*g1 + ...) of the gradient over the differentiated
axes, computed in one pass: the bits of NumPy's expression on numpy.gradient's
results. Real data only (integers give float64). One output: a .npz holds it as
`magnitude`. Spacing, edges and boundaries as in `ndgrad grad`.

",
    streaming!(),
    "

Examples:
  ndgrad magnitude field.npy -o mag.npy
  ndgrad magnitude field.npy -o mag.npy --spacing 0.1,0.2 --accuracy 4"
);

#[derive(Debug, ClapArgs)]
pub struct MagnitudeArgs {
    #[command(flatten)]
    pub input: ArrayInput,

    #[command(flatten)]
    pub op: FirstOrderArgs,
}

const LAPLACIAN_EXAMPLES: &str = concat!(
    "The sum over the differentiated axes of the second derivative along each, by the
direct second-derivative stencil of accuracy K (default 2: f[i-1] - 2 f[i] + f[i+1]
inside), ends included. One output: a .npz holds it as `laplacian`. Spacing and
boundaries as in `ndgrad grad`.

",
    streaming!(),
    "

Examples:
  ndgrad laplacian field.npy -o lap.npy --spacing 0.5
  ndgrad laplacian heat.npy -o lap.npy --accuracy 4 --boundary periodic"
);

#[derive(Debug, ClapArgs)]
pub struct LaplacianArgs {
    #[command(flatten)]
    pub input: ArrayInput,

    #[command(flatten)]
    pub out: OutputArgs,

    /// Accuracy order K everywhere, ends included: 2, 4, 6 or 8.
    #[arg(long, value_name = "K", value_parser = accuracy(), default_value = "2", allow_negative_numbers = true)]
    pub accuracy: u8,

    #[command(flatten)]
    pub grid: GridArgs,
}

/// The options after the inputs of the operators built on first
/// derivatives (`magnitude`, `div`, `curl`).
#[derive(Debug, ClapArgs)]
pub struct FirstOrderArgs {
    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub scheme: SchemeArgs,

    #[command(flatten)]
    pub grid: GridArgs,
}

/// `--edge-order` or `--accuracy` of a first-derivative command.
#[derive(Debug, ClapArgs)]
pub struct SchemeArgs {
    /// Accuracy of the one-sided differences at the boundaries (NumPy's
    /// `edge_order`; not with --accuracy).
    #[arg(
        long,
        value_enum,
        default_value_t = EdgeOrderArg::First,
        value_name = "ORDER",
        conflicts_with = "accuracy",
        allow_negative_numbers = true
    )]
    pub edge_order: EdgeOrderArg,

    /// Accuracy order K everywhere, ends included: 2, 4, 6 or 8 (beyond
    /// NumPy; 2 is --edge-order 2).
    #[arg(long, value_name = "K", value_parser = accuracy(), allow_negative_numbers = true)]
    pub accuracy: Option<u8>,
}

/// The first paragraphs of the help of `div` and `curl`.
macro_rules! field_help {
    () => {
        "Components: component i is differentiated along the i-th differentiated axis (by
default axis i, so an N-D field has N components; --axis chooses others, in
order). Give them as .npy files, one per component, or as members of one .npz
named in order with --components. They must share one shape and one dtype.
Spacing, edges and boundaries as in `ndgrad grad`, per axis.

Inputs larger than --memory are streamed in slabs, all components in lockstep,
with the same result to the bit (.npy components only; .npz members are read
into memory)."
    };
}

const DIV_EXAMPLES: &str = concat!(
    field_help!(),
    "

One output: a .npz holds it as `divergence`.

Examples:
  ndgrad div u.npy v.npy w.npy -o div.npy
  ndgrad div wind.npz --components u,v -o div.npy --spacing 0.5,0.25"
);

const CURL_EXAMPLES: &str = concat!(
    field_help!(),
    "

A 2-D field (2 axes) gives one array, dF1/dx0 - dF0/dx1 (a .npz holds it as
`curl`); a 3-D field gives three, component i along axis i, written to a .npz
as axis0, axis1, axis2 (the names `ndgrad grad` uses).

Examples:
  ndgrad curl u.npy v.npy -o vorticity.npy
  ndgrad curl flow.npz --components u,v,w -o curl.npz --accuracy 4"
);

/// The arguments of `div` and `curl`.
#[derive(Debug, ClapArgs)]
pub struct FieldArgs {
    /// The components: one .npy per component, or one .npz with --components.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// The members of a .npz input that are the components, in order (`u,v,w`).
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub components: Vec<String>,

    #[command(flatten)]
    pub op: FirstOrderArgs,
}

const EDGES_EXAMPLES: &str = "\
The image is read as grayscale (colour: luma 0.299 R + 0.587 G + 0.114 B), its gradient
taken with unit spacing, and the magnitude sqrt(gx^2 + gy^2) written: as a PNG scaled
to 0-255, or as float64 .npy. The mask marks magnitudes above the threshold
(default: mean + 2 standard deviations).

Examples:
  ndgrad edges photo.png -o edges.png
  ndgrad edges photo.png -o magnitude.npy --direction angle.npy --mask mask.png
  ndgrad edges scan.npy -o edges.png --mask mask.png --threshold 12.5";

#[derive(Debug, ClapArgs)]
pub struct EdgesArgs {
    /// Input image: PNG (grayscale or colour, 8 or 16 bit) or a 2-D .npy.
    pub image: PathBuf,

    /// Gradient magnitude: .png or .npy.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Also write the gradient direction atan2(gy, gx) in radians: .npy or .png.
    #[arg(long, value_name = "FILE")]
    pub direction: Option<PathBuf>,

    /// Also write the edge mask (magnitude > threshold): .png or .npy.
    #[arg(long, value_name = "FILE")]
    pub mask: Option<PathBuf>,

    /// Mask threshold: a gradient magnitude (a finite number, at least 0),
    /// or `auto` for mean + 2 standard deviations.
    #[arg(
        long,
        default_value = "auto",
        value_name = "T",
        allow_hyphen_values = true
    )]
    pub threshold: String,

    /// Accuracy of the one-sided differences at the borders.
    #[arg(long, value_enum, default_value_t = EdgeOrderArg::First, value_name = "ORDER", allow_negative_numbers = true)]
    pub edge_order: EdgeOrderArg,

    /// Replace output files that exist.
    #[arg(short, long)]
    pub force: bool,
}

const PLOT_EXAMPLES: &str = "\
A .npz with two 2-D arrays (the output of `ndgrad grad` on a 2-D field) is drawn as
arrows over the gradient magnitude; one 2-D array as a heat map; 1-D arrays and CSV
columns as curves.

Examples:
  ndgrad plot grad.npz -o arrows.png
  ndgrad plot field.npy -o field.png --title 'temperature'
  ndgrad plot velocity.csv -o v.png --x t";

#[derive(Debug, ClapArgs)]
pub struct PlotArgs {
    /// The field: .npy, .npz or .csv.
    pub field: PathBuf,

    /// The picture: .png.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// How to draw (default: arrows for a pair of 2-D arrays, a heat map
    /// for one 2-D array, curves for 1-D data).
    #[arg(long, value_enum)]
    pub kind: Option<PlotKind>,

    /// The array of a .npz to draw (heat map), or two arrays `Y,X` (arrows).
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub array: Vec<String>,

    /// CSV input: the column for the horizontal axis.
    #[arg(long, value_name = "COLUMN")]
    pub x: Option<String>,

    /// Title of the picture.
    #[arg(long)]
    pub title: Option<String>,

    /// Replace the output file if it exists.
    #[arg(short, long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlotKind {
    Heat,
    Arrows,
    Lines,
}

/// The units `--memory` accepts, for its errors.
const SIZE_UNITS: &str = "B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB, P/PB/PiB or E/EB/EiB \
                          (all powers of 1024)";

/// Parses `512MiB`, `64M`, `2GiB`, `1g`, `4096` (bytes): a positive
/// number of bytes that fits in 64 bits.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let expected = || {
        format!("expected a size like 256MiB or 2GiB: a number and a unit {SIZE_UNITS}; got '{s}'")
    };
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        "p" | "pb" | "pib" => 50,
        "e" | "eb" | "eib" => 60,
        _ => return Err(expected()),
    };
    let n: f64 = num.parse().map_err(|_| expected())?;
    // Exact: a power of two.
    let bytes = n * 2f64.powi(shift);
    // 2^64 itself does not fit: u64::MAX rounds up to it as an f64.
    if bytes >= 18_446_744_073_709_551_616.0 {
        return Err(format!(
            "expected a memory budget below 16EiB (2^64 bytes), got '{s}'"
        ));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bytes = bytes as u64;
    if bytes == 0 {
        return Err(format!(
            "expected a positive memory budget (at least 1 byte), got '{s}'"
        ));
    }
    Ok(bytes)
}

/// `--threads`: a whole number, at least 1.
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "expected a whole number of threads of at least 1, got '{s}'"
        )),
    }
}

/// `--accuracy`: 2, 4, 6 or 8 (listed in `--help` and in the error for any
/// other value).
fn accuracy() -> impl TypedValueParser<Value = u8> {
    PossibleValuesParser::new(["2", "4", "6", "8"])
        .map(|s| s.parse().expect("one of the listed values"))
}

/// `--edge-order`: NumPy's `edge_order`, 1 or 2 (listed in `--help` and
/// in the error for any other value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EdgeOrderArg {
    /// First-order one-sided differences (NumPy's default).
    #[value(name = "1")]
    First,
    /// Second-order one-sided differences.
    #[value(name = "2")]
    Second,
}

impl From<EdgeOrderArg> for EdgeOrder {
    fn from(e: EdgeOrderArg) -> Self {
        match e {
            EdgeOrderArg::First => EdgeOrder::First,
            EdgeOrderArg::Second => EdgeOrder::Second,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn edge_orders_parse_to_the_core_type() {
        let parse = |extra: &[&str]| {
            let args = [&["ndgrad", "grad", "f.npy", "-o", "g.npz"][..], extra].concat();
            match Args::try_parse_from(args).map(|a| a.command) {
                Ok(Command::Grad(g)) => Ok(EdgeOrder::from(g.scheme.edge_order)),
                Ok(_) => unreachable!("a grad command line"),
                Err(e) => Err(e.kind()),
            }
        };
        assert_eq!(parse(&[]), Ok(EdgeOrder::First));
        assert_eq!(parse(&["--edge-order", "1"]), Ok(EdgeOrder::First));
        assert_eq!(parse(&["--edge-order", "2"]), Ok(EdgeOrder::Second));
        assert_eq!(
            parse(&["--edge-order", "3"]),
            Err(clap::error::ErrorKind::InvalidValue)
        );
    }

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("1.5K"), Ok(1536));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert_eq!(parse_size("1EiB"), Ok(1 << 60));
        assert_eq!(parse_size("15.5EiB"), Ok(31 << 59));
        assert_eq!(
            parse_size("18446744073709551615"),
            Err(
                "expected a memory budget below 16EiB (2^64 bytes), got '18446744073709551615'"
                    .into()
            )
        );
        assert!(parse_size("16EiB").is_err());
        assert!(parse_size("1e30").is_err());
        assert!(parse_size("-1").unwrap_err().contains("K/KB/KiB"));
        assert!(parse_size("1ZiB").unwrap_err().contains("E/EB/EiB"));
        assert!(parse_size("0.1").unwrap_err().contains("positive"));
    }
}
