//! Evaluate: [`Evidence`](crate::evidence::Evidence) + policy → tri-state results.
//!
//! [`policy::PolicyBuilder`] loads policy files and flags into a
//! [`policy::Policy`] once (each file a requirement of its own);
//! [`rules::evaluate_at`] judges each Evidence with it.

pub mod policy;
pub mod registry;
pub mod rego;
mod rego_input;
mod rego_test_runner;
pub mod rules;
pub mod selection;
pub mod source_policy;
pub mod vsa;

pub use crate::results::{verdict, RuleResult, Status};
pub use policy::{Policy, PolicyBuilder, PolicyError};
pub use rules::{evaluate, evaluate_at, JudgedAt};
