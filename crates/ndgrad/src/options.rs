//! What to compute: axes, spacing, edge order, parallelism.

#[cfg(feature = "rayon")]
use core::num::NonZeroUsize;

use ndarray::Axis;

use crate::scheme::{EdgeOrder, Scheme};
use crate::spacing::Spacing;

/// How many threads a computation may use.
///
/// Results are bit-identical whatever the choice: every output element is
/// computed by the same expression from the same inputs.
///
/// ```
/// use ndgrad::Par;
/// assert_eq!(Par::default(), Par::Seq);
/// # #[cfg(feature = "rayon")]
/// let _par = Par::rayon(0); // every thread of the global rayon pool
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Par {
    /// The calling thread only (the default: no surprise threads in a library).
    #[default]
    Seq,
    /// Split the work into at most this many tasks on the global rayon pool
    /// (which honours `RAYON_NUM_THREADS`). Arrays too small to gain from
    /// threads still run on the calling thread.
    #[cfg(feature = "rayon")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rayon")))]
    Rayon(NonZeroUsize),
}

impl Par {
    /// `Par::Rayon` with `tasks` tasks; `0` means one per thread of the
    /// current rayon pool.
    ///
    /// ```
    /// let par = ndgrad::Par::rayon(2);
    /// assert_eq!(par, ndgrad::Par::Rayon(2.try_into().unwrap()));
    /// ```
    #[cfg(feature = "rayon")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rayon")))]
    pub fn rayon(tasks: usize) -> Self {
        let tasks = NonZeroUsize::new(tasks)
            .or_else(|| NonZeroUsize::new(rayon::current_num_threads()))
            .unwrap_or(NonZeroUsize::MIN);
        Par::Rayon(tasks)
    }
}

/// A value for every axis at once, or one per requested axis.
#[derive(Debug, Clone)]
pub(crate) enum PerAxis<T> {
    All(T),
    Each(Vec<T>),
}

/// Everything `numpy.gradient` can be asked, for [`gradient_with`](crate::gradient_with).
///
/// Built with consuming setters from [`Options::new`]; the defaults are
/// NumPy's: all axes, unit spacing, first-order edges, one thread.
///
/// ```
/// use ndgrad::{gradient_with, EdgeOrder, Options, Spacing};
/// use ndgrad::ndarray::{array, Axis};
///
/// let f = array![[1.0, 2.0, 6.0], [3.0, 4.0, 5.0]];
/// let x = array![0.0, 1.0, 1.5];
/// // np.gradient(f, x, axis=1, edge_order=2)
/// let opts = Options::new()
///     .axes([Axis(1)])
///     .spacing_per_axis([Spacing::coordinates(&x)])
///     .edge_order(EdgeOrder::Second);
/// let grads = gradient_with(&f, &opts)?;
/// assert_eq!(grads.len(), 1);
/// assert_eq!(grads[0].row(1), array![0.3333333333333339, 1.666666666666666, 2.333333333333332]);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Options<'a> {
    pub(crate) axes: Option<Vec<Axis>>,
    pub(crate) spacing: PerAxis<Spacing<'a>>,
    pub(crate) scheme: PerAxis<Scheme>,
    pub(crate) par: Par,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            axes: None,
            spacing: PerAxis::All(Spacing::Unit),
            scheme: PerAxis::All(Scheme::numpy(EdgeOrder::First)),
            par: Par::Seq,
        }
    }
}

impl<'a> Options<'a> {
    /// NumPy's defaults: all axes, [`Spacing::Unit`], [`EdgeOrder::First`], [`Par::Seq`].
    ///
    /// ```
    /// let opts = ndgrad::Options::new();
    /// let g = ndgrad::gradient_with(&ndgrad::ndarray::array![1.0, 4.0], &opts)?;
    /// assert_eq!(g[0][0], 3.0);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Differentiate along these axes, in this order (one output each).
    /// Repeated or out-of-range axes are reported by the gradient call.
    ///
    /// ```
    /// use ndgrad::ndarray::{Array2, Axis};
    /// let f = Array2::<f64>::zeros((3, 4));
    /// let g = ndgrad::gradient_with(&f, &ndgrad::Options::new().axes([Axis(1), Axis(0)]))?;
    /// assert_eq!(g.len(), 2);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    #[must_use]
    pub fn axes(mut self, axes: impl IntoIterator<Item = Axis>) -> Self {
        self.axes = Some(axes.into_iter().collect());
        self
    }

