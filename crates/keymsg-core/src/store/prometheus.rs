//! Prometheus text exposition (format 0.0.4) of the counters — for
//! monitoring dashboards only; the Ministry report reads the store itself.

use std::collections::BTreeMap;
use std::fmt::Write;

/// Escape a label value: backslash, double quote and line feed.
pub(crate) fn escape(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for ch in v.chars() {
        match ch {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

/// Render totals keyed by (agency, surface, kind, message) → (counted, reprints).
pub(crate) fn render(
    totals: &BTreeMap<(String, String, String, String), (u64, u64)>,
    writer_files: usize,
) -> String {
    let mut out = String::new();
    for (name, help, pick) in [
        (
            "keymsg_insertions_total",
            "Key-message insertions counted (all months, all writer files).",
            0,
        ),
        (
            "keymsg_reprints_total",
            "Reprints stored (counted or not, depending on count_reprints).",
            1,
        ),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} counter");
        for ((agency, surface, kind, message), (c, r)) in totals {
            let v = if pick == 0 { c } else { r };
            let _ = writeln!(
                out,
                "{name}{{agency=\"{}\",surface=\"{}\",kind=\"{}\",message_id=\"{}\"}} {v}",
                escape(agency),
                escape(surface),
                escape(kind),
                escape(message)
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP keymsg_store_writer_files Writer files merged on read."
    );
    let _ = writeln!(out, "# TYPE keymsg_store_writer_files gauge");
    let _ = writeln!(out, "keymsg_store_writer_files {writer_files}");
    out
}

/// Append one metric family in the same text format: `# HELP`, `# TYPE`
/// (`counter` or `gauge`) and one sample per label set, label values
/// escaped. For front ends exposing their own figures beside the store's
/// (the HTTP service's reloads, for one).
pub fn write_family(
    out: &mut String,
    name: &str,
    help: &str,
    kind: &str,
    samples: &[(&[(&str, &str)], f64)],
) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
    for (labels, value) in samples {
        let labels: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
            .collect();
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{}}} {value}", labels.join(","));
        }
    }
}

/// Append gauges given as (name, help, value).
pub(crate) fn gauges(out: &mut String, gauges: &[(&str, &str, f64)]) {
    for (name, help, v) in gauges {
        write_family(out, name, help, "gauge", &[(&[], *v)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape("x\ny"), "x\\ny");
        assert_eq!(escape("การไฟฟ้า"), "การไฟฟ้า");
    }

    #[test]
    fn a_family_is_written_with_escaped_labels() {
        let mut out = String::new();
        write_family(
            &mut out,
            "x_total",
            "X.",
            "counter",
            &[(&[("a", "q\"")], 2.0), (&[], 1.5)],
        );
        assert_eq!(
            out,
            "# HELP x_total X.\n# TYPE x_total counter\nx_total{a=\"q\\\"\"} 2\nx_total 1.5\n"
        );
    }
}
