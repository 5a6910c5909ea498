//! The service offers what the CLI does, under the same names, with the
//! same results: reprint by token, explain, hand counts, printer
//! encodings, the billboard surface, and the pop-up subject as `key`.

use super::*;

const AT: &str = "2026-03-05T10:00:00%2B07:00";
const AT_RFC: &str = "2026-03-05T10:00:00+07:00";

/// `keymsg ARGS` in `dir` (no config file): its stdout as bytes.
fn cli(dir: &Path, args: &[&str]) -> Vec<u8> {
    cli_fed(dir, args, "")
}

/// [`cli`] with `input` on stdin.
fn cli_fed(dir: &Path, args: &[&str], input: &str) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keymsg"))
        .current_dir(dir)
        .env_remove("KEYMSG_CONFIG")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "keymsg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn post_json(addr: SocketAddr, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let (status, _, bytes) = http(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
    .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// One cell of the service's March 2026 form: a message's count in a column.
fn report_cell(addr: SocketAddr, message: &str, column: &str) -> u64 {
    let (status, report) = get_json(addr, "/v1/report?month=2026-03&agency=PEA", &[]);
    assert_eq!(status, 200, "{report}");
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["message_id"] == message)
        .map_or(0, |r| r[column].as_u64().unwrap())
}

fn base64_decode(dir: &Path, text: &str) -> Vec<u8> {
    let path = dir.join("encoded.b64");
    std::fs::write(&path, text).unwrap();
    let out = Command::new("base64")
        .arg("-d")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    out.stdout
}

#[test]
fn reprints_by_token_as_the_cli_does_and_counts_them_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--store", "st", "--agency", "PEA"]);
    let (status, first) = get_json(
        server.addr,
        &format!("/v1/footer?key=INV-R-1&at={AT}&profile=receipt-80mm"),
        &[],
    );
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["counted"], true);
    let token = first["token"].as_str().unwrap();
    let message = first["message_id"].as_str().unwrap();

    // Another width, the same message; stored as a reprint, not counted.
    let (status, again) = get_json(
        server.addr,
        &format!("/v1/replay?token={token}&width=32&at={AT}"),
        &[],
    );
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["message_id"], message);
    assert_eq!(again["counted"], false);
    assert!(again["lines"].as_array().unwrap().len() > first["lines"].as_array().unwrap().len());
    // The CLI's reprint of the same token at the same width is the same text.
    let cli_json: serde_json::Value = serde_json::from_slice(&cli(
        dir.path(),
        &["replay", token, "--width", "32", "--json"],
    ))
    .unwrap();
    assert_eq!(cli_json["text"], again["text"]);
    assert_eq!(cli_json["lines"], again["lines"]);
    assert_eq!(report_cell(server.addr, message, "documents"), 1);

    // A bad token names the field.
    let (status, err) = get_json(server.addr, "/v1/replay?token=k1.nope", &[]);
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"]["field"], "token");
    let (status, err) = get_json(server.addr, "/v1/replay", &[]);
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"]["field"], "token");
    drop(server);

    // A service that counts reprints counts it, once per idempotency key.
    let counting = Server::start(
        dir.path(),
        &["--store", "st", "--agency", "PEA", "--count-reprints"],
    );
    for _ in 0..2 {
        let (status, r) = get_json(
            counting.addr,
            &format!("/v1/replay?token={token}&at={AT}&idempotency_key=INV-R-1%23reprint-1"),
            &[],
        );
        assert_eq!(status, 200, "{r}");
    }
    assert_eq!(report_cell(counting.addr, message, "documents"), 2);
    // count=false stores nothing.
    let (status, r) = get_json(
        counting.addr,
        &format!("/v1/replay?token={token}&at={AT}&count=false"),
        &[],
    );
    assert_eq!((status, &r["counted"]), (200, &serde_json::json!(false)));
    assert_eq!(report_cell(counting.addr, message, "documents"), 2);
}

