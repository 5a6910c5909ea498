//! Shutdown, limits, reload and TLS.

use super::*;

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

/// Write `head` and `chunks` on a fresh connection and read the answer
/// (the server may close before every chunk is written).
fn raw_exchange(addr: SocketAddr, head: &str, chunks: &[&[u8]]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    for c in chunks {
        if s.write_all(c).is_err() {
            break;
        }
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn a_body_over_the_limit_is_refused_at_once_with_a_json_413() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("keymsg.toml"),
        "[serve]\nmax_body_bytes = 2000\nrequest_timeout_ms = 20000\n",
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--config", "keymsg.toml", "--store", "st"]);
    for path in ["/v1/impressions", "/v1/records", "/v1/wrap"] {
        // A Content-Length over the limit: refused before the body is sent,
        // not after the request deadline.
        let started = Instant::now();
        let text = raw_exchange(
            server.addr,
            &format!("POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"),
            &[],
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{path}: answered after {:?}: {text}",
            started.elapsed()
        );
        assert!(text.starts_with("HTTP/1.1 413"), "{path}: {text}");
        assert!(
            text.contains("content-type: application/json")
                && text.contains("{\"error\":{\"code\":\"body_too_large\""),
            "{path}: {text}"
        );
        // A chunked body: refused once it passes the limit, without waiting
        // for its end (which never comes here).
        let started = Instant::now();
        let chunk = format!("400\r\n{}\r\n", " ".repeat(0x400));
        let text = raw_exchange(
            server.addr,
            &format!("POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"),
            &[chunk.as_bytes(), chunk.as_bytes(), chunk.as_bytes()],
        );
        assert!(started.elapsed() < Duration::from_secs(5), "{path}: {text}");
        assert!(text.starts_with("HTTP/1.1 413"), "{path}: {text}");
        assert!(
            text.contains("\"code\":\"body_too_large\""),
            "{path}: {text}"
        );
    }
    // A body at the limit is read as usual.
    let body = format!("{{\"text\":\"{}\",\"width\":40}}", "a".repeat(1978));
    assert_eq!(body.len(), 2000);
    let (status, _, out) = http(server.addr, "POST", "/v1/wrap", &[], body.as_bytes()).unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&out));
    assert_eq!(get_json(server.addr, "/healthz", &[]).0, 200);
    server.stop();
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

/// A catalog file with one receipt message, `rcpt`, of text `long`.
fn receipt_catalog(long: &str) -> String {
    format!(
        "version = 1\n[allow]\nphones = [\"1441\"]\n[[messages]]\nid = \"rcpt\"\n\
         topic = \"general\"\nsurfaces = [\"receipt\"]\n[messages.text.th]\n\
         long = \"{long}\"\n"
    )
}

/// A reload reads the catalog as a start does, the config's layout words
/// included: a new file with a message those words push over a receipt is
/// refused with the same line `keymsg serve` would stop on at start, and
/// the old catalog keeps serving.
#[test]
fn a_reload_that_config_words_push_over_a_profile_is_refused() {
    const LONG: &str = "คนละครึ่งพลัสฟ้าใสพารวย";
    let dir = tempfile::tempdir().unwrap();
    let fits = "ระวังมิจฉาชีพ โทร 1441";
    std::fs::write(dir.path().join("cat.toml"), receipt_catalog(fits)).unwrap();
    std::fs::write(
        dir.path().join("keymsg.toml"),
        token_config(&format!(
            "catalog = \"cat.toml\"\n[layout]\nwords = [\"{LONG}\"]"
        )),
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--config", "keymsg.toml"]);
    let auth = format!("Bearer {TOKEN_ALL}");
    let h = [("Authorization", auth.as_str())];
    let footer = "/v1/footer?key=INV-1&count=false&surface=receipt";
    let (status, before) = get_json(server.addr, footer, &h);
    assert_eq!(status, 200, "{before}");

    let overflowing = format!("ลงทะเบียน{}โทร 1441", format!("{LONG}เงินคืนด่วน").repeat(6));
    std::fs::write(dir.path().join("cat.toml"), receipt_catalog(&overflowing)).unwrap();
    let (status, _, body) = http(server.addr, "POST", "/v1/admin/reload", &h, b"").unwrap();
    let body = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains(&format!(
            "message `rcpt`: field `text.th`: does not fit profile `receipt-58mm`: even the \
             shortest variant would be truncated with the layout word `{LONG}` kept whole"
        )),
        "{body}"
    );
    let (_, ready) = get_json(server.addr, "/readyz", &[]);
    assert_eq!(ready["ready"], true, "{ready}");
    assert!(
        ready["checks"]["catalog"]["last_reload_error"]
            .as_str()
            .is_some_and(|e| e.contains("does not fit profile")),
        "{ready}"
    );
    let (status, after) = get_json(server.addr, footer, &h);
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["lines"], before["lines"], "the old catalog serves");
    server.stop();
}

