//! keymsg-core's integration tests, linked as one binary so the 2-core build
//! machine links once instead of once per file. One module per area; run one
//! area with e.g. `cargo test -p keymsg-core --test it layout_thai::`.
//!
//! Two suites stay separate binaries because they need a process of their own:
//! `select_alloc.rs` (counting global allocator) and `store_procs.rs` (re-runs
//! its own binary as child processes and kills them).

mod report_common;
mod unprivileged;

mod catalog_allowlist;
mod catalog_default;
mod catalog_load;
mod catalog_overlay;
mod catalog_overlay_words;
mod catalog_trust;
mod catalog_trust_layers;
mod catalog_validate;
mod engine;
mod engine_delivered;
mod fleet_gcounter;
mod fleet_pg;
mod layout_edges;
mod layout_golden_catalog;
mod layout_golden_rules;
mod layout_props;
mod layout_thai;
mod layout_thai_eval;
mod layout_wordeval;
mod layout_words;
mod report_form_pdf;
mod report_formats;
mod report_rollup;
mod report_rows;
mod report_xlsx;
mod review_report;
mod robustness;
mod select_behaviour;
mod select_fastpath;
mod select_stats;
mod select_vectors;
mod store_basic;
mod store_faults;
mod store_handover;
mod store_loss;
mod store_withdraw;
