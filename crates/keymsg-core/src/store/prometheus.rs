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

/// Most distinct `kind` label values one exposition shows. `kind` is free
/// text from callers (any `count`-scope token over HTTP): unbounded, it
/// would grow `/metrics` and every scraper's series without limit.
pub(crate) const MAX_KINDS: usize = 32;

/// The label the kinds beyond [`MAX_KINDS`] are folded into.
pub(crate) const OTHER_KIND: &str = "other";

type Totals = BTreeMap<(String, String, String, String), (u64, u64)>;

/// `totals` with at most [`MAX_KINDS`] distinct kinds: the kinds with the
/// most counts (ties: by name) keep their label, the rest are summed under
/// `kind="other"`. Only the monitoring text is folded; the store and the
/// monthly report keep every kind.
fn fold_kinds(totals: &Totals) -> std::borrow::Cow<'_, Totals> {
    let mut per_kind: BTreeMap<&str, u64> = BTreeMap::new();
    for ((_, _, kind, _), (c, r)) in totals {
        let t = per_kind.entry(kind.as_str()).or_default();
        *t = t.saturating_add(c.saturating_add(*r));
    }
    if per_kind.len() <= MAX_KINDS {
        return std::borrow::Cow::Borrowed(totals);
    }
    let mut ranked: Vec<(&str, u64)> = per_kind.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // One place is kept for `other` itself.
    let kept: std::collections::BTreeSet<&str> =
        ranked.iter().take(MAX_KINDS - 1).map(|(k, _)| *k).collect();
    let mut folded = Totals::new();
    for ((agency, surface, kind, message), (c, r)) in totals {
        let kind = if kept.contains(kind.as_str()) {
            kind.clone()
        } else {
            OTHER_KIND.to_owned()
        };
        let t = folded
            .entry((agency.clone(), surface.clone(), kind, message.clone()))
            .or_default();
        t.0 = t.0.saturating_add(*c);
        t.1 = t.1.saturating_add(*r);
    }
    std::borrow::Cow::Owned(folded)
}

/// Render totals keyed by (agency, surface, kind, message) → (counted,
/// reprints), with at most [`MAX_KINDS`] kinds (see [`fold_kinds`]).
pub(crate) fn render(totals: &Totals, writer_files: usize) -> String {
    let totals = fold_kinds(totals);
    let totals = totals.as_ref();
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
    fn kinds_beyond_the_cap_are_folded_into_other() {
        let mut totals = Totals::new();
        let row = |kind: &str| {
            (
                "PEA".to_owned(),
                "receipt".to_owned(),
                kind.to_owned(),
                "m".to_owned(),
            )
        };
        // `big` has the most counts, then k000..k099 one each.
        totals.insert(row("big"), (50, 0));
        for i in 0..100 {
            totals.insert(row(&format!("k{i:03}")), (1, 1));
        }
        let text = render(&totals, 1);
        let kinds: std::collections::BTreeSet<&str> = text
            .lines()
            .filter(|l| l.starts_with("keymsg_insertions_total{"))
            .filter_map(|l| l.split("kind=\"").nth(1)?.split('"').next())
            .collect();
        assert_eq!(kinds.len(), MAX_KINDS);
        assert!(kinds.contains("big") && kinds.contains(OTHER_KIND));
        // The sums stay whole: 50 + 100 counted, 100 reprints.
        let sum = |name: &str| -> u64 {
            text.lines()
                .filter(|l| l.starts_with(name))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
                .sum()
        };
        assert_eq!(sum("keymsg_insertions_total{"), 150);
        assert_eq!(sum("keymsg_reprints_total{"), 100);
        // Below the cap nothing is folded.
        totals.retain(|k, _| k.2 == "big" || k.2 == "k000");
        assert!(!render(&totals, 1).contains("kind=\"other\""));
    }

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
