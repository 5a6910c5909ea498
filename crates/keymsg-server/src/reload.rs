//! Catalog reload (SIGHUP, `POST /v1/admin/reload`): build new engines from
//! the loader; only when that succeeds are they swapped in. A bad catalog is
//! refused, the old one stays in service, and the refusal is logged, shown
//! by `/readyz` and counted in `/metrics`.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::state::{AppState, Engines, ReloadStatus};

/// Reload; `Ok(version)` of the catalog now in service, or why the new one
/// was refused.
pub(crate) async fn reload(st: &Arc<AppState>) -> Result<u64, String> {
    // One reload at a time: two would open the store twice for nothing.
    let _one = st.reload_lock.lock().await;
    let st2 = Arc::clone(st);
    let built = tokio::task::spawn_blocking(move || {
        let catalog = (st2.loader)()?;
        Engines::build(catalog, &st2.settings)
    })
    .await
    .map_err(|e| format!("reload worker failed: {e}"))
    .and_then(|r| r);
    match built {
        Ok(engines) => {
            let version = engines.select.catalog().version();
            st.swap(engines);
            st.set_reload_status(ReloadStatus { last_error: None });
            st.reloads_ok.fetch_add(1, Ordering::Relaxed);
            tracing::info!(version, "catalog reloaded");
            Ok(version)
        }
        Err(e) => {
            st.set_reload_status(ReloadStatus {
                last_error: Some(e.clone()),
            });
            st.reloads_failed.fetch_add(1, Ordering::Relaxed);
            let kept = st.engines().select.catalog().version();
            tracing::error!(error = %e, kept_version = kept, "new catalog refused; the previous one stays in service");
            Err(format!("{e} (catalog version {kept} stays in service)"))
        }
    }
}
