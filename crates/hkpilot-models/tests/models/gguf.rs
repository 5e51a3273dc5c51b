//! The GGUF header reader on arbitrary and damaged bytes: it returns an error, never
//! panics, never allocates what the file merely claims.

use hkpilot_models::gguf::{self, GgufError};
use proptest::prelude::*;

use crate::common::tiny_model_bytes;

fn tiny() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| tiny_model_bytes("tiny"))
}

#[test]
fn every_truncation_of_a_valid_file_is_an_error() {
    let bytes = tiny();
    assert!(gguf::parse_bytes(bytes).is_ok());
    for cut in (0..bytes.len()).step_by(97) {
        let err = gguf::parse_bytes(&bytes[..cut]).expect_err("truncated");
        let expected = if cut < 4 {
            "not_gguf"
        } else {
            "truncated_model_file"
        };
        assert_eq!(err.code(), expected, "cut at {cut}: {err}");
    }
}

#[test]
fn absurd_counts_are_refused_without_allocating() {
    let mut b = b"GGUF".to_vec();
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&u64::MAX.to_le_bytes());
    b.extend_from_slice(&1u64.to_le_bytes());
    assert!(matches!(
        gguf::parse_bytes(&b),
        Err(GgufError::Corrupt { .. })
    ));
    // One key whose string claims 2^62 bytes.
    let mut b = b"GGUF".to_vec();
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&0u64.to_le_bytes());
    b.extend_from_slice(&1u64.to_le_bytes());
    b.extend_from_slice(&(1u64 << 62).to_le_bytes());
    b.extend_from_slice(&[0u8; 64]);
    assert_eq!(
        gguf::parse_bytes(&b).expect_err("huge string").code(),
        "corrupt_model_file"
    );
}

#[test]
fn old_versions_are_named() {
    let mut b = tiny().to_vec();
    b[4..8].copy_from_slice(&1u32.to_le_bytes());
    let err = gguf::parse_bytes(&b).expect_err("v1");
    assert_eq!(err.code(), "unsupported_gguf_version");
    assert!(err.to_string().contains("version 1"), "{err}");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = gguf::parse_bytes(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_the_magic_never_panic(rest in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut b = b"GGUF\x03\x00\x00\x00".to_vec();
        b.extend_from_slice(&rest);
        let _ = gguf::parse_bytes(&b);
    }

    #[test]
    fn damaged_valid_files_never_panic(
        edits in proptest::collection::vec((0usize..4096, any::<u8>()), 1..8),
        cut in 0usize..200_000,
    ) {
        let mut b = tiny().to_vec();
        for (at, byte) in edits {
            let at = at % b.len();
            b[at] = byte;
        }
        b.truncate(cut.max(1));
        let _ = gguf::parse_bytes(&b);
    }
}
