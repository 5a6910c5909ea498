//! The service's own figures, appended to the store's counters in the same
//! Prometheus text format (written by the core's helper).

use std::sync::atomic::Ordering;

use keymsg_core::store::prometheus_family;

use crate::state::{AppState, Engines};

/// Append the service's metrics to `out`.
#[allow(clippy::cast_precision_loss)] // counters far below 2^53
pub(crate) fn service(st: &AppState, engines: &Engines, out: &mut String) {
    let catalog = engines.select.catalog();
    let reload = st.reload_status();
    prometheus_family(
        out,
        "keymsg_server_catalog_version",
        "Version of the catalog in service.",
        "gauge",
        &[(&[], catalog.version() as f64)],
    );
    prometheus_family(
        out,
        "keymsg_server_catalog_reload_ok",
        "1 if the last catalog reload succeeded (or none was tried), 0 if the new catalog was refused and the previous one stays in service.",
        "gauge",
        &[(
            &[],
            if reload.last_error.is_none() {
                1.0
            } else {
                0.0
            },
        )],
    );
    prometheus_family(
        out,
        "keymsg_server_catalog_reloads_total",
        "Catalog reloads, by outcome.",
        "counter",
        &[
            (
                &[("outcome", "ok")],
                st.reloads_ok.load(Ordering::Relaxed) as f64,
            ),
            (
                &[("outcome", "refused")],
                st.reloads_failed.load(Ordering::Relaxed) as f64,
            ),
        ],
    );
    prometheus_family(
        out,
        "keymsg_server_popups_capped_total",
        "Pop-up requests answered 204 because a frequency cap held the subject back.",
        "counter",
        &[(&[], st.capped.load(Ordering::Relaxed) as f64)],
    );
}
