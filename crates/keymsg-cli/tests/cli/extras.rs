//! The usual extras: shell completions and the manual page, generated from
//! the command definition (so every command is in them), and a bill run's
//! progress, drawn only for a person at a terminal.

use std::path::Path;
use std::process::Command;

use super::{ok, run};

/// The commands `keymsg --help` lists (not `help`).
fn commands(dir: &Path) -> Vec<String> {
    let help = ok(dir, &["--help"], "");
    let list: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect();
    for expected in ["footer", "report", "completions", "man"] {
        assert!(
            list.iter().any(|c| c == expected),
            "{expected} not in {list:?}"
        );
    }
    list
}

#[test]
fn bash_completion_is_valid_bash_and_completes_commands_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let script = ok(dir.path(), &["completions", "bash"], "");
    let path = dir.path().join("keymsg.bash");
    std::fs::write(&path, &script).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );

    // Ask the completion function what bash would offer, as at a prompt.
    let complete = |words: &str| -> Vec<String> {
        let probe = format!(
            "source {}\nCOMP_WORDS=({words})\nCOMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n\
             COMP_LINE=\"${{COMP_WORDS[*]}}\"\nCOMP_POINT=${{#COMP_LINE}}\n\
             _keymsg keymsg \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            path.display()
        );
        let out = Command::new("bash").arg("-c").arg(probe).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    };
    let offered = complete("keymsg fo");
    assert_eq!(offered, ["footer"]);
    let offered = complete("keymsg footer --keys");
    assert!(offered.iter().any(|w| w == "--keys-from"), "{offered:?}");
    let offered = complete("keymsg completions ''");
    for shell in ["bash", "zsh", "fish"] {
        assert!(offered.iter().any(|w| w == shell), "{offered:?}");
    }
}

#[test]
fn zsh_and_fish_completions_name_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let commands = commands(dir.path());
    let zsh = ok(dir.path(), &["completions", "zsh"], "");
    assert!(zsh.starts_with("#compdef keymsg\n"), "{}", &zsh[..40]);
    let fish = ok(dir.path(), &["completions", "fish"], "");
    for c in &commands {
        assert!(zsh.contains(&format!("'{c}:")), "zsh completion lacks {c}");
        assert!(
            fish.lines()
                .any(|l| l.starts_with("complete -c keymsg") && l.contains(&format!("-a \"{c}\""))),
            "fish completion lacks {c}"
        );
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["completions", "tcsh"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_man_page_lists_every_command_and_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let commands = commands(dir.path());
    let page = ok(dir.path(), &["man"], "");
    assert!(page.contains(".TH keymsg 1"), "no title line");
    assert!(page.contains(".SH SUBCOMMANDS"), "no SUBCOMMANDS section");
    for c in &commands {
        assert!(
            page.contains(&format!("keymsg\\-{c}(1)")),
            "the man page lacks {c}"
        );
    }
    assert!(page.contains("Exit codes:"), "the exit codes are missing");

    // Rendered by groff, when it is installed, without a warning.
    if Command::new("groff").arg("--version").output().is_ok() {
        let path = dir.path().join("keymsg.1");
        std::fs::write(&path, &page).unwrap();
        let out = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn man_dir_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    std::fs::create_dir(&pages).unwrap();
    ok(dir.path(), &["man", "--dir", pages.to_str().unwrap()], "");
    assert!(pages.join("keymsg.1").is_file());
    for c in commands(dir.path()) {
        let page = std::fs::read_to_string(pages.join(format!("keymsg-{c}.1")))
            .unwrap_or_else(|e| panic!("keymsg-{c}.1: {e}"));
        assert!(
            page.contains(&format!(".TH keymsg-{c} 1")),
            "keymsg-{c}.1 has no title"
        );
    }
    let footer = std::fs::read_to_string(pages.join("keymsg-footer.1")).unwrap();
    assert!(
        footer.contains("keys\\-from"),
        "keymsg-footer.1 lacks --keys-from"
    );
}

/// 300 keys in a file.
fn keys_file(dir: &Path) {
    let text: String = (1..=300).map(|i| format!("INV-{i:06}\n")).collect();
    std::fs::write(dir.join("keys.txt"), text).unwrap();
}

#[test]
fn a_bill_run_to_a_pipe_writes_no_progress() {
    let dir = tempfile::tempdir().unwrap();
    keys_file(dir.path());
    let out = run(
        dir.path(),
        &["footer", "--keys-from", "keys.txt", "--store", "st"],
        "",
    );
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "keymsg: keys.txt: 300 keys, 300 printed, 300 counted, 0 skipped, 0 failed\n"
    );
}

#[test]
fn a_bill_run_watched_on_a_terminal_shows_progress_then_only_the_summary() {
    // `script` (util-linux) gives the run a terminal for stderr; stdout goes to a file.
    let dir = tempfile::tempdir().unwrap();
    keys_file(dir.path());
    let out = Command::new("script")
        .current_dir(dir.path())
        .env_remove("KEYMSG_CONFIG")
        .env("KEYMSG_BIN", env!("CARGO_BIN_EXE_keymsg"))
        .args(["-q", "-e", "-c"])
        .arg("\"$KEYMSG_BIN\" footer --keys-from keys.txt --store st > footers.txt")
        .arg("/dev/null")
        .stdin(std::process::Stdio::null())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!("`script` (util-linux) is needed to run keymsg on a terminal: {e}"),
    };
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("% ") && screen.contains(" keys ("),
        "no progress drawn: {screen:?}"
    );
    assert!(
        screen
            .contains("keymsg: keys.txt: 300 keys, 300 printed, 300 counted, 0 skipped, 0 failed"),
        "{screen:?}"
    );
    let footers = std::fs::read_to_string(dir.path().join("footers.txt")).unwrap();
    assert!(footers.contains("1441"), "the footers went to the file");
}

