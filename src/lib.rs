//! scaffold generates production-grade Go backend services.
//!
//! Data flows one way: answers -> [`spec::ProjectSpec`] -> [`plan::Plan`] -> [`writer`] -> post steps. Tests call
//! each step in-process; `main.rs` only parses flags and maps errors to exit codes.

pub mod answers_file;
pub mod cli;
pub mod commands;
pub mod context;
pub mod error;
pub mod git;
pub mod input_file;
pub mod interrupt;
pub mod jinja;
pub mod manifest;
pub mod module_path;
pub mod names;
pub mod output;
pub mod overlay;
pub mod plan;
pub mod prompt;
pub mod questions;
pub mod spec;
pub mod templates;
pub mod toolchain;
pub mod user_config;
pub mod writer;
