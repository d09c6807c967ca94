//! `.npy` files: the header through `ndarray-npy`, the data through the
//! tool's own decoder (any byte order, float16, C or Fortran order).

use std::io::{Read, Seek, Write};

use anyhow::{Context, Result, bail};
use ndarray_npy::npy::header::{Header, Layout};
use py_literal::Value as PyValue;

use crate::data::{ByteOrder, DType, Data, decode_into, from_shape_vec, with_dtype};

/// What an `.npy` header says about the array that follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpyHeader {
    pub dtype: DType,
    pub order: ByteOrder,
    pub fortran: bool,
    pub shape: Vec<usize>,
}

impl NpyHeader {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Bytes of data the header promises.
    pub fn data_bytes(&self) -> u64 {
        (self.len() as u64).saturating_mul(self.dtype.size() as u64)
    }
}

/// Largest header (the Python dict after the length field) read:
/// NumPy's own default `max_header_size` (`numpy.lib.format`), so a file
/// refused here is refused by `numpy.load` too. Checked before the header
/// is read, so that a corrupt length field cannot make the reader allocate
/// gigabytes.
const MAX_HEADER_BYTES: usize = 10_000;

/// Reads and checks the header; leaves `r` at the first data byte.
pub fn read_header(r: &mut impl Read) -> Result<NpyHeader> {
    let not_npy = |e: &dyn std::fmt::Display| {
        anyhow::anyhow!(
            "not a .npy file NumPy can read back ({e}); expected the output of numpy.save"
        )
    };
    // The magic string, the version and the header's length field (2 bytes
    // in version 1, 4 in versions 2 and 3), checked here and then handed to
    // ndarray-npy's parser together with the rest of the header.
    let mut prefix = [0_u8; 12];
    r.read_exact(&mut prefix[..10]).map_err(|e| not_npy(&e))?;
    if &prefix[..6] != b"\x93NUMPY" {
        return Err(not_npy(&"the file does not start with \\x93NUMPY"));
    }
    // Version 1 has a 2-byte length; 2 and 3 have 4 bytes (other versions
    // are refused by the parser below).
    let (prefix, len) = if prefix[6] == 1 {
        let len = u16::from_le_bytes([prefix[8], prefix[9]]);
        (&prefix[..10], usize::from(len))
    } else {
        r.read_exact(&mut prefix[10..]).map_err(|e| not_npy(&e))?;
        let len = u32::from_le_bytes([prefix[8], prefix[9], prefix[10], prefix[11]]);
        (&prefix[..], usize::try_from(len).unwrap_or(usize::MAX))
    };
    if len > MAX_HEADER_BYTES {
        bail!(
            "not a .npy file NumPy can read back: its header says it is {len} bytes long, \
             expected at most {MAX_HEADER_BYTES} (numpy.load's limit)"
        );
    }
    let header = Header::from_reader(&mut prefix.chain(r)).map_err(|e| not_npy(&e))?;
    let descr = match &header.type_descriptor {
        PyValue::String(s) => s.clone(),
        other => bail!(
            "unsupported dtype {other}: ndgrad reads arrays of numbers, not structured or \
             object arrays"
        ),
    };
    let (dtype, order) = DType::from_descr(&descr)?;
    if header
        .shape
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .and_then(|n| n.checked_mul(dtype.size()))
        .is_none()
    {
        bail!(
            "the header's shape {:?} is too large to address",
            header.shape
        );
    }
    Ok(NpyHeader {
        dtype,
        order,
        fortran: header.layout == Layout::Fortran,
        shape: header.shape,
    })
}

/// Writes an `.npy` header for little-endian data of `dtype`.
pub fn write_header(
    w: &mut impl Write,
    dtype: DType,
    fortran: bool,
    shape: &[usize],
) -> Result<()> {
    let header = Header {
        type_descriptor: PyValue::String(dtype.descr().into()),
        layout: if fortran {
            Layout::Fortran
        } else {
            Layout::Standard
        },
        shape: shape.to_vec(),
    };
    header
        .write(w)
        .map_err(|e| anyhow::anyhow!("writing the .npy header: {e}"))
}

