//! Boundaries: parsing and checking GeoJSON geometry, and the point → grid index.

pub mod boundary;
pub mod coverage;
pub mod edit;
pub mod index;
