//! Integration tests of the HTTP API over real llama.cpp engines (generated tiny GGUF
//! models, SmolLM2 when installed) with a real HTTP client, plus the official OpenAI
//! Python client driving the server. The modules live in tests/http/ (a crate root's
//! modules would otherwise be looked for beside it, where cargo would take each file
//! for a test binary of its own).

#[path = "http/common.rs"]
mod common;

#[path = "http/api.rs"]
mod api;
#[path = "http/errors.rs"]
mod errors;
#[path = "http/load.rs"]
mod load;
#[path = "http/openai_python.rs"]
mod openai_python;

// The product API (/api) and the web page, over a service on a temporary store.
#[path = "http/product_common.rs"]
mod product_common;

#[path = "http/product_api.rs"]
mod product_api;
#[path = "http/product_bad_input.rs"]
mod product_bad_input;
#[path = "http/product_drafts.rs"]
mod product_drafts;
#[path = "http/product_pages.rs"]
mod product_pages;
#[path = "http/product_permissions.rs"]
mod product_permissions;
#[path = "http/product_translations.rs"]
mod product_translations;