/// The config's `[[profile_def]]` profiles are checked against a reloaded
/// catalog as at start: a new file with a message too long for one of them
/// is refused, naming the profile, and the old catalog keeps serving.
#[test]
fn a_reload_with_a_message_a_config_profile_cannot_fit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cat.toml"),
        receipt_catalog("ระวังมิจฉาชีพ โทร 1441"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("keymsg.toml"),
        token_config(
            "catalog = \"cat.toml\"\n[[profile_def]]\nname = \"kiosk\"\nkind = \"columns\"\n\
             width = 40\nmax_lines = 1",
        ),
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--config", "keymsg.toml"]);
    let auth = format!("Bearer {TOKEN_ALL}");
    let h = [("Authorization", auth.as_str())];
    let footer = "/v1/footer?key=INV-1&count=false&surface=receipt&profile=kiosk";
    let (status, before) = get_json(server.addr, footer, &h);
    assert_eq!(status, 200, "{before}");

    // Fits the built-in receipt profiles (6 lines of 32), not one line of 40.
    let longer = "อย่าโอนเงินให้คนที่ไม่รู้จัก หากสงสัยโทรสายด่วน 1441 ได้ตลอด 24 ชั่วโมง";
    std::fs::write(dir.path().join("cat.toml"), receipt_catalog(longer)).unwrap();
    let (status, _, body) = http(server.addr, "POST", "/v1/admin/reload", &h, b"").unwrap();
    let body = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("message `rcpt`: field `text.th`: does not fit profile `kiosk`"),
        "{body}"
    );
    let (status, after) = get_json(server.addr, footer, &h);
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["lines"], before["lines"], "the old catalog serves");
    server.stop();
}

/// The sum of the `/metrics` footer counters carrying `kind="<kind>"`.
fn counted_of_kind(addr: SocketAddr, kind: &str) -> u64 {
    let (status, _, body) = http(addr, "GET", "/metrics", &[], b"").unwrap();
    assert_eq!(status, 200);
    let label = format!("kind=\"{kind}\"");
    String::from_utf8(body)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains(&label))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .map(|v| v as u64)
        .sum()
}

