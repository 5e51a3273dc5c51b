//! Test support shipped with the crate: a generator of tiny random-weight GGUF models
//! that llama.cpp loads like any real model, so tests run without downloads.

pub mod gguf_writer;
mod tiny_model;

pub use tiny_model::{write_tiny_model, TinyArch, TinyModelSpec, TINY_CHAT_TEMPLATE};
