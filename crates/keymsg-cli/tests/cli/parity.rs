//! Every capability in tests/parity.toml is reachable from the CLI, and
//! docs/PARITY.md shows the list as it is.

use std::path::PathBuf;

use serde::Deserialize;

use crate::{keymsg, run};

#[derive(Debug, Deserialize)]
struct List {
    capability: Vec<Capability>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Capability {
    id: String,
    what: String,
    rust: Vec<String>,
    #[serde(default)]
    cli: Vec<String>,
    #[serde(default)]
    c: Vec<String>,
    #[serde(default)]
    python: Vec<String>,
    #[serde(default)]
    http: Vec<String>,
    #[serde(default)]
    gaps: Vec<String>,
    why: Option<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn capabilities() -> Vec<Capability> {
    let text = std::fs::read_to_string(root().join("tests/parity.toml")).unwrap();
    toml::from_str::<List>(&text).unwrap().capability
}

/// Whether `help` lists `flag` as a whole word (`--key` is not `--key-file`).
fn has_flag(help: &str, flag: &str) -> bool {
    help.match_indices(flag).any(|(i, _)| {
        let before = help[..i].chars().next_back();
        let after = help[i + flag.len()..].chars().next();
        before.is_none_or(|c| c == ' ' || c == ',' || c == '\n')
            && after.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'))
    })
}

#[test]
fn every_capability_is_reachable_from_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let caps = capabilities();
    assert!(caps.len() >= 20, "{} capabilities", caps.len());
    let mut ids = std::collections::HashSet::new();
    for cap in &caps {
        assert!(ids.insert(cap.id.as_str()), "{} listed twice", cap.id);
        assert!(!cap.rust.is_empty(), "{}: no Rust name", cap.id);
        for front in &cap.gaps {
            assert!(
                ["cli", "c", "python", "http"].contains(&front.as_str()),
                "{}: gap {front}",
                cap.id
            );
            assert!(cap.why.is_some(), "{}: a gap says why", cap.id);
        }
        let gap = cap.gaps.iter().any(|g| g == "cli");
        assert_eq!(
            cap.cli.is_empty(),
            gap,
            "{}: list CLI names or put `cli` in gaps (not both)",
            cap.id
        );
        for entry in &cap.cli {
            let words: Vec<&str> = entry.split_whitespace().collect();
            let split = words
                .iter()
                .position(|w| w.starts_with('-'))
                .unwrap_or(words.len());
            let (command, flags) = words.split_at(split);
            let mut args = command.to_vec();
            args.push("--help");
            let out = run(tmp.path(), &args, "");
            assert!(
                out.status.success(),
                "{}: `keymsg {}` fails",
                cap.id,
                args.join(" ")
            );
            let help = String::from_utf8(out.stdout).unwrap();
            for flag in flags {
                assert!(
                    has_flag(&help, flag),
                    "{}: `keymsg {}` does not list {flag}",
                    cap.id,
                    args.join(" ")
                );
            }
        }
    }
}

/// Every field name a schema of openapi.json holds, nested objects and
/// array items included, `$ref`s followed.
fn schema_fields(doc: &serde_json::Value, schema: &serde_json::Value, out: &mut Vec<String>) {
    if let Some(name) = schema["$ref"].as_str() {
        let name = name.trim_start_matches("#/components/schemas/");
        return schema_fields(doc, &doc["components"]["schemas"][name], out);
    }
    if let Some(props) = schema["properties"].as_object() {
        for (name, sub) in props {
            out.push(name.clone());
            schema_fields(doc, sub, out);
        }
    }
    schema_fields_of_items(doc, schema, out);
}

fn schema_fields_of_items(
    doc: &serde_json::Value,
    schema: &serde_json::Value,
    out: &mut Vec<String>,
) {
    if schema["items"].is_object() {
        schema_fields(doc, &schema["items"], out);
    }
}

/// The names an operation of openapi.json takes or answers: its query
/// parameters, its JSON body's fields and its 200 answer's fields.
fn operation_names(doc: &serde_json::Value, method: &str, path: &str) -> Option<Vec<String>> {
    let op = &doc["paths"][path][method.to_ascii_lowercase()];
    if !op.is_object() {
        return None;
    }
    let mut names: Vec<String> = op["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    schema_fields(
        doc,
        &op["requestBody"]["content"]["application/json"]["schema"],
        &mut names,
    );
    schema_fields(
        doc,
        &op["responses"]["200"]["content"]["application/json"]["schema"],
        &mut names,
    );
    Some(names)
}

/// Why an `http` entry of tests/parity.toml does not hold, if it does not.
fn http_problem(
    doc: &serde_json::Value,
    help: &dyn Fn(&str) -> String,
    entry: &str,
) -> Option<String> {
    let words: Vec<&str> = entry.split_whitespace().collect();
    let (names, missing): (Vec<String>, &[&str]) = match words.as_slice() {
        ["serve", flags @ ..] => {
            let text = help("serve");
            let absent: Vec<&str> = flags
                .iter()
                .copied()
                .filter(|f| !has_flag(&text, f))
                .collect();
            return (!absent.is_empty()).then(|| format!("`keymsg serve --help` lacks {absent:?}"));
        }
        ["schema", name, fields @ ..] => {
            let schema = &doc["components"]["schemas"][*name];
            if !schema.is_object() {
                return Some(format!("openapi.json has no schema {name}"));
            }
            let mut names = Vec::new();
            schema_fields(doc, schema, &mut names);
            (names, fields)
        }
        [method @ ("GET" | "POST"), path, fields @ ..] => {
            let Some(names) = operation_names(doc, method, path) else {
                return Some(format!("openapi.json has no {method} {path}"));
            };
            (names, fields)
        }
        _ => return Some("not METHOD /path, serve --flag or schema NAME".into()),
    };
    let absent: Vec<&&str> = missing
        .iter()
        .filter(|n| !names.iter().any(|m| m == **n))
        .collect();
    (!absent.is_empty()).then(|| format!("no field {absent:?}"))
}

#[test]
fn every_capability_is_reachable_over_http() {
    let tmp = tempfile::tempdir().unwrap();
    let doc: serde_json::Value = serde_json::from_str(keymsg_server::OPENAPI).unwrap();
    let help = |command: &str| {
        let out = run(tmp.path(), &[command, "--help"], "");
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let mut problems = Vec::new();
    for cap in capabilities() {
        let gap = cap.gaps.iter().any(|g| g == "http");
        assert_eq!(
            cap.http.is_empty(),
            gap,
            "{}: list HTTP names or put `http` in gaps (not both)",
            cap.id
        );
        for entry in &cap.http {
            if let Some(p) = http_problem(&doc, &help, entry) {
                problems.push(format!("{}: `{entry}`: {p}", cap.id));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_http_walker_notices_what_is_missing() {
    let doc: serde_json::Value = serde_json::from_str(keymsg_server::OPENAPI).unwrap();
    let help = |_: &str| "  --store <PATH>  store\n".to_owned();
    for good in [
        "GET /v1/footer key encoding encoded",
        "POST /v1/impressions key idempotency_key counted",
        "schema Error code field",
        "serve --store",
    ] {
        assert_eq!(http_problem(&doc, &help, good), None, "{good}");
    }
    for bad in [
        "GET /v1/footer no_such_field",
        "POST /v1/footer",
        "GET /v1/nowhere",
        "schema Nothing",
        "serve --stor",
        "footer --key",
    ] {
        assert!(http_problem(&doc, &help, bad).is_some(), "{bad}");
    }
}

#[test]
fn the_walker_notices_a_missing_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let out = keymsg(tmp.path())
        .args(["footer", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(has_flag(&help, "--key") && has_flag(&help, "--surface"));
    assert!(!has_flag(&help, "--ke") && !has_flag(&help, "--no-such-flag"));
}

/// Item paths of one of keymsg-core's API snapshots (`KIND PATH` lines).
fn api_paths(file: &str) -> Vec<String> {
    std::fs::read_to_string(root().join("crates/keymsg-core").join(file))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_owned))
        .collect()
}

/// The table of docs/PARITY.md between its markers, rendered from the list.
fn table(caps: &[Capability]) -> String {
    // A Rust name only the `unstable` feature makes public gets a mark.
    let (stable, unstable) = (
        api_paths("public-api.txt"),
        api_paths("public-api-unstable.txt"),
    );
    let ends =
        |paths: &[String], name: &str| paths.iter().any(|p| p.ends_with(&format!("::{name}")));
    let is_unstable = |name: &str| ends(&unstable, name) && !ends(&stable, name);
    let cell = |names: &[String], front: &str, cap: &Capability| {
        if cap.gaps.iter().any(|g| g == front) {
            "— ¹".to_owned()
        } else {
            names
                .iter()
                .map(|n| {
                    if front == "rust" && is_unstable(n) {
                        format!("`{n}` ²")
                    } else {
                        format!("`{n}`")
                    }
                })
                .collect::<Vec<_>>()
                .join("<br>")
        }
    };
    let mut s = String::from(
        "| capability | Rust | CLI | C | Python | HTTP |\n|---|---|---|---|---|---|\n",
    );
    for cap in caps {
        s.push_str(&format!(
            "| **{}**: {} | {} | {} | {} | {} | {} |\n",
            cap.id,
            cap.what,
            cell(&cap.rust, "rust", cap),
            cell(&cap.cli, "cli", cap),
            cell(&cap.c, "c", cap),
            cell(&cap.python, "python", cap),
            cell(&cap.http, "http", cap),
        ));
    }
    s.push_str(
        "\n² Rust: public with keymsg-core's `unstable` feature (no semver promise; \
         the CLI, C, Python and HTTP front ends use it).\n",
    );
    s.push_str("\n¹ Not offered there, on purpose:\n\n");
    for cap in caps.iter().filter(|c| !c.gaps.is_empty()) {
        s.push_str(&format!(
            "- **{}** ({}): {}\n",
            cap.id,
            cap.gaps.join(", "),
            cap.why.as_deref().unwrap_or("")
        ));
    }
    s
}

const BEGIN: &str = "<!-- BEGIN generated from tests/parity.toml -->\n";
const END: &str = "<!-- END generated -->\n";

#[test]
fn docs_parity_table_is_current() {
    let path = root().join("docs/PARITY.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = doc.split_once(BEGIN).expect("begin marker");
    let (_, tail) = rest.split_once(END).expect("end marker");
    let want = format!("{head}{BEGIN}{}{END}{tail}", table(&capabilities()));
    if std::env::var_os("KEYMSG_BLESS").is_some() {
        std::fs::write(&path, want).unwrap();
        return;
    }
    assert!(
        doc == want,
        "docs/PARITY.md is stale: regenerate its table with\n\n    \
         KEYMSG_BLESS=1 cargo test -p keymsg-cli parity\n"
    );
}