#[test]
fn explain_encodings_billboards_and_the_popup_key_match_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--store", "st", "--agency", "PEA"]);

    // Explain: the JSON of `keymsg explain --json`, field for field.
    for (query, args) in [
        (
            format!("key=INV-E-1&at={AT}"),
            vec!["--key", "INV-E-1", "--at", AT_RFC],
        ),
        (
            format!("key=user-9&surface=popup&lang=en&at={AT}"),
            vec![
                "--key",
                "user-9",
                "--surface",
                "popup",
                "--lang",
                "en",
                "--at",
                AT_RFC,
            ],
        ),
    ] {
        let (status, served) = get_json(server.addr, &format!("/v1/explain?{query}"), &[]);
        assert_eq!(status, 200, "{served}");
        let mut cli_args = vec!["explain", "--json"];
        cli_args.extend(args);
        let printed: serde_json::Value =
            serde_json::from_slice(&cli(dir.path(), &cli_args)).unwrap();
        assert_eq!(served, printed, "{query}");
        assert!(served["chosen"]["message_id"].is_string());
    }
    let (status, err) = get_json(server.addr, "/v1/explain?surface=radio", &[]);
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (400, Some("surface"))
    );
    // An instant outside the years keymsg reckons with: refused as a
    // footer's is (and as `keymsg explain --at` is), naming `at`.
    for at in ["9999-12-31T23:59:59Z", "2569-03-10T10:00:00%2B07:00"] {
        let (status, err) = get_json(server.addr, &format!("/v1/explain?at={at}"), &[]);
        assert_eq!(
            (status, err["error"]["field"].as_str()),
            (400, Some("at")),
            "{at}: {err}"
        );
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("years 1 to 2399"),
            "{err}"
        );
    }

    // A TIS-620 footer: the bytes the CLI writes to the printer.
    let (status, footer) = get_json(
        server.addr,
        &format!("/v1/footer?key=INV-E-2&at={AT}&encoding=tis-620&count=false"),
        &[],
    );
    assert_eq!(status, 200, "{footer}");
    let encoded = base64_decode(dir.path(), footer["encoded"].as_str().unwrap());
    let printed = cli(
        dir.path(),
        &[
            "footer",
            "--key",
            "INV-E-2",
            "--at",
            AT_RFC,
            "--encoding",
            "tis-620",
        ],
    );
    // The CLI ends the footer with a line feed for the printer.
    assert_eq!([encoded.as_slice(), b"\n"].concat(), printed);
    assert!(encoded.iter().any(|&b| b >= 0xA1), "Thai in TIS-620");
    let (status, plain) = get_json(
        server.addr,
        &format!("/v1/footer?key=INV-E-2&at={AT}&encoding=utf-8&count=false"),
        &[],
    );
    assert_eq!(status, 200);
    assert!(plain.get("encoded").is_none(), "{plain}");
    let (status, err) = get_json(server.addr, "/v1/footer?encoding=ebcdic", &[]);
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (400, Some("encoding"))
    );

    // A billboard footer: counted (under the form's Documents column, as
    // every counted insertion is), its surface in the breakdown.
    let (status, board) = get_json(
        server.addr,
        &format!("/v1/footer?key=SIGN-1&surface=billboard&at={AT}"),
        &[],
    );
    assert_eq!(status, 200, "{board}");
    assert_eq!(board["counted"], true);
    let cli_board: serde_json::Value = serde_json::from_slice(&cli(
        dir.path(),
        &[
            "footer",
            "--key",
            "SIGN-1",
            "--surface",
            "billboard",
            "--at",
            AT_RFC,
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(cli_board["text"], board["text"]);
    let message = board["message_id"].as_str().unwrap();
    assert_eq!(report_cell(server.addr, message, "documents"), 1);
    let (_, report) = get_json(server.addr, "/v1/report?month=2026-03&agency=PEA", &[]);
    assert_eq!(
        report["breakdown"],
        serde_json::json!([{"message_id": message, "surface": "billboard", "kind": "", "count": 1}])
    );

    // The pop-up subject is `key`, as everywhere else; `subject` still works.
    let (s1, by_key) = get_json(server.addr, &format!("/v1/popup?key=user-9&at={AT}"), &[]);
    let (s2, by_subject) = get_json(
        server.addr,
        &format!("/v1/popup?subject=user-9&at={AT}"),
        &[],
    );
    assert_eq!((s1, s2), (200, 200), "{by_key} {by_subject}");
    assert_eq!(by_key["message_id"], by_subject["message_id"]);
    let (status, err) = get_json(server.addr, "/v1/popup?key=a&subject=a", &[]);
    assert_eq!((status, err["error"]["field"].as_str()), (400, Some("key")));
    let (status, r) = post_json(
        server.addr,
        "/v1/impressions",
        &serde_json::json!({"impressions": [{
            "token": by_key["token"], "key": "user-9", "idempotency_key": "imp-1", "at": AT_RFC,
        }]}),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["counted"], 1, "{r}");
}

#[test]
fn hand_counts_are_recorded_replaced_and_refused_with_the_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--store", "st", "--agency", "PEA"]);
    let record = |body: serde_json::Value| post_json(server.addr, "/v1/records", &body);

    let (status, r) = record(serde_json::json!({
        "month": "2026-03", "channel": "on-air", "message": "aoc-1441", "count": 3,
    }));
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["agency"], "PEA");
    assert_eq!(report_cell(server.addr, "aoc-1441", "on_air"), 3);
    // Again: replaced, not added (a retry changes nothing).
    for _ in 0..2 {
        let (status, _) = record(serde_json::json!({
            "month": "2026-03", "channel": "on-air", "message": "aoc-1441", "count": 5,
        }));
        assert_eq!(status, 200);
    }
    assert_eq!(report_cell(server.addr, "aoc-1441", "on_air"), 5);
    // Content of the agency's own gets a row of its own, as from the CLI.
    let (status, r) = record(serde_json::json!({
        "month": "2026-03", "channel": "community", "content": "ประชุมหมู่บ้าน เรื่องแก๊งคอลเซ็นเตอร์", "count": 2,
    }));
    assert_eq!(status, 200, "{r}");
    let (_, report) = get_json(server.addr, "/v1/report?month=2026-03&agency=PEA", &[]);
    let own = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["content"] == "ประชุมหมู่บ้าน เรื่องแก๊งคอลเซ็นเตอร์")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(own["community"], 2);
    // What the CLI reads from the same store agrees.
    let md = String::from_utf8(cli(
        dir.path(),
        &[
            "report", "--store", "st", "--agency", "PEA", "--month", "2026-03", "--format", "json",
        ],
    ))
    .unwrap();
    let from_cli: serde_json::Value = serde_json::from_str(&md).unwrap();
    assert_eq!(from_cli["rows"], report["rows"]);

    for (body, field) in [
        (
            serde_json::json!({"month": "2026-03", "channel": "radio", "message": "aoc-1441", "count": 1}),
            "channel",
        ),
        (
            serde_json::json!({"month": "2026-13", "channel": "on-air", "message": "aoc-1441", "count": 1}),
            "month",
        ),
        (
            serde_json::json!({"month": "2026-03", "channel": "on-air", "message": "no-such", "count": 1}),
            "message",
        ),
        (
            serde_json::json!({"month": "2026-03", "channel": "on-air", "message": "aoc-1441", "content": "x", "count": 1}),
            "message",
        ),
        (
            serde_json::json!({"month": "2026-03", "channel": "on-air", "count": 1}),
            "message",
        ),
        (
            serde_json::json!({"month": "2026-03", "channel": "on-air", "message": "aoc-1441", "count": -1}),
            "count",
        ),
        (
            serde_json::json!({"month": "2026-03", "channel": "on-air", "message": "aoc-1441", "count": 1, "agency": "X"}),
            "agency",
        ),
    ] {
        let (status, err) = record(body.clone());
        assert_eq!(status, 400, "{body}: {err}");
        assert_eq!(err["error"]["field"], field, "{body}: {err}");
    }
    assert_eq!(report_cell(server.addr, "aoc-1441", "on_air"), 5);
}

