//! Where `model pull` fetches from: an http(s) URL, or a Hugging Face file written as
//! `owner/repo:path/file.gguf` or `hf://owner/repo/path/file.gguf` (either with an
//! optional `@revision` after the repository), resolved against a configurable hub.

use crate::error::ModelError;

/// The public hub; mirrors are set with `HKPILOT_HF_ENDPOINT`.
pub const DEFAULT_HF_ENDPOINT: &str = "https://huggingface.co";

/// A parsed pull source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullSource {
    /// The URL actually requested.
    pub url: String,
    /// The file name the model gets in the store.
    pub file_name: String,
    /// Whether this is a hub file (and so may be sent the hub token).
    pub from_hub: bool,
}

impl PullSource {
    /// Parses `input` against `hf_endpoint` (e.g. [`DEFAULT_HF_ENDPOINT`]).
    pub fn parse(input: &str, hf_endpoint: &str) -> Result<PullSource, ModelError> {
        let bad = |reason: &str| ModelError::InvalidSource {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let input_t = input.trim();
        if let Some(rest) = input_t.strip_prefix("hf://") {
            let (repo, file) = split_repo(rest, '/').ok_or_else(|| {
                bad("an hf:// source needs owner, repository and file: hf://owner/repo/file.gguf")
            })?;
            return hub(repo, file, hf_endpoint).map_err(|r| bad(&r));
        }
        if input_t.starts_with("http://") || input_t.starts_with("https://") {
            let url =
                reqwest::Url::parse(input_t).map_err(|e| bad(&format!("not a valid URL ({e})")))?;
            let last = url
                .path_segments()
                .and_then(|mut s| s.next_back())
                .map(percent_decode)
                .unwrap_or_default();
            return Ok(PullSource {
                url: url.to_string(),
                file_name: last,
                from_hub: false,
            });
        }
        if input_t.contains("://") {
            return Err(bad("only http, https and hf:// sources are supported"));
        }
        if let Some((repo, file)) = input_t.split_once(':') {
            return hub(repo, file, hf_endpoint).map_err(|r| bad(&r));
        }
        Err(bad("not a URL and not a hub file"))
    }
}

/// Splits `owner/repo<sep>file` for the `hf://` form.
fn split_repo(s: &str, sep: char) -> Option<(&str, &str)> {
    let slash = s.find('/')?;
    let after = &s[slash + 1..];
    let cut = slash + 1 + after.find(sep)?;
    Some((&s[..cut], &s[cut + 1..]))
}

fn hub(repo: &str, file: &str, endpoint: &str) -> Result<PullSource, String> {
    let (repo, revision) = match repo.split_once('@') {
        Some((r, rev)) if !rev.is_empty() => (r, rev),
        Some(_) => return Err("an empty revision after @".into()),
        None => (repo, "main"),
    };
    let parts: Vec<&str> = repo.split('/').collect();
    let valid = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    if parts.len() != 2 || !parts.iter().all(|p| valid(p)) {
        return Err(format!("{repo:?} is not an owner/repository name"));
    }
    let segments: Vec<&str> = file.split('/').collect();
    if file.is_empty()
        || segments
            .iter()
            .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err(format!("{file:?} is not a file path inside the repository"));
    }
    if endpoint.is_empty() {
        return Err("the hub endpoint (HKPILOT_HF_ENDPOINT) is empty".into());
    }
    let encoded: Vec<String> = segments.iter().map(|s| percent_encode(s)).collect();
    Ok(PullSource {
        url: format!(
            "{}/{repo}/resolve/{}/{}",
            endpoint.trim_end_matches('/'),
            percent_encode(revision),
            encoded.join("/")
        ),
        file_name: segments[segments.len() - 1].to_string(),
        from_hub: true,
    })
}

/// Encodes everything but unreserved characters, for one path segment.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks a file name for the store: a plain `.gguf` name, no directories.
pub fn check_file_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\', '\0']) {
        return Err(format!("{name:?} cannot be a model file name"));
    }
    if !name.to_ascii_lowercase().ends_with(".gguf") {
        return Err(format!(
            "the file {name:?} does not end in .gguf; HKPilot runs GGUF models (pass a .gguf file, or --file NAME.gguf when the URL does not name one)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PullSource {
        PullSource::parse(s, "https://hub.example/").unwrap()
    }

    #[test]
    fn hub_shorthands_resolve_to_the_same_url() {
        let a = p("bartowski/Qwen2.5-7B-Instruct-GGUF:Qwen2.5-7B-Instruct-Q4_K_M.gguf");
        let b = p("hf://bartowski/Qwen2.5-7B-Instruct-GGUF/Qwen2.5-7B-Instruct-Q4_K_M.gguf");
        assert_eq!(a, b);
        assert_eq!(
            a.url,
            "https://hub.example/bartowski/Qwen2.5-7B-Instruct-GGUF/resolve/main/Qwen2.5-7B-Instruct-Q4_K_M.gguf"
        );
        assert_eq!(a.file_name, "Qwen2.5-7B-Instruct-Q4_K_M.gguf");
        assert!(a.from_hub);
    }

    #[test]
    fn revisions_and_subdirectories() {
        let s = p("o/r@v1.0:sub dir/m.gguf");
        assert_eq!(
            s.url,
            "https://hub.example/o/r/resolve/v1.0/sub%20dir/m.gguf"
        );
        assert_eq!(s.file_name, "m.gguf");
    }

    #[test]
    fn urls_keep_their_file_name() {
        let s = p("http://127.0.0.1:8080/models/a%20b.gguf?download=1");
        assert_eq!(s.file_name, "a b.gguf");
        assert!(!s.from_hub);
    }

    #[test]
    fn rejects_what_is_not_a_source() {
        for bad in [
            "ftp://x/y.gguf",
            "just-a-name",
            "o/r:",
            "o:f.gguf",
            "o/r/../x:f.gguf",
            "o/r:../f.gguf",
            "hf://o/r",
        ] {
            let e = PullSource::parse(bad, DEFAULT_HF_ENDPOINT).unwrap_err();
            assert_eq!(e.code(), "invalid_model_source", "{bad}");
        }
    }

    #[test]
    fn file_names() {
        assert!(check_file_name("m.Q4_K_M.gguf").is_ok());
        for bad in ["", ".hidden.gguf", "a/b.gguf", "model.bin"] {
            assert!(check_file_name(bad).is_err(), "{bad}");
        }
    }
}
