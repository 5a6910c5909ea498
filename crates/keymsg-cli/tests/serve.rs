//! `keymsg serve` over real TCP: the real binary, driven by raw sockets,
//! curl, Python's standard library and the Node.js and Java examples;
//! caps across two server processes on one store; SIGTERM under load.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running `keymsg serve`; killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_keymsg"))
            .current_dir(dir)
            .env_remove("KEYMSG_CONFIG")
            .env("KEYMSG_LOG", "info")
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let log2 = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
                    && v["fields"]["message"] == "keymsg serve listening"
                {
                    let _ = tx.send(v["fields"]["addr"].as_str().unwrap().to_owned());
                }
                log2.lock().unwrap().push(line);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(a) => a.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!("server did not start: {:?}", log.lock().unwrap());
            }
        };
        Server { child, addr, log }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// SIGTERM, and wait for a clean exit.
    fn stop(mut self) -> Vec<String> {
        self.signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(
                    status.success(),
                    "exit {status:?}: {:?}",
                    self.log.lock().unwrap()
                );
                break;
            }
            assert!(Instant::now() < deadline, "server did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(50));
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection: (status, headers, body).
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<(u16, String, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no response head"))?;
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("bad status line"))?;
    Ok((status, head, out[split + 4..].to_vec()))
}

fn get_json(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let (status, _, body) = http(addr, "GET", path, headers, b"").unwrap();
    let v = if body.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&body))
        })
    };
    (status, v)
}

