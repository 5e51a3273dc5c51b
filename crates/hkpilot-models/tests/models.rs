//! The crate's one integration test binary: downloads against a real local HTTP
//! server, the store's list/info/rm on real GGUF files, and the header reader on
//! arbitrary bytes.

mod common;
mod models {
    mod gguf;
    #[cfg(feature = "pull")]
    mod pull;
    mod store;
}
