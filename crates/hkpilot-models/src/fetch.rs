//! One HTTP transfer into a `.part` file: resumes with a Range request when part of the
//! file is already there, starts over when the server ignores Range, hashes as it
//! writes, and stops early when the first bytes are not a GGUF file.

use std::path::Path;

use futures_util::StreamExt;
use reqwest::header::{AUTHORIZATION, CONTENT_RANGE, RANGE};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tokio::fs::{File, OpenOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::ModelError;
use crate::gguf::GgufError;
use crate::pull::PullEvent;

/// A finished transfer: the `.part` file holds `size` bytes hashing to `sha256`.
#[derive(Debug)]
pub(crate) struct Transfer {
    pub size: u64,
    pub sha256: String,
}

/// Why one attempt ended without a complete file.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// The connection broke mid-body; the `.part` file keeps what arrived.
    Interrupted(ModelError),
    /// The partial file cannot be continued (range mismatch); it was deleted.
    StartOver(String),
    Fatal(ModelError),
}

pub(crate) struct Attempt<'a> {
    pub client: &'a reqwest::Client,
    pub url: &'a str,
    pub part: &'a Path,
    pub token: Option<&'a str>,
}

impl Attempt<'_> {
    pub(crate) async fn run(
        &self,
        on_event: &mut (dyn FnMut(&PullEvent) + Send),
    ) -> Result<Transfer, AttemptError> {
        let fatal = AttemptError::Fatal;
        let have = match tokio::fs::metadata(self.part).await {
            Ok(m) => m.len(),
            Err(_) => 0,
        };
        let mut req = self.client.get(self.url);
        if have > 0 {
            req = req.header(RANGE, format!("bytes={have}-"));
        }
        if let Some(t) = self.token {
            req = req.header(AUTHORIZATION, format!("Bearer {t}"));
        }
        let resp = req
            .send()
            .await
            .map_err(|e| fatal(send_error(self.url, &e)))?;
        let status = resp.status();
        let content_range = resp
            .headers()
            .get(CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .map(parse_content_range);
        let (offset, total) = match status {
            StatusCode::PARTIAL_CONTENT if have > 0 => match content_range {
                Some((Some(start), total)) if start == have => (have, total),
                _ => {
                    self.discard().await.map_err(fatal)?;
                    return Err(AttemptError::StartOver(
                        "the server answered the Range request with a different range".into(),
                    ));
                }
            },
            StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => {
                // Nothing left to send: either the part is already complete, or it is
                // longer than the file now on the server.
                if let Some((None, Some(total))) = content_range {
                    if total == have {
                        let sha256 = hash_file(self.part).await.map_err(fatal)?;
                        return Ok(Transfer { size: have, sha256 });
                    }
                }
                self.discard().await.map_err(fatal)?;
                return Err(AttemptError::StartOver(
                    "the partial download does not fit the file on the server".into(),
                ));
            }
            s if s.is_success() => {
                if have > 0 {
                    on_event(&PullEvent::Restarted {
                        reason: "the server does not support resuming (it ignored the Range request); downloading from the start".into(),
                    });
                }
                (0, resp.content_length())
            }
            StatusCode::NOT_FOUND => {
                return Err(fatal(ModelError::RemoteNotFound {
                    url: self.url.to_string(),
                }))
            }
            s => {
                return Err(fatal(ModelError::HttpStatus {
                    url: self.url.to_string(),
                    status: s.as_u16(),
                }))
            }
        };
        on_event(&PullEvent::Started {
            url: self.url.to_string(),
            total,
            resumed_from: offset,
        });
        let (mut file, mut hasher) = self.open(offset).await.map_err(fatal)?;
        let mut done = offset;
        // Bytes held back until the magic can be checked (only when starting at 0).
        let mut head: Option<Vec<u8>> = (offset == 0).then(Vec::new);
        let mut body = resp.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    self.flush(&mut file).await.map_err(fatal)?;
                    return Err(AttemptError::Interrupted(ModelError::Interrupted {
                        url: self.url.to_string(),
                        done,
                        total,
                        detail: error_chain(&e),
                    }));
                }
            };
            let data = match head.as_mut() {
                Some(h) => {
                    h.extend_from_slice(&chunk);
                    if h.len() < 4 {
                        continue;
                    }
                    let h = head.take().unwrap_or_default();
                    if !h.starts_with(b"GGUF") {
                        drop(file);
                        self.discard().await.map_err(fatal)?;
                        return Err(fatal(self.not_gguf(&h)));
                    }
                    h
                }
                None => chunk.to_vec(),
            };
            file.write_all(&data)
                .await
                .map_err(|e| fatal(ModelError::io("write", self.part, e)))?;
            hasher.update(&data);
            done += data.len() as u64;
            on_event(&PullEvent::Progress { done, total });
        }
        if let Some(h) = head {
            // The whole body was under four bytes.
            drop(file);
            self.discard().await.map_err(fatal)?;
            return Err(fatal(self.not_gguf(&h)));
        }
        self.flush(&mut file).await.map_err(fatal)?;
        if let Some(t) = total.filter(|&t| done < t) {
            return Err(AttemptError::Interrupted(ModelError::Interrupted {
                url: self.url.to_string(),
                done,
                total: Some(t),
                detail: "the connection closed early".into(),
            }));
        }
        Ok(Transfer {
            size: done,
            sha256: hex::encode(hasher.finalize()),
        })
    }

    fn not_gguf(&self, head: &[u8]) -> ModelError {
        ModelError::InvalidDownload {
            url: self.url.to_string(),
            source: GgufError::NotGguf {
                found: crate::gguf::describe_non_gguf(head),
            },
        }
    }

    /// Opens the part file for writing at `offset` (0 truncates) with a hasher that
    /// has already seen the bytes before `offset`.
    async fn open(&self, offset: u64) -> Result<(File, Sha256), ModelError> {
        let io = |e| ModelError::io("write", self.part, e);
        let mut hasher = Sha256::new();
        if offset == 0 {
            let f = File::create(self.part).await.map_err(io)?;
            return Ok((f, hasher));
        }
        hash_into(self.part, &mut hasher).await?;
        let f = OpenOptions::new()
            .append(true)
            .open(self.part)
            .await
            .map_err(io)?;
        Ok((f, hasher))
    }

    async fn flush(&self, file: &mut File) -> Result<(), ModelError> {
        let io = |e| ModelError::io("write", self.part, e);
        file.flush().await.map_err(io)?;
        file.sync_all().await.map_err(io)
    }

    async fn discard(&self) -> Result<(), ModelError> {
        remove_if_exists(self.part).await
    }
}

