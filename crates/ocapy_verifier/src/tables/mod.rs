//! The verifier's data: hidden-edge attributes, builtins and module facades, each entry with
//! its reason. The runtime reads the same tables through the Python binding.

pub mod attributes;
pub mod builtins;
pub mod modules;
