//! Pictures: heat maps, gradient arrows and curves, drawn with `plotters`
//! into a pixel buffer and written as PNG by the `png` crate.

use std::cell::Cell;
use std::path::Path;
use std::sync::Once;

use anyhow::{Result, bail};
use ndarray::{Array2, ArrayD, Ix2};
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use crate::Common;
use crate::cli::{PlotArgs, PlotKind};
use crate::data::Data;
use crate::io::{self, Format, csv, image, npz};

/// The font every label is drawn in (`DejaVu` Sans Mono, embedded: no
/// system fonts needed).
const FONT: &[u8] = include_bytes!("../assets/DejaVuSansMono.ttf");
const FAMILY: &str = "sans-serif";

/// The drawing area every picture is drawn on.
pub type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

fn register_font() -> Result<()> {
    static ONCE: Once = Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        result = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT)
            .map_err(|_| anyhow::anyhow!("the embedded font could not be loaded"));
    });
    result
}

/// Converts a plotters error (which borrows nothing) into an `anyhow` one.
fn drawing<T, E: std::fmt::Debug>(r: Result<T, E>) -> Result<T> {
    r.map_err(|e| anyhow::anyhow!("drawing the picture: {e:?}"))
}

/// Draws a `width` × `height` picture with `draw` and writes it as a PNG
/// (atomically; an existing file is replaced only with `force`).
pub fn render(
    path: &Path,
    (width, height): (u32, u32),
    force: bool,
    draw: impl FnOnce(&Area<'_>) -> Result<()>,
) -> Result<()> {
    register_font()?;
    let mut buf = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (width, height)).into_drawing_area();
        drawing(root.fill(&WHITE))?;
        draw(&root)?;
        drawing(root.present())?;
    }
    io::write_atomic(path, force, |w| {
        image::write_png(w, width as usize, height as usize, true, &buf)
    })
}

/// Every `k`-th sample so that neither side exceeds `max` samples.
fn stride(n: usize, max: usize) -> usize {
    n.div_ceil(max).max(1)
}

fn finite_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        (0.0, 1.0)
    } else if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    }
}

/// Labels of the two axes of a picture of a 2-D array.
pub struct Grid<'a> {
    /// The horizontal (column) coordinate range.
    pub x: (f64, f64),
    /// The vertical (row) coordinate range.
    pub y: (f64, f64),
    pub x_label: &'a str,
    pub y_label: &'a str,
    /// Rows grow downwards, as in an image.
    pub image: bool,
}

impl Grid<'_> {
    /// The square `[-half, half]²` in `x` and `y`, sampled every `h` (each
    /// cell centred on its sample).
    pub fn square(half: f64, h: f64) -> Grid<'static> {
        let range = (-half - h / 2.0, half + h / 2.0);
        Grid {
            x: range,
            y: range,
            x_label: "x",
            y_label: "y",
            image: false,
        }
    }

    /// Index coordinates for an array of `shape`.
    pub fn indices(shape: &[usize], image: bool) -> Grid<'static> {
        #[allow(clippy::cast_precision_loss)]
        let (r, c) = (shape[0] as f64, shape[1] as f64);
        Grid {
            x: (-0.5, c - 0.5),
            y: (-0.5, r - 0.5),
            x_label: "column (axis 1)",
            y_label: "row (axis 0)",
            image,
        }
    }
}

/// The builder of a chart with a caption: the margins and label areas
/// every chart shares, and `y_area` pixels for the labels of the y axis.
fn builder<'a, 'b, 'c>(
    area: &'a Area<'c>,
    title: &str,
    y_area: u32,
) -> ChartBuilder<'a, 'b, BitMapBackend<'c>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, (FAMILY, 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(y_area);
    builder
}

/// A heat map of `z` (rows along y) with optional arrows `(v, u)` (the
/// gradient's row and column components) drawn over it.
pub struct Heat<'a> {
    pub title: &'a str,
    pub z: &'a Array2<f64>,
    pub grid: &'a Grid<'a>,
    pub arrows: Option<(&'a Array2<f64>, &'a Array2<f64>)>,
}