/// Reads the data that follows a header; a file with too few bytes is an
/// error that says how many were expected.
pub fn read_data(r: &mut impl Read, header: &NpyHeader) -> Result<Data> {
    let want = header.data_bytes();
    Ok(with_dtype!(header.dtype, T => {
        // Decoded a chunk at a time: the raw bytes are never held whole.
        const CHUNK: usize = 1 << 20;
        let size = header.dtype.size();
        let mut v = Vec::<T>::with_capacity(header.len());
        let mut buf = vec![0u8; CHUNK - CHUNK % size];
        let mut part = Vec::<T>::new();
        let mut r = r.take(want);
        let mut got = 0usize;
        loop {
            let n = read_full(&mut r, &mut buf).context("reading the array data")?;
            if n == 0 {
                break;
            }
            got += n;
            decode_into(&buf[..n - n % size], header.order, &mut part);
            v.extend_from_slice(&part);
        }
        if (got as u64) < want {
            bail!(
                "truncated .npy: the header describes {} {} values ({want} bytes) but only {got} \
                 bytes of data follow",
                header.len(),
                header.dtype.name(),
            );
        }
        Data::from(from_shape_vec(&header.shape, header.fortran, v))
    }))
}

/// Fills `buf` as far as the reader allows; returns the bytes read (less
/// than `buf.len()` only at the end).
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reads a whole `.npy` stream.
pub fn read(r: &mut impl Read) -> Result<Data> {
    let header = read_header(r)?;
    read_data(r, &header)
}

/// Reads the header of a seekable `.npy` file and returns it with the byte
/// offset of the data.
pub fn read_header_at(r: &mut (impl Read + Seek)) -> Result<(NpyHeader, u64)> {
    let header = read_header(r)?;
    let offset = r.stream_position().context("reading the .npy header")?;
    Ok((header, offset))
}

/// Writes `data` as an `.npy` file in its own memory order.
pub fn write(w: &mut impl Write, data: &Data) -> Result<()> {
    write_header(w, data.dtype(), data.is_fortran(), data.shape())?;
    data.write_bytes(w)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, IxDyn};

    #[test]
    fn round_trips_each_layout() {
        let c = ArrayD::from_shape_fn(IxDyn(&[2, 3]), |i| (i[0] * 10 + i[1]) as f64);
        let f = c.t().as_standard_layout().t().to_owned();
        for a in [c.clone(), f] {
            let mut buf = Vec::new();
            write(&mut buf, &Data::F64(a.clone())).unwrap();
            assert_eq!((buf.len() - 48) % 64, 0, "header padded to 64 bytes");
            let back = read(&mut buf.as_slice()).unwrap();
            assert_eq!(back, Data::F64(a));
        }
    }

    #[test]
    fn truncated_data_says_what_was_expected() {
        let mut buf = Vec::new();
        write(&mut buf, &Data::F64(ArrayD::zeros(IxDyn(&[10])))).unwrap();
        buf.truncate(buf.len() - 4);
        let err = read(&mut buf.as_slice()).unwrap_err().to_string();
        assert!(
            err.contains("10 float64 values (80 bytes) but only 76 bytes"),
            "{err}"
        );
    }

    #[test]
    fn huge_header_length_is_refused_before_reading_it() {
        // Found by the npy_reader fuzz target: a header length field of
        // 0xa0a0a076 made ndarray-npy allocate 2.7 GB for a 16-byte input.
        let bytes = b"\x93NUMPY\x03\x00\x76\xa0\xa0\xa0\xa0\xa0";
        let err = read(&mut &bytes[..]).unwrap_err().to_string();
        assert!(
            err.contains("header says it is 2694881398 bytes long, expected at most 10000"),
            "{err}"
        );
        for (version, len) in [(1_u8, &[0x10_u8, 0x27][..]), (2, &[0x11, 0x27, 0, 0])] {
            // 10000 bytes is allowed (and then truncated), 10001 is not.
            let mut b = b"\x93NUMPY".to_vec();
            b.extend([version, 0]);
            b.extend(len);
            let err = read(&mut b.as_slice()).unwrap_err().to_string();
            assert_eq!(
                err.contains("expected at most 10000"),
                version == 2,
                "version {version}: {err}"
            );
        }
    }

    #[test]
    fn not_an_npy_file_is_refused() {
        let err = read(&mut &b"x,y\n1,2\n"[..]).unwrap_err().to_string();
        assert!(err.starts_with("not a .npy file"), "{err}");
    }
}
