//! HKPilot model management: a [`ModelStore`] over a directory of GGUF models
//! (`hkpilot model list | info | rm`), a pure-Rust GGUF header reader ([`gguf`]) that
//! never loads weights, and resumable, verified downloads ([`pull`], feature `pull`).
//!
//! Nothing here knows the command line; the binary turns [`PullEvent`]s into a
//! progress bar and [`ModelError`] codes into exit codes.

mod error;
#[cfg(feature = "pull")]
mod fetch;
pub mod gguf;
#[cfg(feature = "pull")]
mod pull;
mod sidecar;
#[cfg(feature = "pull")]
mod source;
mod store;
mod summary;
pub mod testing;

pub use error::ModelError;
#[cfg(feature = "pull")]
pub use pull::{pull, pull_blocking, PullEvent, PullOptions, PullRequest, Pulled};
pub use sidecar::{read_sidecar, sidecar_path, Sidecar};
#[cfg(feature = "pull")]
pub use source::{PullSource, DEFAULT_HF_ENDPOINT};
pub use store::{
    details, model_name, EntryError, Listing, ModelEntry, ModelStore, PartialDownload, Removed,
    CHECKOUT_MODEL_DIR, DEFAULT_MODEL_FILE, MODEL_DIR_ENV, PART_SUFFIX,
};
pub use summary::{MetadataEntry, ModelDetails, ModelSummary, TensorTypeCount};
