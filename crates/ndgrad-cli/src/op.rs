//! What the commands on array files compute, on typed arrays: the one place
//! where the in-memory path and the streamer ([`crate::stream`]) call the
//! core library.

use anyhow::{Context, Result, bail};
use half::f16;
use ndarray::{ArrayD, ArrayViewD};
use ndgrad::{Element, Options};
use num_complex::Complex;

use crate::data::{Data, Elem, with_data};

/// What a command computes: the core's [`ndgrad::Operator`] (`grad` and
/// `derivative` are its gradient: one array per axis, the derivative order
/// in the job's schemes).
pub use ndgrad::Operator as Op;

/// How the commands name an operation and its outputs.
pub trait Command: Copy {
    /// The command's name, for messages.
    fn command(self) -> &'static str;
    /// The label of its progress bar.
    fn label(self) -> &'static str;
    /// The names of the outputs for the differentiated `axes`: `axis0`,
    /// `axis1`, … for one array per axis (the gradient, and a 3-D curl,
    /// whose component `i` is along axis `i`), else the operator's name.
    fn output_names(self, axes: &[usize]) -> Vec<String>;
}

impl Command for Op {
    fn command(self) -> &'static str {
        match self {
            Op::Gradient => "grad",
            Op::Divergence => "div",
            op => op.name(),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Op::Gradient => "ndgrad grad",
            Op::Magnitude => "ndgrad magnitude",
            Op::Laplacian => "ndgrad laplacian",
            Op::Divergence => "ndgrad div",
            _ => "ndgrad curl",
        }
    }

    fn output_names(self, axes: &[usize]) -> Vec<String> {
        match self {
            Op::Gradient => axes.iter().map(|a| format!("axis{a}")).collect(),
            Op::Curl if axes.len() == 3 => axes.iter().map(|a| format!("axis{a}")).collect(),
            op => vec![op.name().into()],
        }
    }
}

/// An element type the commands compute on: every type the tool reads.
pub trait Operand: Elem + Element<Output: Elem> {
    /// The typed array inside `d`, if it holds this type.
    fn of(d: &Data) -> Option<&ArrayD<Self>>;
    /// A result as [`Data`].
    fn wrap(a: ArrayD<Self::Output>) -> Data;
    /// [`ndgrad::magnitude`], defined for real data only.
    fn magnitude(f: &ArrayViewD<'_, Self>, opts: &Options<'_>) -> Result<ArrayD<Self::Output>>;
}

macro_rules! operand {
    ($($t:ty => $v:ident, $real:tt);* $(;)?) => {$(
        impl Operand for $t {
            fn of(d: &Data) -> Option<&ArrayD<Self>> {
                match d {
                    Data::$v(a) => Some(a),
                    _ => None,
                }
            }
            fn wrap(a: ArrayD<Self::Output>) -> Data {
                Data::from(a)
            }
            operand!(@magnitude $real);
        }
    )*};
    (@magnitude real) => {
        fn magnitude(
            f: &ArrayViewD<'_, Self>,
            opts: &Options<'_>,
        ) -> Result<ArrayD<Self::Output>> {
            Ok(ndgrad::magnitude(f, opts)?)
        }
    };
    (@magnitude complex) => {
        fn magnitude(
            _: &ArrayViewD<'_, Self>,
            _: &Options<'_>,
        ) -> Result<ArrayD<Self::Output>> {
            bail!("{}", complex_magnitude(Self::DTYPE.name()))
        }
    };
}
operand!(f16 => F16, real; f32 => F32, real; f64 => F64, real;
         Complex<f32> => C64, complex; Complex<f64> => C128, complex;
         i8 => I8, real; i16 => I16, real; i32 => I32, real; i64 => I64, real;
         u8 => U8, real; u16 => U16, real; u32 => U32, real; u64 => U64, real);

/// The message for the magnitude of complex data.
pub fn complex_magnitude(dtype: &str) -> String {
    format!(
        "magnitude is defined for real data, got {dtype}: take the gradient (`ndgrad grad`) of \
         complex data"
    )
}

/// `op` of the input arrays `fields` (one, or one per axis for a vector
/// operator), all of one shape.
pub fn apply<T: Operand>(
    op: Op,
    fields: &[ArrayViewD<'_, T>],
    opts: &Options<'_>,
) -> Result<Vec<ArrayD<T::Output>>> {
    Ok(match op {
        Op::Gradient => ndgrad::gradient_with(&fields[0], opts)?,
        Op::Magnitude => vec![T::magnitude(&fields[0], opts)?],
        Op::Laplacian => vec![ndgrad::laplacian(&fields[0], opts)?],
        Op::Divergence => vec![ndgrad::divergence(fields, opts)?],
        Op::Curl => ndgrad::curl(fields, opts)?,
        op => bail!("the command line has no command for {}", op.name()),
    })
}

/// [`apply`] on arrays read into memory, which must share one element type.
pub fn apply_data(op: Op, fields: &[Data], opts: &Options<'_>) -> Result<Vec<Data>> {
    fn typed<T: Operand>(op: Op, fields: &[Data], opts: &Options<'_>) -> Result<Vec<Data>> {
        let views = fields
            .iter()
            .map(|d| T::of(d).map(|a| a.view()))
            .collect::<Option<Vec<_>>>()
            .context("the components must share one dtype")?;
        Ok(apply(op, &views, opts)?.into_iter().map(T::wrap).collect())
    }
    // Picks `T` from the first array's variant.
    fn first<T: Operand>(
        _: &ArrayD<T>,
        op: Op,
        fields: &[Data],
        opts: &Options<'_>,
    ) -> Result<Vec<Data>> {
        typed::<T>(op, fields, opts)
    }
    with_data!(&fields[0], a => first(a, op, fields, opts))
}

#[cfg(test)]
mod tests {
    use super::{Command, Op};

    #[test]
    fn outputs_are_named_per_axis_or_after_the_operator() {
        assert_eq!(Op::Gradient.output_names(&[0, 2]), ["axis0", "axis2"]);
        assert_eq!(
            Op::Curl.output_names(&[0, 1, 2]),
            ["axis0", "axis1", "axis2"]
        );
        assert_eq!(Op::Curl.output_names(&[1, 0]), ["curl"]);
        assert_eq!(Op::Magnitude.output_names(&[0, 1]), ["magnitude"]);
        assert_eq!(Op::Laplacian.output_names(&[0]), ["laplacian"]);
        assert_eq!(Op::Divergence.output_names(&[0, 1, 2]), ["divergence"]);
        assert!(Op::Divergence.is_vector() && Op::Curl.is_vector());
        assert!(!Op::Gradient.is_vector() && !Op::Magnitude.is_vector());
    }
}
