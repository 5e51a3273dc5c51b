//! `ModelStore`: the models directory (plus any directories searched besides it) and
//! the operations on installed models: list, find, info, remove.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::ModelError;
use crate::gguf::read_header;
use crate::sidecar::{read_sidecar, sidecar_path};
use crate::summary::{tensor_types, MetadataEntry, ModelDetails, ModelSummary};

/// File name of HKPilot's default model, as `scripts/fetch-default-model.sh` installs it.
pub const DEFAULT_MODEL_FILE: &str = "SmolLM2-135M-Instruct.Q4_1.gguf";
/// The environment variable the setup script and the binary read the models directory
/// from.
pub const MODEL_DIR_ENV: &str = "HKPILOT_MODEL_DIR";
/// Where the setup script installs models when run from a checkout without
/// `HKPILOT_MODEL_DIR`: `.models` in the repository root.
pub const CHECKOUT_MODEL_DIR: &str = ".models";
/// Suffix of a download in progress.
pub const PART_SUFFIX: &str = ".part";

/// A directory of GGUF models.
#[derive(Debug, Clone)]
pub struct ModelStore {
    dir: PathBuf,
    search_dirs: Vec<PathBuf>,
    default_model: Option<String>,
}

/// One installed model as `model list` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelEntry {
    /// The file name without `.gguf`; what other commands accept.
    pub name: String,
    pub file: PathBuf,
    pub size: u64,
    pub is_default: bool,
    /// Read from the GGUF header; absent when the file could not be read (see `error`).
    #[serde(flatten)]
    pub summary: Option<ModelSummary>,
    pub sha256: Option<String>,
    pub source_url: Option<String>,
    pub error: Option<EntryError>,
}

/// Why a listed file is not usable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryError {
    pub code: &'static str,
    pub message: String,
}

/// A download that was interrupted and can be resumed by pulling again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartialDownload {
    pub file: PathBuf,
    pub bytes: u64,
}

/// The result of `list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listing {
    pub models: Vec<ModelEntry>,
    pub partial_downloads: Vec<PartialDownload>,
}

/// What `remove` deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub name: String,
    pub file: PathBuf,
    pub sidecar_removed: bool,
}

