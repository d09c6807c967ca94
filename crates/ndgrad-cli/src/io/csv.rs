//! CSV tables: columns of numbers, with or without a header row.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use half::f16;
use ndarray::ArrayViewD;
use num_complex::Complex;

use super::open;
use crate::data::{Data, with_data};

/// A table of numbers, column by column.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names, when the first row is a header.
    pub names: Option<Vec<String>>,
    /// The columns, all of the same length.
    pub columns: Vec<Vec<f64>>,
}

fn parse(field: &str) -> Option<f64> {
    field.parse::<f64>().ok()
}

/// Reads a CSV file of numbers. The first row is a header when any of its
/// fields is not a number. Lines starting with `#` are comments.
pub fn read(path: &Path, delimiter: u8) -> Result<Table> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .comment(Some(b'#'))
        .trim(::csv::Trim::All)
        .from_reader(std::io::BufReader::new(open(path)?));
    let mut names = None;
    let mut columns: Vec<Vec<f64>> = Vec::new();
    for (i, record) in rdr.records().enumerate() {
        let record = record.map_err(|e| {
            anyhow::anyhow!(
                "'{}': {e}; every row needs the same number of fields",
                path.display()
            )
        })?;
        let line = record
            .position()
            .map_or(i as u64 + 1, ::csv::Position::line);
        if i == 0 && record.iter().any(|f| parse(f).is_none()) {
            let header: Vec<String> = record.iter().map(str::to_owned).collect();
            // `--x t` on a header `t,t` would pick one of two columns.
            for (j, name) in header.iter().enumerate() {
                if let Some(k) = header[..j].iter().position(|m| m == name) {
                    bail!(
                        "'{}': the header names column '{name}' twice (columns {k} and {j}); \
                         expected distinct column names",
                        path.display()
                    );
                }
            }
            names = Some(header);
            continue;
        }
        if columns.is_empty() {
            columns = vec![Vec::new(); record.len()];
        }
        for (c, field) in record.iter().enumerate() {
            let v = parse(field).with_context(|| {
                format!(
                    "'{}' line {line}, column {}: '{field}' is not a number",
                    path.display(),
                    c + 1
                )
            })?;
            columns[c].push(v);
        }
    }
    if columns.is_empty() {
        bail!("'{}' holds no rows of numbers", path.display());
    }
    Ok(Table { names, columns })
}

impl Table {
    /// The index of a column given by header name or 0-based index.
    pub fn column(&self, sel: &str) -> Result<usize> {
        if let Some(i) = self
            .names
            .as_ref()
            .and_then(|n| n.iter().position(|m| m == sel))
        {
            return Ok(i);
        }
        if let Ok(i) = sel.parse::<usize>()
            && i < self.columns.len()
        {
            return Ok(i);
        }
        // The valid indices, written so that none of them looks out of range.
        let indices = match self.columns.len() {
            1 => "index 0".to_owned(),
            2 => "index 0 or 1".to_owned(),
            n => format!("indices 0 to {}", n - 1),
        };
        let have = match &self.names {
            Some(n) => format!("columns are {} (or {indices})", n.join(", ")),
            None => format!("columns are {indices} (no header row)"),
        };
        bail!("no column '{sel}': {have}")
    }

    /// The name of column `i`: its header, or `col{i}`.
    pub fn name(&self, i: usize) -> String {
        self.names
            .as_ref()
            .and_then(|n| n.get(i).cloned())
            .unwrap_or_else(|| format!("col{i}"))
    }
}

/// Formats a number so that reading it back gives the same bits: the
/// shortest round-trip digits, exponent form for very small or large
/// magnitudes, `nan`/`inf` as NumPy spells them.
pub trait CsvValue: Copy {
    fn write(self, out: &mut String);
}

macro_rules! csv_float {
    ($($t:ty),*) => {$(
        impl CsvValue for $t {
            fn write(self, out: &mut String) {
                use std::fmt::Write as _;
                let a = f64::from(self).abs();
                if self.is_nan() {
                    out.push_str("nan");
                } else if self.is_infinite() {
                    out.push_str(if self > <$t>::from(0u8) { "inf" } else { "-inf" });
                } else if a != 0.0 && !(1e-5..1e16).contains(&a) {
                    write!(out, "{self:e}").expect("writing to a String");
                } else {
                    write!(out, "{self}").expect("writing to a String");
                }
            }
        }
    )*};
}
csv_float!(f16, f32, f64);