#[test]
fn fail_closed_refuses_a_footer_the_store_cannot_count() {
    let dir = tempfile::tempdir().unwrap();
    let open = Server::start(dir.path(), &["--store", "st"]);
    let closed = Server::start(dir.path(), &["--store", "st", "--fail-closed"]);
    // Another process holds the store's key lock past the store's busy
    // timeout (5 s): a keyed count cannot be made.
    let lock = std::fs::File::open(dir.path().join("st/keys.lock")).unwrap();
    lock.lock().unwrap();
    let path = format!("/v1/footer?key=INV-F-1&idempotency_key=INV-F-1&at={AT}");
    let (a, b) = (open.addr, closed.addr);
    let p2 = path.clone();
    let from_closed = std::thread::spawn(move || get_json(b, &p2, &[]));
    let (status, footer) = get_json(a, &path, &[]);
    let (closed_status, refused) = from_closed.join().unwrap();
    lock.unlock().unwrap();
    // Fail open (the default): the text, uncounted, with the reason.
    assert_eq!(status, 200, "{footer}");
    assert_eq!(footer["counted"], false);
    assert!(
        footer["count_error"].as_str().unwrap().contains("lock"),
        "{footer}"
    );
    // Fail closed: an error, no text to print uncounted.
    assert_eq!(closed_status, 503, "{refused}");
    assert!(refused.get("text").is_none());
    // Once the lock is free, the retry counts once.
    for (addr, counted) in [(b, true), (a, false)] {
        let (status, r) = get_json(addr, &path, &[]);
        assert_eq!(
            (status, &r["counted"]),
            (200, &serde_json::json!(counted)),
            "{r}"
        );
    }
}

