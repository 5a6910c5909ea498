//! Every endpoint, from every client.

use super::*;

#[test]
fn every_endpoint_over_tcp_from_curl_python_node_and_java() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keymsg.toml"), token_config("")).unwrap();
    let server = Server::start(
        dir.path(),
        &[
            "--config",
            "keymsg.toml",
            "--store",
            "st",
            "--agency",
            "PEA",
        ],
    );
    let auth = format!("Bearer {TOKEN_ALL}");
    let h = [("Authorization", auth.as_str())];

    // The OpenAPI document is served and every path in it is routed.
    let (status, doc) = get_json(server.addr, "/openapi.json", &[]);
    assert_eq!(status, 200);
    assert_eq!(
        doc,
        serde_json::from_str::<serde_json::Value>(keymsg_server::OPENAPI).unwrap()
    );
    for (method, path) in keymsg_server::ROUTES {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} undocumented"
        );
        let (status, _, _) = http(server.addr, &method.to_uppercase(), path, &h, b"").unwrap();
        assert!(status != 404 && status != 405, "{method} {path}: {status}");
        let (status, _, _) = http(server.addr, "PUT", path, &h, b"").unwrap();
        assert_eq!(status, 405, "PUT {path}");
    }

    // curl: a footer, an error, health, metrics.
    let url = server.url();
    let out = run_ok(
        Command::new("curl").args([
            "-sS",
            "-H",
            &format!("Authorization: Bearer {TOKEN_ALL}"),
            &format!("{url}/v1/footer?key=INV-curl-1&profile=receipt-80mm"),
        ]),
        "curl footer",
    );
    let footer: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(footer["counted"], true, "{footer}");
    assert!(footer["lines"].as_array().unwrap().len() >= 2);
    let out = run_ok(
        Command::new("curl").args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            &format!("{url}/v1/footer?key=x"),
        ]),
        "curl without token",
    );
    assert_eq!(out, "401");
    let out = run_ok(
        Command::new("curl").args([
            "-sS",
            "-H",
            &format!("Authorization: Bearer {TOKEN_ALL}"),
            &format!("{url}/metrics"),
        ]),
        "curl metrics",
    );
    assert!(
        out.contains("keymsg_insertions_total{agency=\"PEA\",surface=\"receipt\""),
        "{out}"
    );
    assert!(out.contains("keymsg_server_catalog_reload_ok 1"), "{out}");

    // Python's http.client and urllib.
    let out = run_ok(
        Command::new("python3")
            .arg(root().join("tests/serve/client.py"))
            .args([&url, TOKEN_ALL]),
        "python client",
    );
    assert!(out.contains("all checks passed"), "{out}");
    // The Node.js and Java examples, as users would run them.
    let out = run_ok(
        Command::new("node")
            .arg(root().join("examples/node/client.mjs"))
            .args([&url, TOKEN_ALL]),
        "node example",
    );
    assert!(out.contains("node client: ok"), "{out}");
    let out = run_ok(
        Command::new("java")
            .arg(root().join("examples/java/KeymsgClient.java"))
            .args([&url, TOKEN_ALL]),
        "java example",
    );
    assert!(out.contains("java client: ok"), "{out}");

    // Scopes: a select-only token may select, not count or report.
    let sel = format!("Bearer {TOKEN_SELECT}");
    let hs = [("Authorization", sel.as_str())];
    assert_eq!(
        get_json(server.addr, "/v1/footer?key=a&count=false", &hs).0,
        200
    );
    let (status, err) = get_json(server.addr, "/v1/footer?key=a", &hs);
    assert_eq!(status, 403, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("count"));
    assert_eq!(
        get_json(server.addr, "/v1/report?month=2026-03", &hs).0,
        403
    );
    assert_eq!(
        get_json(
            server.addr,
            "/metrics",
            &[("Authorization", "Bearer wrong")]
        )
        .0,
        401
    );
    assert_eq!(get_json(server.addr, "/healthz", &[]).0, 200);

    // Hostile input: never a 500.
    for path in [
        "/v1/footer?key=%FF%FE",
        "/v1/footer?key=a%00b",
        "/v1/footer?key=a&key=b",
        "/v1/footer?profile=nope",
        "/v1/footer?width=99999999999999999999",
        "/v1/footer?width=1",
        "/v1/footer?at=9999-01-01T00:00:00Z",
        "/v1/footer?surface=popup",
        "/v1/popup?surface=receipt",
        "/v1/report?month=x&format=pdf",
        "/v1/report?month=2026-03&agency=nobody",
    ] {
        let (status, v) = get_json(server.addr, path, &h);
        assert!((400..500).contains(&status), "{path}: {status} {v}");
        assert!(
            v["error"]["code"].is_string() && v["error"]["message"].is_string(),
            "{path}: {v}"
        );
    }
    for body in [
        &b"[]"[..],
        b"{\"impressions\": 3}",
        b"{\"impressions\": []}",
        b"\xff",
        b"{\"impressions\":[{}], \"x\":1}",
    ] {
        let (status, _, out) = http(server.addr, "POST", "/v1/impressions", &h, body).unwrap();
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(&out));
    }
    let many: Vec<String> = (0..1001)
        .map(|i| format!("{{\"token\":\"k1.2.x\",\"idempotency_key\":\"{i}\"}}"))
        .collect();
    let body = format!("{{\"impressions\":[{}]}}", many.join(","));
    let (status, _, out) =
        http(server.addr, "POST", "/v1/impressions", &h, body.as_bytes()).unwrap();
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&out));
    assert!(String::from_utf8_lossy(&out).contains("1000"));

    let log = server.stop();
    assert!(log.iter().all(|l| !l.contains("panicked")), "{log:?}");
}

/// A catalog's `[layout] words` and the config's apply to served footers:
/// the programme name คนละครึ่งพลัส, which the built-in list splits, comes
/// back whole on one line at 22 columns.
#[test]
fn layout_words_of_the_catalog_and_config_apply_to_served_footers() {
    const TEXT: &str = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น";
    const WORD: &str = "คนละครึ่งพลัส";
    let catalog = |words: &str| {
        format!(
            "schema = 2\nversion = 1\n[layout]\nwords = {words}\n[[messages]]\nid = \"m\"\n\
             topic = \"general\"\n[messages.text.th]\nlong = \"{TEXT}\"\n"
        )
    };
    let lines = |dir: &Path, args: &[&str]| {
        let server = Server::start(dir, args);
        let (status, v) = get_json(server.addr, "/v1/footer?width=22&count=false", &[]);
        assert_eq!(status, 200, "{v}");
        server.stop();
        v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plain.toml"), catalog("[]")).unwrap();
    std::fs::write(
        dir.path().join("words.toml"),
        catalog(&format!("[\"{WORD}\"]")),
    )
    .unwrap();
    // Not keymsg.toml: the runs without --config would find it.
    std::fs::write(
        dir.path().join("agency.toml"),
        format!("[layout]\nwords = [\"{WORD}\"]\n"),
    )
    .unwrap();
    let plain = lines(dir.path(), &["--catalog", "plain.toml"]);
    assert!(!plain.iter().any(|l| l.contains(WORD)), "{plain:?}");
    let from_catalog = lines(dir.path(), &["--catalog", "words.toml"]);
    assert!(
        from_catalog.iter().any(|l| l.contains(WORD)),
        "{from_catalog:?}"
    );
    let from_config = lines(
        dir.path(),
        &["--config", "agency.toml", "--catalog", "plain.toml"],
    );
    assert_eq!(from_config, from_catalog);
}