impl Heat<'_> {
    /// Draws the map on `area`.
    pub fn draw(&self, area: &Area<'_>) -> Result<()> {
        let Heat {
            title,
            z,
            grid,
            arrows,
        } = *self;
        let (rows, cols) = z.dim();
        let (zlo, zhi) = finite_range(z.iter().copied());
        let (y0, y1) = if grid.image {
            (grid.y.1, grid.y.0)
        } else {
            grid.y
        };
        let mut chart =
            drawing(builder(area, title, 48).build_cartesian_2d(grid.x.0..grid.x.1, y0..y1))?;
        drawing(
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(grid.x_label)
                .y_desc(grid.y_label)
                .label_style((FAMILY, 12))
                .draw(),
        )?;
        #[allow(clippy::cast_precision_loss)]
        let (dx, dy) = (
            (grid.x.1 - grid.x.0) / cols as f64,
            (grid.y.1 - grid.y.0) / rows as f64,
        );
        let sr = stride(rows, 300);
        let sc = stride(cols, 300);
        let cells = (0..rows)
            .step_by(sr)
            .flat_map(|r| (0..cols).step_by(sc).map(move |c| (r, c)));
        #[allow(clippy::cast_precision_loss)]
        drawing(chart.draw_series(cells.map(|(r, c)| {
            let v = z[[r, c]];
            let color = if v.is_finite() {
                ViridisRGB.get_color_normalized(v, zlo, zhi)
            } else {
                RGBColor(200, 0, 200)
            };
            let x = grid.x.0 + c as f64 * dx;
            let y = grid.y.0 + r as f64 * dy;
            Rectangle::new(
                [(x, y), (x + dx * sc as f64, y + dy * sr as f64)],
                color.filled(),
            )
        })))?;
        if let Some((v, u)) = arrows {
            // About 20 arrows per side, the longest one cell of that grid long.
            let (ar, ac) = (stride(rows, 20), stride(cols, 20));
            let longest = v
                .iter()
                .zip(u)
                .map(|(a, b)| a.hypot(*b))
                .filter(|m| m.is_finite())
                .fold(0.0, f64::max);
            #[allow(clippy::cast_precision_loss)]
            let scale = if longest > 0.0 {
                0.9 * (ac as f64 * dx).min(ar as f64 * dy) / longest
            } else {
                0.0
            };
            let white = RGBColor(255, 255, 255);
            let mut paths = Vec::new();
            for r in (ar / 2..rows).step_by(ar) {
                for c in (ac / 2..cols).step_by(ac) {
                    let (gv, gu) = (v[[r, c]] * scale, u[[r, c]] * scale);
                    if !(gv.is_finite() && gu.is_finite()) || gv.hypot(gu) < 1e-12 {
                        continue;
                    }
                    #[allow(clippy::cast_precision_loss)]
                    let (x, y) = (
                        grid.x.0 + (c as f64 + 0.5) * dx,
                        grid.y.0 + (r as f64 + 0.5) * dy,
                    );
                    let (tx, ty) = (x + gu, y + gv);
                    // Arrow head: two short strokes at ±25° from the shaft.
                    let (len, ang) = (gu.hypot(gv), gv.atan2(gu));
                    let head = 0.3 * len;
                    for da in [2.7f64, -2.7] {
                        let a = ang + da;
                        paths.push(vec![(tx, ty), (tx + head * a.cos(), ty + head * a.sin())]);
                    }
                    paths.push(vec![(x, y), (tx, ty)]);
                }
            }
            drawing(
                chart.draw_series(
                    paths
                        .into_iter()
                        .map(|p| PathElement::new(p, white.stroke_width(2))),
                ),
            )?;
        }
        Ok(())
    }

    /// [`Heat::draw`] with a colour bar at its right that reads the colours
    /// as values.
    pub fn draw_with_bar(&self, area: &Area<'_>) -> Result<()> {
        let (title, z) = (self.title, self.z);
        let (width, _) = area.dim_in_pixel();
        let (map, bar) = area.split_horizontally(width.saturating_sub(84));
        self.draw(&map)?;
        let (lo, hi) = finite_range(z.iter().copied());
        // The title again, transparent: the bar then starts where the map does.
        let hidden = (FAMILY, 18).into_font().color(&TRANSPARENT);
        let mut chart = drawing(
            ChartBuilder::on(&bar)
                .caption(title, hidden)
                .margin(12)
                .margin_left(0)
                .x_label_area_size(36)
                .y_label_area_size(56)
                .build_cartesian_2d(0.0..1.0, lo..hi),
        )?;
        let steps = 128;
        #[allow(clippy::cast_precision_loss)]
        let at = |i: usize| lo + (hi - lo) * i as f64 / steps as f64;
        drawing(chart.draw_series((0..steps).map(|i| {
            let color = ViridisRGB.get_color_normalized(0.5 * (at(i) + at(i + 1)), lo, hi);
            Rectangle::new([(0.0, at(i)), (1.0, at(i + 1))], color.filled())
        })))?;
        drawing(
            chart
                .configure_mesh()
                .disable_mesh()
                .disable_x_axis()
                .set_all_tick_mark_size(6)
                .label_style((FAMILY, 12))
                .draw(),
        )?;
        Ok(())
    }
}