/// Counted means delivered: a client that disconnects while the store is
/// locked (its footer waits for the commit) gets nothing, so nothing stays
/// counted — neither the request whose commit was under way when it left
/// (withdrawn) nor the one still queued behind it (left out of the commit);
/// the retry without an idempotency key then counts once.
#[test]
fn a_footer_whose_client_left_before_the_answer_is_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--store", "st", "--agency", "PEA"]);
    let (status, warm) = get_json(server.addr, "/v1/footer?key=WARM&kind=warm", &[]);
    assert_eq!((status, &warm["counted"]), (200, &serde_json::json!(true)));
    let writer = std::fs::read_dir(dir.path().join("st"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with("w-") && n.ends_with(".sqlite")
        })
        .expect("a writer file");
    let lock = rusqlite::Connection::open(&writer).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();

    let ask = |key: &str| {
        let mut s = TcpStream::connect(server.addr).unwrap();
        write!(
            s,
            "GET /v1/footer?key={key}&kind=gone HTTP/1.1\r\nHost: test\r\n\r\n"
        )
        .unwrap();
        s
    };
    // The first waits in a commit stalled on the lock, the second in the
    // queue behind it; both clients give up, as `curl --max-time 1` does.
    let first = ask("GONE-1");
    std::thread::sleep(Duration::from_millis(300));
    let second = ask("GONE-2");
    std::thread::sleep(Duration::from_millis(300));
    drop(first);
    drop(second);
    std::thread::sleep(Duration::from_millis(300));
    lock.execute_batch("ROLLBACK").unwrap();
    drop(lock);

    // The stalled commit goes through, then its count is withdrawn.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server
        .log
        .lock()
        .unwrap()
        .iter()
        .any(|l| l.contains("count withdrawn"))
    {
        assert!(Instant::now() < deadline, "no withdrawal logged");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(counted_of_kind(server.addr, "gone"), 0);
    let log = server.log.lock().unwrap().join("\n");
    assert!(log.contains("requests gone before their commit"), "{log}");

    // The retry (no idempotency key) is answered and counted, once.
    let (status, again) = get_json(server.addr, "/v1/footer?key=GONE-1&kind=gone", &[]);
    assert_eq!((status, &again["counted"]), (200, &serde_json::json!(true)));
    assert_eq!(counted_of_kind(server.addr, "gone"), 1);
    assert_eq!(counted_of_kind(server.addr, "warm"), 1);
}

/// A catalog whose `expires` passes while the service runs stops being
/// served: footers are 503 `catalog_expired` (nothing counted) and
/// `/readyz` is not ready, until a reload brings a newer catalog.
#[test]
fn a_catalog_that_expires_while_serving_is_no_longer_served() {
    let dir = tempfile::tempdir().unwrap();
    let default = run_ok(
        Command::new(env!("CARGO_BIN_EXE_keymsg"))
            .env_remove("KEYMSG_CONFIG")
            .args(["catalog", "--format", "toml"]),
        "keymsg catalog",
    );
    let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(3);
    let expires = expires
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let mut toml = String::new();
    for line in default.lines() {
        toml.push_str(line);
        toml.push('\n');
        if line.starts_with("version = ") && !toml.contains("expires = ") {
            toml.push_str(&format!("expires = \"{expires}\"\n"));
        }
    }
    assert!(toml.contains("expires = "), "{toml}");
    std::fs::write(dir.path().join("exp.toml"), toml).unwrap();
    let server = Server::start(
        dir.path(),
        &["--catalog", "exp.toml", "--store", "st", "--agency", "PEA"],
    );
    let (status, first) = get_json(server.addr, "/v1/footer?key=EXP-1&kind=exp", &[]);
    assert_eq!((status, &first["counted"]), (200, &serde_json::json!(true)));
    let (status, _) = get_json(server.addr, "/readyz", &[]);
    assert_eq!(status, 200);

    std::thread::sleep(Duration::from_millis(3500));
    let (status, err) = get_json(server.addr, "/v1/footer?key=EXP-2&kind=exp", &[]);
    assert_eq!(status, 503, "{err}");
    assert_eq!(err["error"]["code"], "catalog_expired", "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{err}"
    );
    let token = first["token"].as_str().unwrap();
    let (status, err) = get_json(server.addr, &format!("/v1/replay?token={token}"), &[]);
    assert_eq!(
        (status, &err["error"]["code"]),
        (503, &serde_json::json!("catalog_expired"))
    );
    let (status, ready) = get_json(server.addr, "/readyz", &[]);
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["checks"]["catalog"]["expired"], true, "{ready}");
    assert_eq!(counted_of_kind(server.addr, "exp"), 1);
}
