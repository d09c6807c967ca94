//! Standalone documentation pages.

pub mod numpy_parity;