#[test]
fn layout_report_options_version_and_trust_match_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--store", "st", "--agency", "PEA"]);
    let stdin_cli =
        |args: &[&str], input: &str| String::from_utf8(cli_fed(dir.path(), args, input)).unwrap();
    let text = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น อย่าโอนเงินให้คนที่ไม่รู้จัก หากสงสัยโทร 1441";

    // Wrap and truncate: the CLI's lines, the agency's word kept whole.
    let (status, wrapped) = post_json(
        server.addr,
        "/v1/wrap",
        &serde_json::json!({"text": text, "width": 22, "words": ["คนละครึ่งพลัส"]}),
    );
    assert_eq!(status, 200, "{wrapped}");
    let lines: Vec<String> = stdin_cli(&["wrap", "--width", "22", "--word", "คนละครึ่งพลัส"], text)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(wrapped["lines"], serde_json::json!(lines));
    assert!(lines.iter().any(|l| l.contains("คนละครึ่งพลัส")), "{lines:?}");
    let (status, two) = post_json(
        server.addr,
        "/v1/wrap",
        &serde_json::json!({"text": text, "width": 16, "max_lines": 2, "ellipsis": "...", "align": "right"}),
    );
    assert_eq!(status, 200, "{two}");
    let printed = stdin_cli(
        &[
            "wrap",
            "--width",
            "16",
            "--max-lines",
            "2",
            "--ellipsis",
            "...",
            "--align",
            "right",
        ],
        text,
    );
    assert_eq!(
        two["lines"],
        serde_json::json!(printed.lines().collect::<Vec<_>>())
    );
    let (status, cut) = post_json(
        server.addr,
        "/v1/truncate",
        &serde_json::json!({"text": text, "width": 26, "words": ["คนละครึ่งพลัส"]}),
    );
    assert_eq!(status, 200, "{cut}");
    let printed = stdin_cli(&["truncate", "--width", "26", "--word", "คนละครึ่งพลัส"], text);
    assert_eq!(cut["text"], printed.trim_end_matches('\n'));
    let (status, measured) =
        post_json(server.addr, "/v1/width", &serde_json::json!({"text": text}));
    assert_eq!(status, 200);
    let printed: serde_json::Value =
        serde_json::from_str(&stdin_cli(&["width", "--measure", "--json"], text)).unwrap();
    assert_eq!(measured, printed);
    for (path, body, field) in [
        ("/v1/wrap", serde_json::json!({"text": text}), "width"),
        (
            "/v1/wrap",
            serde_json::json!({"text": text, "width": 0}),
            "width",
        ),
        (
            "/v1/wrap",
            serde_json::json!({"text": text, "width": "22"}),
            "width",
        ),
        (
            "/v1/wrap",
            serde_json::json!({"text": text, "width": 22, "align": "justify"}),
            "align",
        ),
        (
            "/v1/wrap",
            serde_json::json!({"text": text, "width": 22, "words": ["a b"]}),
            "words",
        ),
        (
            "/v1/wrap",
            serde_json::json!({"text": "a\u{7}b", "width": 22}),
            "text",
        ),
        (
            "/v1/truncate",
            serde_json::json!({"text": text, "width": 3, "ellipsis": "....."}),
            "ellipsis",
        ),
        // The field at fault is named, not the text or the width.
        (
            "/v1/truncate",
            serde_json::json!({"text": text, "width": 22, "ellipsis": "\u{1b}[0m"}),
            "ellipsis",
        ),
        (
            "/v1/wrap",
            serde_json::json!({"text": text, "width": 22, "ellipsis": "\u{202e}…"}),
            "ellipsis",
        ),
        (
            "/v1/wrap",
            serde_json::json!({"text": text, "width": 10, "max_lines": 0}),
            "max_lines",
        ),
        ("/v1/truncate", serde_json::json!({"width": 3}), "text"),
        (
            "/v1/width",
            serde_json::json!({"text": text, "font": "x"}),
            "font",
        ),
    ] {
        let (status, err) = post_json(server.addr, path, &body);
        assert_eq!(status, 400, "{path} {body}: {err}");
        assert_eq!(err["error"]["field"], field, "{path} {body}: {err}");
    }

    // A field given twice is refused, as a repeated query parameter is
    // (serde would keep the last width, a proxy's log may show the first).
    let (status, _, err) = http(
        server.addr,
        "POST",
        "/v1/wrap",
        &[("Content-Type", "application/json")],
        br#"{"text": "abc", "width": 30, "width": 1}"#,
    )
    .unwrap();
    let err: serde_json::Value = serde_json::from_slice(&err).unwrap();
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"]["field"], "body", "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("duplicate"),
        "{err}"
    );

    // The report's signature block, digits and compact form: the CLI's CSV.
    get_json(server.addr, &format!("/v1/footer?key=INV-S-1&at={AT}"), &[]);
    let (status, _, csv) = http(
        server.addr,
        "GET",
        "/v1/report?month=2026-03&agency=PEA&format=csv&omit_zero_rows=true&reporter=%E0%B8%AA%E0%B8%A1%E0%B8%A8%E0%B8%A3%E0%B8%B5&position=IT&signed_on=2026-04-05&digits=arabic",
        &[],
        b"",
    )
    .unwrap();
    assert_eq!(status, 200);
    let printed = cli(
        dir.path(),
        &[
            "report",
            "--store",
            "st",
            "--agency",
            "PEA",
            "--month",
            "2026-03",
            "--format",
            "csv",
            "--omit-zero-rows",
            "--reporter",
            "สมศรี",
            "--position",
            "IT",
            "--signed-on",
            "2026-04-05",
            "--digits",
            "arabic",
        ],
    );
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        String::from_utf8(printed).unwrap()
    );
    let (status, err) = get_json(
        server.addr,
        "/v1/report?month=2026-03&signed_on=5/4/2026",
        &[],
    );
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (400, Some("signed_on"))
    );
    // A date, but not one the March form is signed on: the core's rule, as
    // `keymsg report --signed-on` applies it.
    for date in ["-9999-12-31", "2569-04-05", "2026-02-28"] {
        let (status, err) = get_json(
            server.addr,
            &format!("/v1/report?month=2026-03&agency=PEA&signed_on={date}"),
            &[],
        );
        assert_eq!(
            (status, err["error"]["field"].as_str()),
            (400, Some("signed_on")),
            "{date}: {err}"
        );
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("2026-03-01 to 2028-03-31"),
            "{err}"
        );
    }

    // Which keymsg answers, and how its catalog was loaded.
    let (_, health) = get_json(server.addr, "/healthz", &[]);
    let version = String::from_utf8(cli(dir.path(), &["--version"])).unwrap();
    assert_eq!(
        format!("keymsg {}\n", health["version"].as_str().unwrap()),
        version
    );
    let (_, ready) = get_json(server.addr, "/readyz", &[]);
    let check: serde_json::Value =
        serde_json::from_slice(&cli(dir.path(), &["check", "--json"])).unwrap();
    assert_eq!(ready["checks"]["catalog"]["layers"], check["layers"]);
}

