//! Values derived from the whole dataset (dumps, statistics, graph sizes) are
//! built once per data version, on first use, and shared by later requests;
//! an update moves the version on and the next request rebuilds them.

use std::sync::Arc;

use tokio::sync::Mutex;

use crate::error::Result;
use crate::store::DataVersion;

pub struct VersionCache<T> {
    slot: Mutex<Option<(DataVersion, Arc<T>)>>,
}

impl<T> Default for VersionCache<T> {
    fn default() -> Self {
        Self {
            slot: Mutex::new(None),
        }
    }
}

impl<T: Send + Sync + 'static> VersionCache<T> {
    /// The value for `version`, building it on a blocking thread if the cache
    /// holds none or an older one. Concurrent callers wait for one build.
    pub async fn get(
        &self,
        version: DataVersion,
        metrics: &super::metrics::Metrics,
        name: &'static str,
        build: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<Arc<T>> {
        let mut slot = self.slot.lock().await;
        if let Some((built_for, value)) = slot.as_ref() {
            if *built_for == version {
                metrics.cache_lookup(name, true);
                return Ok(value.clone());
            }
        }
        metrics.cache_lookup(name, false);
        let value = Arc::new(tokio::task::spawn_blocking(build).await??);
        *slot = Some((version, value.clone()));
        Ok(value)
    }
}