pub(crate) async fn remove_if_exists(path: &Path) -> Result<(), ModelError> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ModelError::io("delete", path, e)),
    }
}

async fn hash_into(path: &Path, hasher: &mut Sha256) -> Result<(), ModelError> {
    let io = |e| ModelError::io("read", path, e);
    let mut f = File::open(path).await.map_err(io)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).await.map_err(io)?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buf[..n]);
    }
}

/// Lower-case hex SHA-256 of a file.
pub(crate) async fn hash_file(path: &Path) -> Result<String, ModelError> {
    let mut hasher = Sha256::new();
    hash_into(path, &mut hasher).await?;
    Ok(hex::encode(hasher.finalize()))
}

/// `bytes START-END/TOTAL` or `bytes */TOTAL` as (start, total); unknown parts `None`.
fn parse_content_range(v: &str) -> (Option<u64>, Option<u64>) {
    let Some(rest) = v.trim().strip_prefix("bytes ") else {
        return (None, None);
    };
    let (range, total) = rest.split_once('/').unwrap_or((rest, "*"));
    let start = range
        .split_once('-')
        .and_then(|(s, _)| s.trim().parse().ok());
    (start, total.trim().parse().ok())
}

/// Maps a failure to send the request: no connection at all reads as offline.
fn send_error(url: &str, e: &reqwest::Error) -> ModelError {
    if e.is_connect() || e.is_timeout() {
        return ModelError::Unreachable {
            url: url.to_string(),
            detail: error_chain(e),
        };
    }
    ModelError::Download {
        url: url.to_string(),
        detail: error_chain(e),
    }
}

/// An error and its causes on one line (reqwest's own message omits the cause).
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::parse_content_range;

    #[test]
    fn content_range_forms() {
        assert_eq!(
            parse_content_range("bytes 100-199/200"),
            (Some(100), Some(200))
        );
        assert_eq!(parse_content_range("bytes 100-199/*"), (Some(100), None));
        assert_eq!(parse_content_range("bytes */200"), (None, Some(200)));
        assert_eq!(parse_content_range("items 1-2/3"), (None, None));
    }
}