/// One curve of a line chart.
pub struct Series<'a> {
    pub label: String,
    pub x: &'a [f64],
    pub y: &'a [f64],
    pub color: RGBColor,
    /// Dots at the samples instead of a line.
    pub points: bool,
}

/// A chart of several curves with a legend.
pub struct Curves<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub series: &'a [Series<'a>],
    pub legend: SeriesLabelPosition,
}

impl Curves<'_> {
    /// Draws the curves with linear axes.
    pub fn draw(&self, area: &Area<'_>) -> Result<()> {
        let series = self.series;
        let (x0, x1) = finite_range(series.iter().flat_map(|s| s.x.iter().copied()));
        let (y0, y1) = finite_range(series.iter().flat_map(|s| s.y.iter().copied()));
        let pad = 0.05 * (y1 - y0);
        let mut chart = drawing(
            builder(area, self.title, 56).build_cartesian_2d(x0..x1, (y0 - pad)..(y1 + pad)),
        )?;
        drawing(
            chart
                .configure_mesh()
                .x_desc(self.x_label)
                .y_desc(self.y_label)
                .label_style((FAMILY, 12))
                .light_line_style(RGBColor(235, 235, 235))
                .draw(),
        )?;
        draw_curves(&mut chart, series, &self.legend, (false, false))
    }

    /// Draws the curves with a logarithmic y axis, and a logarithmic x
    /// axis too with `log_x` (a log–log plot, where power laws are straight
    /// lines).
    pub fn draw_log(&self, area: &Area<'_>, log_x: bool) -> Result<()> {
        let Curves {
            title,
            x_label,
            y_label,
            series,
            ref legend,
        } = *self;
        let xs = || series.iter().flat_map(|s| s.x.iter().copied());
        let (y0, y1) = decades(series.iter().flat_map(|s| s.y.iter().copied()));
        let mut base = builder(area, title, 64);
        if log_x {
            let (x0, x1) = finite_range(xs().filter(|&v| v > 0.0));
            let last_tick = Cell::new(f64::NAN);
            let mut chart = drawing(
                base.build_cartesian_2d((x0 / 1.2..x1 * 1.2).log_scale(), (y0..y1).log_scale()),
            )?;
            let x_ticks = |v: &f64| {
                // plotters lists each power of ten twice (the last light
                // tick of a decade and the next decade's bold one): label
                // it once.
                if last_tick.replace(*v) == *v {
                    String::new()
                } else {
                    log_tick(*v)
                }
            };
            log_mesh(&mut chart, (x_label, y_label), Some(&x_ticks))?;
            draw_curves(&mut chart, series, legend, (true, true))
        } else {
            let (x0, x1) = finite_range(xs());
            let mut chart = drawing(base.build_cartesian_2d(x0..x1, (y0..y1).log_scale()))?;
            log_mesh(&mut chart, (x_label, y_label), None)?;
            draw_curves(&mut chart, series, legend, (false, true))
        }
    }
}

/// Draws the mesh of a chart with a logarithmic y axis: the axes'
/// descriptions, the y ticks as powers of ten, no light lines; `x_ticks`
/// labels the x ticks (plotters' labels without it).
fn log_mesh<'a, X>(
    chart: &mut ChartContext<'a, BitMapBackend<'a>, Cartesian2d<X, LogCoord<f64>>>,
    (x_label, y_label): (&str, &str),
    x_ticks: Option<&dyn Fn(&f64) -> String>,
) -> Result<()>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let y_ticks = |v: &f64| format!("{v:.0e}");
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_label)
        .y_desc(y_label)
        .y_label_formatter(&y_ticks)
        .label_style((FAMILY, 12))
        .light_line_style(TRANSPARENT);
    if let Some(x_ticks) = x_ticks {
        mesh.x_label_formatter(x_ticks);
    }
    drawing(mesh.draw())
}

