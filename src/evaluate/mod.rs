//! Evaluate: [`Evidence`](crate::Evidence) + policy → tri-state results.
//!
//! [`policy::PolicyBuilder`] loads and merges policy files and flags into a
//! [`policy::Policy`] once; [`rules::evaluate`] judges each Evidence with it.

pub mod policy;
pub mod registry;
pub mod rego;
mod rego_input;
pub mod rules;
pub mod source_policy;
pub mod status;

pub use policy::{Policy, PolicyBuilder, PolicyError};
pub use rules::evaluate;
pub use status::{verdict, RuleResult, Status};
