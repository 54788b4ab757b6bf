//! Integration tests: the `provcheck` binary as users run it, and golden
//! Evidence for the real documents in `tests/corpus/`.

// A test crate: panicking on a broken fixture is the point (clippy.toml
// allows these inside #[test] functions; the helpers here need them too).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod attestations;
mod audit;
mod audit_integrity;
mod buildinfo;
mod cli;
mod codes;
mod combine;
mod completeness;
mod docs;
mod examples;
mod familiar;
mod golden;
mod layers;
mod outputs;
mod rego;
mod trust;
mod undeserved;
mod util;
mod verify;