/// Draws `series` and their legend on `chart`, whatever its axes (linear
/// or logarithmic: `log` says which of x and y is). Samples the axes
/// cannot show (non-finite, or not positive on a logarithmic axis) are
/// left out; a series with an empty label has no legend entry.
fn draw_curves<'a, X, Y>(
    chart: &mut ChartContext<'a, BitMapBackend<'a>, Cartesian2d<X, Y>>,
    series: &[Series<'_>],
    legend: &SeriesLabelPosition,
    (log_x, log_y): (bool, bool),
) -> Result<()>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let shown = |x: f64, y: f64| {
        x.is_finite() && y.is_finite() && (!log_x || x > 0.0) && (!log_y || y > 0.0)
    };
    for s in series {
        let pts =
            s.x.iter()
                .copied()
                .zip(s.y.iter().copied())
                .filter(|&(x, y)| shown(x, y));
        let color = s.color;
        let label = (!s.label.is_empty()).then(|| s.label.clone());
        if s.points {
            let anno = drawing(chart.draw_series(pts.map(|p| Circle::new(p, 3, color.filled()))))?;
            if let Some(label) = label {
                anno.label(label)
                    .legend(move |(x, y)| Circle::new((x + 10, y), 3, color.filled()));
            }
        } else {
            let anno = drawing(chart.draw_series(LineSeries::new(pts, color.stroke_width(2))))?;
            if let Some(label) = label {
                anno.label(label).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
            }
        }
    }
    drawing(
        chart
            .configure_series_labels()
            .position(legend.clone())
            .label_font((FAMILY, 13))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw(),
    )?;
    Ok(())
}

/// The range of the positive finite values, widened to whole decades.
fn decades(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = finite_range(values.filter(|&v| v > 0.0));
    if lo <= 0.0 {
        return (0.1, 1.0);
    }
    let lo = 10f64.powf(lo.log10().floor());
    let hi = 10f64.powf(hi.log10().ceil());
    if lo < hi { (lo, hi) } else { (lo, 10.0 * lo) }
}

/// The label of a tick on a logarithmic x axis: 1, 2 and 5 times a power
/// of ten are labelled, the other ticks not.
fn log_tick(v: f64) -> String {
    let e = (v.log10() + 1e-9).floor();
    let m = v / 10f64.powf(e);
    if [1.0, 2.0, 5.0].iter().any(|k| (m - k).abs() < 1e-6) {
        format!("{v:.*}", (-e).max(0.0) as usize)
    } else {
        String::new()
    }
}

/// Colours for successive curves.
pub const PALETTE: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
];

fn two_d(a: ArrayD<f64>, what: &str) -> Result<Array2<f64>> {
    let shape = a.shape().to_vec();
    a.into_dimensionality::<Ix2>()
        .map_err(|_| anyhow::anyhow!("{what}: expected a 2-D array, got shape {shape:?}"))
}

fn real(d: &Data, what: &str) -> Result<ArrayD<f64>> {
    d.to_f64().map_err(|e| anyhow::anyhow!("{what}: {e}"))
}

pub fn run(args: &PlotArgs, _common: Common) -> Result<()> {
    if Format::of(&args.output)? != Format::Png {
        bail!("'{}': plot writes .png pictures", args.output.display());
    }
    io::check_output(&args.output, args.force)?;
    let path = &args.field;
    let name = path.display().to_string();
    let title = args.title.clone().unwrap_or_else(|| {
        path.file_name()
            .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned())
    });
    let size = (800, 680);
    match Format::of(path)? {
        Format::Csv => plot_csv(args, &title, size),
        Format::Npy | Format::Npz => plot_arrays(args, &name, &title, size),
        Format::Png => bail!("'{name}' is already a picture: try `ndgrad edges`"),
    }
}

fn plot_csv(args: &PlotArgs, title: &str, size: (u32, u32)) -> Result<()> {
    let path = &args.field;
    if matches!(args.kind, Some(PlotKind::Heat | PlotKind::Arrows)) {
        bail!("a CSV table is drawn as curves (--kind lines)");
    }
    let t = csv::read(path, b',')?;
    let x = args.x.as_deref().map(|c| t.column(c)).transpose()?;
    #[allow(clippy::cast_precision_loss)]
    let index: Vec<f64> = (0..t.columns[0].len()).map(|i| i as f64).collect();
    let xs = x.map_or(index.as_slice(), |c| t.columns[c].as_slice());
    let series: Vec<Series<'_>> = (0..t.columns.len())
        .filter(|&c| Some(c) != x)
        .enumerate()
        .map(|(k, c)| Series {
            label: t.name(c),
            x: xs,
            y: &t.columns[c],
            color: PALETTE[k % PALETTE.len()],
            points: false,
        })
        .collect();
    let xl = x.map_or_else(|| "row".to_owned(), |c| t.name(c));
    plot_curves(args, title, &xl, &series, size)
}