impl<T: CsvValue> CsvValue for Complex<T> {
    fn write(self, out: &mut String) {
        // Python's complex literal: (re+imj), as numpy.savetxt's "%r".
        out.push('(');
        self.re.write(out);
        let mut im = String::new();
        self.im.write(&mut im);
        if !im.starts_with('-') {
            out.push('+');
        }
        out.push_str(&im);
        out.push_str("j)");
    }
}

macro_rules! csv_int {
    ($($t:ty),*) => {$(
        impl CsvValue for $t {
            fn write(self, out: &mut String) {
                out.push_str(&self.to_string());
            }
        }
    )*};
}
csv_int!(i8, i16, i32, i64, u8, u16, u32, u64);

fn write_line(w: &mut impl Write, line: &mut String) -> Result<()> {
    line.push('\n');
    w.write_all(line.as_bytes())?;
    line.clear();
    Ok(())
}

/// Writes columns of equal length under a header row.
pub fn write_columns(w: &mut impl Write, names: &[String], columns: &[&Data]) -> Result<()> {
    let mut line = names.join(",");
    write_line(w, &mut line)?;
    let rows = columns.first().map_or(0, |c| c.shape()[0]);
    for r in 0..rows {
        for (k, col) in columns.iter().enumerate() {
            if k > 0 {
                line.push(',');
            }
            with_data!(col, a => a[[r]].write(&mut line));
        }
        write_line(w, &mut line)?;
    }
    Ok(())
}

/// Writes a 1-D (one value per line) or 2-D (one row per line) array.
pub fn write_matrix(w: &mut impl Write, data: &Data) -> Result<()> {
    fn rows<T: CsvValue>(w: &mut impl Write, a: &ArrayViewD<'_, T>) -> Result<()> {
        let mut line = String::new();
        match a.ndim() {
            1 => {
                for &x in a {
                    x.write(&mut line);
                    write_line(w, &mut line)?;
                }
            }
            2 => {
                for row in a.rows() {
                    for (k, &x) in row.iter().enumerate() {
                        if k > 0 {
                            line.push(',');
                        }
                        x.write(&mut line);
                    }
                    write_line(w, &mut line)?;
                }
            }
            n => {
                bail!("a CSV file holds a 1-D or 2-D array, this one is {n}-D: write .npy or .npz")
            }
        }
        Ok(())
    }
    with_data!(data, a => rows(w, &a.view()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt<T: CsvValue>(x: T) -> String {
        let mut s = String::new();
        x.write(&mut s);
        s
    }

    #[test]
    fn numbers_round_trip_exactly() {
        for x in [
            0.1,
            -2.5,
            1e-300,
            6.02e23,
            f64::MIN_POSITIVE / 3.0,
            1.0 / 3.0,
            -0.0,
        ] {
            let s = fmt(x);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), x.to_bits(), "{s}");
        }
        assert_eq!(fmt(f64::NAN), "nan");
        assert_eq!(fmt(f64::NEG_INFINITY), "-inf");
        assert_eq!(fmt(0.1f32), "0.1");
        assert_eq!(fmt(Complex::new(1.5, -2.0)), "(1.5-2j)");
    }

    #[test]
    fn header_is_detected_and_columns_found() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, "# positions\nt, s\n0,1\n0.5,3.25\n").unwrap();
        let t = read(&p, b',').unwrap();
        assert_eq!(
            t.names.as_deref(),
            Some(&["t".to_owned(), "s".to_owned()][..])
        );
        assert_eq!(t.columns, [vec![0.0, 0.5], vec![1.0, 3.25]]);
        assert_eq!(t.column("s").unwrap(), 1);
        assert_eq!(t.column("0").unwrap(), 0);
        let err = t.column("v").unwrap_err().to_string();
        assert_eq!(err, "no column 'v': columns are t, s (or index 0 or 1)");
        let err = t.column("2").unwrap_err().to_string();
        assert_eq!(err, "no column '2': columns are t, s (or index 0 or 1)");
        std::fs::write(&p, "1,2\n3,x\n").unwrap();
        let err = format!("{:#}", read(&p, b',').unwrap_err());
        assert!(
            err.contains("line 2, column 2: 'x' is not a number"),
            "{err}"
        );
    }
}