impl ModelStore {
    /// A store over `dir`, where pulled models go.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ModelStore {
            dir: dir.into(),
            search_dirs: Vec::new(),
            default_model: None,
        }
    }

    /// The store the binary uses: the configured directory (`--models-dir`,
    /// `HKPILOT_MODEL_DIR`, config `models_dir`) alone when there is one; otherwise
    /// `<data_dir>/models`, also searching `<cwd>/.models` when it exists so that the
    /// default model installed by the setup script in a checkout is found.
    pub fn discover(configured: Option<PathBuf>, data_dir: &Path, cwd: &Path) -> Self {
        match configured {
            Some(dir) => ModelStore::new(dir),
            None => {
                let store = ModelStore::new(data_dir.join("models"));
                let checkout = cwd.join(CHECKOUT_MODEL_DIR);
                if checkout.is_dir() {
                    store.with_search_dir(checkout)
                } else {
                    store
                }
            }
        }
    }

    /// Also lists and finds models in `dir` (pulls still go to the main directory).
    pub fn with_search_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        if dir != self.dir && !self.search_dirs.contains(&dir) {
            self.search_dirs.push(dir);
        }
        self
    }

    /// The configured default model (a name, a file name or a path); without one,
    /// [`DEFAULT_MODEL_FILE`] is the default.
    pub fn with_default_model(mut self, model: impl Into<String>) -> Self {
        self.default_model = Some(model.into());
        self
    }

    /// Where pulled models go.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every directory searched, the main one first.
    pub fn dirs(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.dir.as_path()).chain(self.search_dirs.iter().map(PathBuf::as_path))
    }

    /// Whether `path` is the default model, which `remove` protects.
    pub fn is_default(&self, path: &Path) -> bool {
        let spec = self.default_model.as_deref().unwrap_or(DEFAULT_MODEL_FILE);
        let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
        if file.as_deref() == Some(spec) || Some(model_name(path)) == Some(spec.to_string()) {
            return true;
        }
        // A path: compare where both point, so `./x.gguf` and `/abs/x.gguf` agree.
        match (Path::new(spec).canonicalize(), path.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }

    /// Every model in the store's directories, sorted by name, and any interrupted
    /// downloads. A directory that does not exist yet holds no models.
    pub fn list(&self) -> Result<Listing, ModelError> {
        let mut models = Vec::new();
        let mut partial_downloads = Vec::new();
        for dir in self.dirs() {
            let entries = match std::fs::read_dir(dir) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(ModelError::io("read the models directory", dir, e)),
            };
            for entry in entries {
                let entry =
                    entry.map_err(|e| ModelError::io("read the models directory", dir, e))?;
                let path = entry.path();
                let Ok(meta) = std::fs::metadata(&path) else {
                    continue;
                };
                if !meta.is_file() {
                    continue;
                }
                let file_name = entry.file_name().to_string_lossy().into_owned();
                if file_name.ends_with(&format!(".gguf{PART_SUFFIX}")) {
                    partial_downloads.push(PartialDownload {
                        file: path,
                        bytes: meta.len(),
                    });
                } else if is_model_file_name(&file_name) {
                    models.push(self.entry(path, meta.len()));
                }
            }
        }
        models.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.file.cmp(&b.file)));
        partial_downloads.sort_by(|a, b| a.file.cmp(&b.file));
        Ok(Listing {
            models,
            partial_downloads,
        })
    }

    fn entry(&self, path: PathBuf, size: u64) -> ModelEntry {
        let sidecar = read_sidecar(&path);
        let (summary, error) = match read_header(&path) {
            Ok(h) => (Some(ModelSummary::from_header(&h)), None),
            Err(source) => {
                let e = ModelError::InvalidModel {
                    path: path.clone(),
                    source,
                };
                (
                    None,
                    Some(EntryError {
                        code: e.code(),
                        message: e.to_string(),
                    }),
                )
            }
        };
        ModelEntry {
            name: model_name(&path),
            is_default: self.is_default(&path),
            file: path,
            size,
            summary,
            sha256: sidecar.as_ref().map(|s| s.sha256.clone()),
            source_url: sidecar.map(|s| s.source_url),
            error,
        }
    }

    /// The file of the model `name_or_path`: a path to a file, or a name (with or
    /// without `.gguf`) in one of the store's directories.
    pub fn find(&self, name_or_path: &str) -> Result<PathBuf, ModelError> {
        let as_path = Path::new(name_or_path);
        if as_path.components().count() > 1 && as_path.is_file() {
            return Ok(as_path.to_path_buf());
        }
        if !name_or_path.is_empty() && as_path.components().count() == 1 {
            for dir in self.dirs() {
                for candidate in [name_or_path.to_string(), format!("{name_or_path}.gguf")] {
                    let p = dir.join(candidate);
                    if p.is_file() {
                        return Ok(p);
                    }
                }
            }
        }
        Err(ModelError::NotFound {
            name: name_or_path.to_string(),
            dir: self.dir.clone(),
        })
    }

    /// The full GGUF metadata summary of one model (no weights are read).
    pub fn info(&self, name_or_path: &str) -> Result<ModelDetails, ModelError> {
        let path = self.find(name_or_path)?;
        details(&path, self.is_default(&path))
    }

    /// Deletes a model and its sidecar. The default model is kept unless `force`.
    pub fn remove(&self, name_or_path: &str, force: bool) -> Result<Removed, ModelError> {
        let path = self.find(name_or_path)?;
        let name = model_name(&path);
        let file_name = path.file_name().unwrap_or_default().to_string_lossy();
        // Only model files: a path typed by mistake must not delete anything else.
        if !is_model_file_name(&file_name) {
            return Err(ModelError::NotFound {
                name: name_or_path.to_string(),
                dir: self.dir.clone(),
            });
        }
        if self.is_default(&path) && !force {
            return Err(ModelError::DefaultModelProtected { name });
        }
        std::fs::remove_file(&path).map_err(|e| ModelError::io("delete", &path, e))?;
        let sidecar = sidecar_path(&path);
        let sidecar_removed = match std::fs::remove_file(&sidecar) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(ModelError::io("delete", &sidecar, e)),
        };
        Ok(Removed {
            name,
            file: path,
            sidecar_removed,
        })
    }
}

/// The details of the model file at `path`.
pub fn details(path: &Path, is_default: bool) -> Result<ModelDetails, ModelError> {
    let invalid = |source| ModelError::InvalidModel {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| ModelError::io("read", path, e))?
        .len();
    let h = read_header(path).map_err(invalid)?;
    Ok(ModelDetails {
        name: model_name(path),
        file: path.to_path_buf(),
        size,
        summary: ModelSummary::from_header(&h),
        gguf_version: h.version,
        embedding_length: h.arch_u64("embedding_length"),
        block_count: h.arch_u64("block_count"),
        head_count: h.arch_u64("attention.head_count"),
        head_count_kv: h.arch_u64("attention.head_count_kv"),
        vocab_size: h.vocab_size(),
        tokenizer: h.get_str("tokenizer.ggml.model").map(str::to_string),
        license: h.get_str("general.license").map(str::to_string),
        chat_template: h.chat_template().map(str::to_string),
        tensor_count: h.tensors.len(),
        tensor_types: tensor_types(&h),
        metadata: h
            .metadata
            .iter()
            .map(|(key, value)| MetadataEntry {
                key: key.clone(),
                value: value.clone(),
            })
            .collect(),
        sidecar: read_sidecar(path),
        is_default,
    })
}

/// A model's name: its file name without `.gguf`.
pub fn model_name(path: &Path) -> String {
    let file = path.file_name().unwrap_or_default().to_string_lossy();
    match file.len().checked_sub(5) {
        Some(cut) if file.is_char_boundary(cut) && file[cut..].eq_ignore_ascii_case(".gguf") => {
            file[..cut].to_string()
        }
        _ => file.into_owned(),
    }
}

fn is_model_file_name(name: &str) -> bool {
    !name.starts_with('.')
        && name.len() > 5
        && name.is_char_boundary(name.len() - 5)
        && name[name.len() - 5..].eq_ignore_ascii_case(".gguf")
}
