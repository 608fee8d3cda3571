//! Where a client keeps its OAuth tokens between runs: the [`TokenStore`] trait, and
//! stores in memory and in a file.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::TokenStoreError;
use super::tokens::Tokens;

/// The future a [`TokenStore`] method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, TokenStoreError>> + Send + 'a>>;

/// Where a client keeps its OAuth tokens between runs.
///
/// Bitrix24 rotates the refresh token on every refresh, and the old one stops working:
/// the client saves the new pair with [`TokenStore::save`] *before* it uses it, and a
/// call fails if saving fails.
///
/// Before a refresh the client takes the store's [lease](TokenStore::lease) and reads the
/// store again: a pair another process rotated meanwhile is used instead of refreshing,
/// so a store shared by many processes has each refresh token spent once.
pub trait TokenStore: Send + Sync {
    /// The stored tokens, or `None` when there are none yet.
    fn load(&self) -> StoreFuture<'_, Option<Tokens>>;
    /// Replace the stored tokens.
    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()>;
    /// Take the right to refresh, waiting while another process holds it; `None` when the
    /// store is not shared between processes (the default: the client's own lock is
    /// enough). The client releases it after saving the new pair.
    fn lease(&self) -> StoreFuture<'_, Option<Box<dyn RefreshLease>>> {
        Box::pin(async { Ok(None) })
    }
}

/// The right to refresh a shared store's tokens, held by one process at a time
/// ([`TokenStore::lease`]). It should expire by itself, so that a process that dies while
/// holding it does not block the others for ever.
pub trait RefreshLease: Send {
    /// Give the right back (only if still held: an expired lease another process took
    /// since is left alone).
    fn release(self: Box<Self>) -> StoreFuture<'static, ()>;
}

/// A store shared through an `Arc` (one store behind several clients).
impl<T: TokenStore + ?Sized> TokenStore for std::sync::Arc<T> {
    fn load(&self) -> StoreFuture<'_, Option<Tokens>> {
        (**self).load()
    }
    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()> {
        (**self).save(tokens)
    }
    fn lease(&self) -> StoreFuture<'_, Option<Box<dyn RefreshLease>>> {
        (**self).lease()
    }
}

/// Tokens in memory: lost when the process ends.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Option<Tokens>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that starts with `tokens`.
    pub fn with_tokens(tokens: Tokens) -> Self {
        Self {
            tokens: Mutex::new(Some(tokens)),
        }
    }

    /// The tokens held now.
    pub fn get(&self) -> Option<Tokens> {
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> StoreFuture<'_, Option<Tokens>> {
        let tokens = self.get();
        Box::pin(async move { Ok(tokens) })
    }

    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()> {
        *self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tokens.clone());
        Box::pin(async { Ok(()) })
    }
}

/// Tokens in a JSON file, replaced atomically: the new content is written to a temporary
/// file in the same directory, flushed to disk, then renamed over the old file.
///
/// On Unix the file is created readable by its owner only (mode 0600).
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store at `path` (the file need not exist yet; its directory must).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load_blocking(path: &Path) -> Result<Option<Tokens>, TokenStoreError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(TokenStoreError::with_source(
                    format!("cannot read {}", path.display()),
                    err,
                ));
            }
        };
        serde_json::from_slice(&bytes).map(Some).map_err(|err| {
            // serde_json can quote values (tokens): report only where it failed.
            TokenStoreError::new(format!(
                "{} is not a token file ({:?} error at line {} column {})",
                path.display(),
                err.classify(),
                err.line(),
                err.column()
            ))
        })
    }

    fn save_blocking(path: &Path, json: &[u8]) -> Result<(), TokenStoreError> {
        use std::io::Write;
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let io = |what: &str, err: std::io::Error| {
            TokenStoreError::with_source(format!("{what} ({})", path.display()), err)
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "tokens".into());
        let temp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let result = (|| {
            let mut file = options
                .open(&temp)
                .map_err(|err| io("cannot create a temporary file", err))?;
            file.write_all(json)
                .map_err(|err| io("cannot write the temporary file", err))?;
            file.sync_all()
                .map_err(|err| io("cannot flush the temporary file", err))?;
            drop(file);
            std::fs::rename(&temp, path).map_err(|err| io("cannot replace the token file", err))?;
            // Make the rename itself durable; not every platform can open a directory.
            if let Ok(dir) = std::fs::File::open(&dir) {
                let _ = dir.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> StoreFuture<'_, Option<Tokens>> {
        let path = self.path.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || Self::load_blocking(&path))
                .await
                .map_err(|err| TokenStoreError::with_source("the load task failed", err))?
        })
    }

    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()> {
        let path = self.path.clone();
        let json = serde_json::to_vec_pretty(tokens);
        Box::pin(async move {
            let json = json.map_err(|_| TokenStoreError::new("cannot serialise the tokens"))?;
            tokio::task::spawn_blocking(move || Self::save_blocking(&path, &json))
                .await
                .map_err(|err| TokenStoreError::with_source("the save task failed", err))?
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Secret;

    #[tokio::test]
    async fn the_file_store_round_trips_and_reports_bad_files_without_content() {
        let dir = std::env::temp_dir().join(format!("b24-auth-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tokens.json");
        let store = FileTokenStore::new(&path);
        assert_eq!(store.load().await.unwrap(), None);
        let tokens = Tokens {
            access_token: Secret::new("acc3ss"),
            refresh_token: Secret::new("r3fresh"),
            expires_at: None,
            client_endpoint: "https://p/rest/".into(),
            member_id: None,
            scope: None,
            user_id: None,
        };
        store.save(&tokens).await.unwrap();
        assert_eq!(store.load().await.unwrap(), Some(tokens.clone()));
        std::fs::write(&path, r#"{"access_token": 5, "refresh_token": "r3fresh"}"#).unwrap();
        let err = store.load().await.unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(
            text.contains("not a token file") && !text.contains("r3fresh"),
            "{text}"
        );
        // Saving into a missing directory fails with the path, not the tokens.
        let missing = FileTokenStore::new(dir.join("no/such/dir/tokens.json"));
        let err = missing.save(&tokens).await.unwrap_err();
        assert!(!format!("{err} {err:?}").contains("r3fresh"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