    /// The same spacing on every requested axis (for coordinates, every
    /// axis must then have the coordinates' length).
    ///
    /// ```
    /// use ndgrad::{Options, Spacing};
    /// let g = ndgrad::gradient_with(
    ///     &ndgrad::ndarray::array![1.0, 2.0],
    ///     &Options::new().spacing(Spacing::uniform(0.5)),
    /// )?;
    /// assert_eq!(g[0][0], 2.0);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    #[must_use]
    pub fn spacing(mut self, spacing: Spacing<'a>) -> Self {
        self.spacing = PerAxis::All(spacing);
        self
    }

    /// One spacing per requested axis, in the order of the axes.
    ///
    /// ```
    /// use ndgrad::{Options, Spacing};
    /// use ndgrad::ndarray::Array2;
    /// let f = Array2::<f64>::zeros((2, 2));
    /// let opts = Options::new().spacing_per_axis([Spacing::uniform(2.0), Spacing::Unit]);
    /// assert_eq!(ndgrad::gradient_with(&f, &opts)?.len(), 2);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    #[must_use]
    pub fn spacing_per_axis(mut self, spacing: impl IntoIterator<Item = Spacing<'a>>) -> Self {
        self.spacing = PerAxis::Each(spacing.into_iter().collect());
        self
    }

    /// NumPy's gradient with this edge order on every axis (the same as
    /// `.scheme(edge_order.into())`).
    ///
    /// ```
    /// let opts = ndgrad::Options::new().edge_order(ndgrad::EdgeOrder::Second);
    /// let g = ndgrad::gradient_with(&ndgrad::ndarray::array![0.0, 1.0, 4.0], &opts)?;
    /// assert_eq!(g[0].to_vec(), [0.0, 2.0, 4.0]); // exact for a quadratic
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    #[must_use]
    pub fn edge_order(mut self, edge_order: EdgeOrder) -> Self {
        self.scheme = PerAxis::All(Scheme::numpy(edge_order));
        self
    }

    /// The same [`Scheme`] on every requested axis (replaces any edge order
    /// set before).
    ///
    /// ```
    /// use ndgrad::{Options, Scheme};
    /// let f = ndgrad::ndarray::Array1::from_iter((0..8).map(|i| f64::from(i).powi(3)));
    /// // the third derivative of x³, exact to rounding at every row
    /// let g = ndgrad::gradient_with(&f, &Options::new().scheme(Scheme::new(3, 2)?))?;
    /// assert!(g[0].iter().all(|&v| (v - 6.0).abs() < 1e-12));
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    #[must_use]
    pub fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = PerAxis::All(scheme);
        self
    }

    /// One [`Scheme`] per requested axis, in the order of the axes (for a
    /// periodic axis and an axis that is not, say).
    ///
    /// ```
    /// use ndgrad::{Boundary, Options, Scheme};
    /// use ndgrad::ndarray::Array2;
    /// let f = Array2::<f64>::zeros((8, 8));
    /// let s = Scheme::new(1, 4)?;
    /// let opts = Options::new()
    ///     .scheme_per_axis([s.with_boundary(Boundary::Periodic { period: None }), s]);
    /// assert_eq!(ndgrad::gradient_with(&f, &opts)?.len(), 2);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    #[must_use]
    pub fn scheme_per_axis(mut self, schemes: impl IntoIterator<Item = Scheme>) -> Self {
        self.scheme = PerAxis::Each(schemes.into_iter().collect());
        self
    }

    /// Threads to use.
    ///
    /// ```
    /// let opts = ndgrad::Options::new().par(ndgrad::Par::Seq);
    /// # let _ = opts;
    /// ```
    #[must_use]
    pub fn par(mut self, par: Par) -> Self {
        self.par = par;
        self
    }
}