fn sha256_hex(token: &str) -> String {
    let out = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(token.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}

const TOKEN_ALL: &str = "test-token-all-scopes";
const TOKEN_SELECT: &str = "test-token-select-only";

fn token_config(extra: &str) -> String {
    format!(
        "{extra}\n[[serve.token]]\nname = \"all\"\nsha256 = \"{}\"\nscopes = [\"select\", \"count\", \"report\", \"metrics\", \"admin\"]\n\
         [[serve.token]]\nname = \"select\"\nsha256 = \"{}\"\nscopes = [\"select\"]\n",
        sha256_hex(TOKEN_ALL),
        sha256_hex(TOKEN_SELECT)
    )
}

fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

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

#[test]
fn caps_hold_across_two_server_processes_on_one_store() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("keymsg.toml"),
        "[caps]\nper_day = 3\nmin_gap_seconds = 0\n",
    )
    .unwrap();
    let args = ["--config", "keymsg.toml", "--store", "st"];
    let a = Server::start(dir.path(), &args);
    let b = Server::start(dir.path(), &args);
    let shown = Arc::new(AtomicU64::new(0));
    let capped = Arc::new(AtomicU64::new(0));
    // 4 clients per server, 10 requests each, the same two subjects.
    let mut threads = Vec::new();
    for (i, addr) in [a.addr, b.addr].into_iter().cycle().take(8).enumerate() {
        let (shown, capped) = (Arc::clone(&shown), Arc::clone(&capped));
        threads.push(std::thread::spawn(move || {
            for _ in 0..10 {
                let subject = if i % 2 == 0 {
                    "same-user"
                } else {
                    "other-user"
                };
                let path = format!("/v1/popup?subject={subject}&at=2026-03-15T10:00:00%2B07:00");
                let (status, _, _) = http(addr, "GET", &path, &[], b"").unwrap();
                match status {
                    200 => shown.fetch_add(1, Ordering::Relaxed),
                    204 => capped.fetch_add(1, Ordering::Relaxed),
                    other => panic!("status {other}"),
                };
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    // Two subjects, three each per day: exactly six shown, whichever replica answered.
    assert_eq!(shown.load(Ordering::Relaxed), 6);
    assert_eq!(capped.load(Ordering::Relaxed), 74);
    // The 204 says when to come back (Bangkok midnight, 14 h later).
    let (status, head, _) = http(
        b.addr,
        "GET",
        "/v1/popup?subject=same-user&at=2026-03-15T10:00:00%2B07:00",
        &[],
        b"",
    )
    .unwrap();
    assert_eq!(status, 204);
    assert!(
        head.to_ascii_lowercase().contains("retry-after: 50400"),
        "{head}"
    );
    // The next Bangkok day the subject may see one again.
    let (status, _) = get_json(
        a.addr,
        "/v1/popup?subject=same-user&at=2026-03-16T00:00:00%2B07:00",
        &[],
    );
    assert_eq!(status, 200);
    // Without a subject, caps cannot apply: a 400 naming it.
    let (status, v) = get_json(a.addr, "/v1/popup", &[]);
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (400, Some("subject"))
    );
    let (_, _, metrics) = http(a.addr, "GET", "/metrics", &[], b"").unwrap();
    assert!(
        String::from_utf8(metrics)
            .unwrap()
            .contains("keymsg_server_popups_capped_total")
    );
    a.stop();
    b.stop();
}

#[test]
fn sigterm_under_load_loses_no_acknowledged_count() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--store", "st", "--agency", "PEA"]);
    let addr = server.addr;
    let acknowledged = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for t in 0..8 {
        let (ack, stop) = (Arc::clone(&acknowledged), Arc::clone(&stop));
        threads.push(std::thread::spawn(move || {
            let mut i = 0;
            // Bounded: at most 5 s or until the server is gone.
            let until = Instant::now() + Duration::from_secs(5);
            while !stop.load(Ordering::Relaxed) && Instant::now() < until {
                i += 1;
                let path = format!(
                    "/v1/footer?key=K-{t}-{i}&idempotency_key=I-{t}-{i}&at=2026-03-15T10:00:00%2B07:00"
                );
                match http(addr, "GET", &path, &[], b"") {
                    Ok((200, _, body)) => {
                        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                        if v["counted"] == true {
                            ack.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Ok((status, _, body)) => {
                        // Refused while shutting down is fine: not acknowledged.
                        assert!(status >= 500, "{status}: {}", String::from_utf8_lossy(&body));
                    }
                    Err(_) => break, // the server has stopped accepting
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(700));
    let before = acknowledged.load(Ordering::Relaxed);
    assert!(before > 20, "too little load before SIGTERM: {before}");
    let log = server.stop();
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    assert!(
        log.iter().any(|l| l.contains("keymsg serve stopped")),
        "{log:?}"
    );
    let ack = acknowledged.load(Ordering::Relaxed);
    let report = Command::new(env!("CARGO_BIN_EXE_keymsg"))
        .current_dir(dir.path())
        .env_remove("KEYMSG_CONFIG")
        .args([
            "report", "--store", "st", "--month", "2026-03", "--format", "json", "--agency", "PEA",
        ])
        .output()
        .unwrap();
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let stored = v["totals"]["documents"].as_u64().unwrap();
    assert_eq!(stored, ack, "acknowledged {ack}, stored {stored}");
}

#[test]
fn slow_clients_limits_and_bind_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("keymsg.toml"),
        "[serve]\nheader_timeout_ms = 300\nrequest_timeout_ms = 600\nmax_body_bytes = 2000\nmax_header_bytes = 8192\n",
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--config", "keymsg.toml", "--store", "st"]);
    // A connection that sends nothing is closed after the header timeout.
    let started = Instant::now();
    let mut idle = TcpStream::connect(server.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = Vec::new();
    let _ = idle.read_to_end(&mut buf);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "idle connection held {:?}",
        started.elapsed()
    );
    // Half a request head, then silence: closed too.
    let started = Instant::now();
    let mut slow = TcpStream::connect(server.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let _ = slow.read_to_end(&mut buf);
    assert!(started.elapsed() < Duration::from_secs(3));
    // A body trickled too slowly: 408 with a JSON error.
    let mut trickle = TcpStream::connect(server.addr).unwrap();
    trickle
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    trickle
        .write_all(b"POST /v1/impressions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"imp")
        .unwrap();
    let mut out = Vec::new();
    let _ = trickle.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"timeout\""), "{text}");
    // Too large a body, too large a head.
    let big = vec![b' '; 5000];
    let (status, _, body) = http(server.addr, "POST", "/v1/impressions", &[], &big).unwrap();
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
    let long = "x".repeat(20_000);
    let r = http(server.addr, "GET", "/healthz", &[("X-Long", &long)], b"");
    assert!(matches!(r, Ok((431, _, _)) | Err(_)), "{r:?}");
    // Still serving after all that.
    assert_eq!(get_json(server.addr, "/healthz", &[]).0, 200);
    server.stop();

    // Without tokens, only loopback may be bound.
    let out = Command::new(env!("CARGO_BIN_EXE_keymsg"))
        .current_dir(dir.path())
        .env_remove("KEYMSG_CONFIG")
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("without authentication") && err.contains("[[serve.token]]"),
        "{err}"
    );
}

#[test]
fn a_bad_catalog_is_refused_on_reload_and_the_old_one_stays() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Command::new(env!("CARGO_BIN_EXE_keymsg"))
        .args(["catalog", "--format", "toml"])
        .output()
        .unwrap();
    let text = String::from_utf8(catalog.stdout).unwrap();
    std::fs::write(dir.path().join("cat.toml"), &text).unwrap();
    std::fs::write(
        dir.path().join("keymsg.toml"),
        token_config("catalog = \"cat.toml\""),
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--config", "keymsg.toml"]);
    let auth = format!("Bearer {TOKEN_ALL}");
    let h = [("Authorization", auth.as_str())];
    let (_, before) = get_json(server.addr, "/v1/footer?key=INV-9&count=false", &h);
    // A broken file: SIGHUP refuses it.
    std::fs::write(
        dir.path().join("cat.toml"),
        "version = \"not a number\"\n[[message]]\n",
    )
    .unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, ready) = get_json(server.addr, "/readyz", &[]);
        if ready["checks"]["catalog"]["last_reload_error"].is_string() {
            assert_eq!(
                ready["ready"], true,
                "the old catalog still serves: {ready}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "reload not reported: {ready}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, after) = get_json(server.addr, "/v1/footer?key=INV-9&count=false", &h);
    assert_eq!((status, &after["message_id"]), (200, &before["message_id"]));
    let (_, _, metrics) = http(server.addr, "GET", "/metrics", &h, b"").unwrap();
    let metrics = String::from_utf8(metrics).unwrap();
    assert!(
        metrics.contains("keymsg_server_catalog_reload_ok 0"),
        "{metrics}"
    );
    assert!(
        metrics.contains("keymsg_server_catalog_reloads_total{outcome=\"refused\"} 1"),
        "{metrics}"
    );
    // The admin endpoint says so too; a select token may not reload.
    let (status, _, body) = http(server.addr, "POST", "/v1/admin/reload", &h, b"").unwrap();
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    let sel = format!("Bearer {TOKEN_SELECT}");
    let (status, _, _) = http(
        server.addr,
        "POST",
        "/v1/admin/reload",
        &[("Authorization", sel.as_str())],
        b"",
    )
    .unwrap();
    assert_eq!(status, 403);
    // The file fixed: reloaded.
    std::fs::write(dir.path().join("cat.toml"), &text).unwrap();
    let (status, _, body) = http(server.addr, "POST", "/v1/admin/reload", &h, b"").unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let (_, ready) = get_json(server.addr, "/readyz", &[]);
    assert!(
        ready["checks"]["catalog"]["last_reload_error"].is_null(),
        "{ready}"
    );
    let log = server.stop();
    assert!(
        log.iter().any(|l| l.contains("new catalog refused")),
        "{log:?}"
    );
}

#[test]
fn https_with_a_configured_certificate() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(
        Command::new("openssl").current_dir(dir.path()).args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ]),
        "openssl",
    );
    std::fs::write(
        dir.path().join("keymsg.toml"),
        "[serve]\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n",
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--config", "keymsg.toml"]);
    let out = run_ok(
        Command::new("curl").current_dir(dir.path()).args([
            "-sS",
            "--cacert",
            "cert.pem",
            &format!("https://{}/v1/footer?key=INV-tls&count=false", server.addr),
        ]),
        "curl over TLS",
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["message_id"].is_string(), "{out}");
    // Plain HTTP on the TLS port gets no answer.
    assert!(!matches!(
        http(server.addr, "GET", "/healthz", &[], b""),
        Ok((200, _, _))
    ));
    server.stop();
}

#[test]
fn the_cli_and_the_server_share_one_cap_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let popup = |at: &str| {
        Command::new(env!("CARGO_BIN_EXE_keymsg"))
            .current_dir(dir.path())
            .env_remove("KEYMSG_CONFIG")
            .args(["popup", "--store", "st", "--key", "user-7", "--json"])
            .args(["--at", at, "--cap-per-day", "2"])
            .output()
            .unwrap()
    };
    let first = popup("2026-03-15T10:00:00+07:00");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(v["counted"], true);
    // The server, on the same store with the same cap, grants the second...
    std::fs::write(dir.path().join("keymsg.toml"), "[caps]\nper_day = 2\n").unwrap();
    let server = Server::start(dir.path(), &["--config", "keymsg.toml", "--store", "st"]);
    let path = "/v1/popup?subject=user-7&at=2026-03-15T11:00:00%2B07:00";
    assert_eq!(get_json(server.addr, path, &[]).0, 200);
    assert_eq!(get_json(server.addr, path, &[]).0, 204);
    // ... and the CLI now sees the cap reached: nothing shown or counted.
    let third = popup("2026-03-15T12:00:00+07:00");
    assert!(third.status.success());
    let v: serde_json::Value = serde_json::from_slice(&third.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"capped": true, "retry_at": "2026-03-16T00:00:00+07:00"})
    );
    assert!(String::from_utf8_lossy(&third.stderr).contains("not now"));
    // Caps need a subject.
    let out = Command::new(env!("CARGO_BIN_EXE_keymsg"))
        .current_dir(dir.path())
        .args(["popup", "--store", "st", "--cap-per-day", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    server.stop();
}