/// Counts of one are singular: `1 message`, `1 key`, `1 count`, `1 line`
/// (they read `1 messages`, `1 keys`, `1 counts`, `1 lines`).
#[test]
fn one_of_a_thing_is_singular() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("one.toml"),
        "version = 3\n[[messages]]\nid = \"m\"\ntopic = \"general\"\n\
         [messages.text.th]\nlong = \"อย่าโอนเงินให้คนแปลกหน้า\"\n",
    )
    .unwrap();
    let out = ok(dir, &["check", "one.toml"], "");
    assert!(
        out.starts_with("one.toml: ok — catalog version 3, 1 message\n"),
        "{out}"
    );
    // Two messages stay plural.
    let out = ok(dir, &["check"], "");
    assert!(out.contains(" messages\n"), "{out}");

    std::fs::write(dir.join("keys.txt"), "INV-1\n").unwrap();
    let out = run(
        dir,
        &["footer", "--keys-from", "keys.txt", "--store", "st"],
        "",
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "keymsg: keys.txt: 1 key, 1 printed, 1 counted, 0 skipped, 0 failed\n"
    );
    let out = ok(dir, &["store", "verify", "--store", "st"], "");
    assert!(out.contains("w-0.sqlite: ok, 1 count\n"), "{out}");

    // The preview names one message, and a one-line layout `1 line`.
    std::fs::write(
        dir.join("kiosk.toml"),
        "[[profile_def]]\nname = \"tiny\"\nkind = \"columns\"\nwidth = 80\nmax_lines = 1\n",
    )
    .unwrap();
    ok(
        dir,
        &[
            "--config",
            "kiosk.toml",
            "preview",
            "--catalog",
            "one.toml",
            "--profile",
            "tiny",
            "-o",
            "p.html",
        ],
        "",
    );
    let html = std::fs::read_to_string(dir.join("p.html")).unwrap();
    assert!(html.contains(" · 1 message · "), "{html}");
    assert!(html.contains("80 columns, at most 1 line · "), "{html}");
    assert!(html.contains(">1 / 1 line</div>"), "{html}");
}