#[test]
fn allow_lossy_returns_a_cut_footer_uncounted_instead_of_refusing_it() {
    let dir = tempfile::tempdir().unwrap();
    let strict = Server::start(dir.path(), &["--store", "a"]);
    let lossy = Server::start(dir.path(), &["--store", "b", "--allow-lossy"]);
    let (mut kept, mut cut) = (0, 0);
    for i in 0..20 {
        let path = format!("/v1/footer?key=K-{i}&profile=billboard&width=16&at={AT}");
        let (status, refused) = get_json(strict.addr, &path, &[]);
        let (lossy_status, r) = get_json(lossy.addr, &path, &[]);
        assert_eq!(lossy_status, 200, "{r}");
        match status {
            200 => {
                kept += 1;
                assert_eq!(
                    (&r["counted"], &r["fit"]["truncated_core"]),
                    (&serde_json::json!(true), &serde_json::json!(false))
                );
            }
            422 => {
                cut += 1;
                assert!(
                    refused["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains("hotline"),
                    "{refused}"
                );
                assert_eq!(r["fit"]["truncated_core"], true, "{r}");
                assert_eq!(r["counted"], false, "{r}");
            }
            other => panic!("{other}: {refused}"),
        }
    }
    assert!(kept > 0 && cut > 0, "{kept} kept, {cut} cut");
    // Only the footers that kept their hotline were counted.
    let (_, report) = get_json(lossy.addr, "/v1/report?month=2026-03", &[]);
    assert_eq!(report["totals"]["documents"], kept);
}

#[test]
fn hostile_layout_requests_are_refused_and_explain_moves_no_rotation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("keymsg.toml"),
        "[layout]\nwords = [\"คนละครึ่งพลัส\"]\n",
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--config", "keymsg.toml", "--store", "st"]);
    // A width no line can be padded to is a 400 naming it (2^64 - 1 spaces
    // would abort the process); unaligned, any width works.
    for width in [1001u64, 10_000_000_000_000, u64::MAX] {
        let body = serde_json::json!({"text": "กขค", "width": width, "align": "center"});
        let (status, err) = post_json(server.addr, "/v1/wrap", &body);
        assert_eq!(status, 400, "{width}: {err}");
        assert_eq!(err["error"]["field"], "width", "{err}");
        let body = serde_json::json!({"text": "กขค", "width": width});
        let (status, cut) = post_json(server.addr, "/v1/truncate", &body);
        assert_eq!((status, &cut["text"]), (200, &serde_json::json!("กขค")));
    }
    let words: Vec<String> = (0..101).map(|i| format!("ก{i}")).collect();
    let (status, err) = post_json(
        server.addr,
        "/v1/wrap",
        &serde_json::json!({"text": "กขค", "width": 20, "words": words}),
    );
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (400, Some("words")),
        "{err}"
    );
    assert_eq!(get_json(server.addr, "/healthz", &[]).0, 200);

    // keymsg.toml's words are kept whole, as `keymsg wrap` keeps them.
    let text = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น";
    let (status, wrapped) = post_json(
        server.addr,
        "/v1/wrap",
        &serde_json::json!({"text": text, "width": 22}),
    );
    assert_eq!(status, 200, "{wrapped}");
    let printed = String::from_utf8(cli_fed(
        dir.path(),
        &["wrap", "--width", "22", "--config", "keymsg.toml"],
        text,
    ))
    .unwrap();
    assert_eq!(
        wrapped["lines"],
        serde_json::json!(printed.lines().collect::<Vec<_>>())
    );
    assert!(printed.contains("คนละครึ่งพลัส"), "{printed}");

    // Explaining foretells the next footer and shifts nothing.
    for _ in 0..3 {
        let (_, told) = get_json(server.addr, &format!("/v1/explain?at={AT}"), &[]);
        let (_, again) = get_json(server.addr, &format!("/v1/explain?at={AT}"), &[]);
        let (_, footer) = get_json(server.addr, &format!("/v1/footer?count=false&at={AT}"), &[]);
        assert_eq!(told["chosen"]["message_id"], again["chosen"]["message_id"]);
        assert_eq!(told["chosen"]["message_id"], footer["message_id"], "{told}");
    }

    // The signature block is trimmed, as `keymsg report` trims it.
    get_json(server.addr, &format!("/v1/footer?key=T-1&at={AT}"), &[]);
    let (_, _, csv) = http(
        server.addr,
        "GET",
        "/v1/report?month=2026-03&format=csv&reporter=%20%20Somsri%20%20&position=%20Officer%20",
        &[],
        b"",
    )
    .unwrap();
    let printed = cli(
        dir.path(),
        &[
            "report",
            "--store",
            "st",
            "--month",
            "2026-03",
            "--format",
            "csv",
            "--reporter",
            "  Somsri  ",
            "--position",
            " Officer ",
            "--config",
            "keymsg.toml",
        ],
    );
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        String::from_utf8(printed).unwrap()
    );
}