/// Draws `series` as `ndgrad plot` draws curves: values against
/// `x_label`, the legend at the upper left.
fn plot_curves(
    args: &PlotArgs,
    title: &str,
    x_label: &str,
    series: &[Series<'_>],
    size: (u32, u32),
) -> Result<()> {
    let curves = Curves {
        title,
        x_label,
        y_label: "value",
        series,
        legend: SeriesLabelPosition::UpperLeft,
    };
    render(&args.output, size, args.force, |a| curves.draw(a))
}

fn plot_arrays(args: &PlotArgs, name: &str, title: &str, size: (u32, u32)) -> Result<()> {
    let path = &args.field;
    let arrays: Vec<(String, Data)> = if Format::of(path)? == Format::Npz {
        match args.array.as_slice() {
            [] => npz_all(path)?,
            names => names
                .iter()
                .map(|n| npz::read(path, Some(n)))
                .collect::<Result<_>>()?,
        }
    } else {
        if !args.array.is_empty() {
            bail!("--array chooses arrays of a .npz file, but the input is .npy");
        }
        vec![(name.to_owned(), io::read_array(path, None)?)]
    };
    let ndim = arrays[0].1.shape().len();
    let kind = args.kind.unwrap_or(match (arrays.len(), ndim) {
        (_, 1) => PlotKind::Lines,
        (2, 2) => PlotKind::Arrows,
        (1, 2) => PlotKind::Heat,
        (n, d) => bail!(
            "don't know how to draw {n} array(s) of {d}-D: give one or two 2-D arrays \
             (--array) or 1-D arrays"
        ),
    });
    match kind {
        PlotKind::Heat => {
            let [(_, z)] = arrays.as_slice() else {
                bail!("a heat map draws one 2-D array: choose it with --array NAME");
            };
            let z = two_d(real(z, name)?, name)?;
            let grid = Grid::indices(z.shape(), true);
            let heat = Heat {
                title,
                z: &z,
                grid: &grid,
                arrows: None,
            };
            render(&args.output, size, args.force, |a| heat.draw(a))
        }
        PlotKind::Arrows => {
            let [(_, v), (_, u)] = arrays.as_slice() else {
                bail!(
                    "arrows need two 2-D arrays, the row and column components \
                     (--array Y,X); got {}",
                    arrays.len()
                );
            };
            let v = two_d(real(v, name)?, name)?;
            let u = two_d(real(u, name)?, name)?;
            if v.dim() != u.dim() {
                bail!(
                    "the two components differ in shape: {:?} and {:?}",
                    v.dim(),
                    u.dim()
                );
            }
            let m = Array2::from_shape_fn(v.dim(), |i| v[i].hypot(u[i]));
            let grid = Grid::indices(m.shape(), true);
            let title = format!("{title}: arrows (axis 1, axis 0) over the magnitude");
            let heat = Heat {
                title: &title,
                z: &m,
                grid: &grid,
                arrows: Some((&v, &u)),
            };
            render(&args.output, size, args.force, |a| heat.draw(a))
        }
        PlotKind::Lines => {
            let ys: Vec<(String, Vec<f64>)> = arrays
                .iter()
                .map(|(n, d)| {
                    let a = real(d, n)?;
                    if a.ndim() != 1 {
                        bail!("{n}: curves need 1-D arrays, got shape {:?}", a.shape());
                    }
                    Ok((n.clone(), a.iter().copied().collect()))
                })
                .collect::<Result<_>>()?;
            let len = ys.iter().map(|y| y.1.len()).max().unwrap_or(0);
            #[allow(clippy::cast_precision_loss)]
            let index: Vec<f64> = (0..len).map(|i| i as f64).collect();
            let series: Vec<Series<'_>> = ys
                .iter()
                .enumerate()
                .map(|(k, (n, y))| Series {
                    label: n.clone(),
                    x: &index[..y.len()],
                    y,
                    color: PALETTE[k % PALETTE.len()],
                    points: false,
                })
                .collect();
            plot_curves(args, title, "index", &series, size)
        }
    }
}

/// Every array of a `.npz`, in the archive's order.
fn npz_all(path: &Path) -> Result<Vec<(String, Data)>> {
    let first = npz::read(path, None);
    if let Ok(one) = first {
        return Ok(vec![one]);
    }
    let names = npz::names_of(path)?;
    names.iter().map(|n| npz::read(path, Some(n))).collect()
}
