//! Progress of a long bill run (`keymsg footer --keys-from`), drawn on stderr
//! only for a person watching it: when stderr is a terminal and stdout is not
//! (the footers go to a file, a pipe or a printer). Otherwise nothing is
//! drawn, so logs and scripts see exactly the run's own lines.

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bill run's progress: bytes of the key file read (when its size is
/// known) and keys seen.
#[derive(Debug)]
pub(super) struct Progress(ProgressBar);

impl Progress {
    /// Progress for a run reading keys from `path` (`-` is stdin).
    pub(super) fn for_bill_run(path: &Path) -> Self {
        let watched = std::io::stderr().is_terminal() && !std::io::stdout().is_terminal();
        if !watched {
            return Progress(ProgressBar::hidden());
        }
        let size = (path != Path::new("-"))
            .then(|| std::fs::metadata(path).ok())
            .flatten()
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len());
        Progress::drawn_to(ProgressDrawTarget::stderr(), size)
    }

    /// A bar of `total` bytes, or a spinner when the size is unknown.
    fn drawn_to(target: ProgressDrawTarget, total: Option<u64>) -> Self {
        let template = if total.is_some() {
            "{bar:30} {percent:>3}% {msg} ({elapsed}, about {eta} left)"
        } else {
            "{spinner} {msg} ({elapsed})"
        };
        let bar = ProgressBar::with_draw_target(total, target);
        // A template error is a bug in the literal above; the default style
        // still shows progress, so it is not worth failing a run for.
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message("0 keys");
        Progress(bar)
    }

    /// One line of the key file was handled.
    pub(super) fn line_done(&self, bytes: usize, keys: u64) {
        self.0.inc(u64::try_from(bytes).unwrap_or(u64::MAX));
        self.0
            .set_message(super::common::plural(keys, "key", "keys"));
    }

    /// Run `f` (which writes to stderr) with the bar out of the way.
    pub(super) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.0.suspend(f)
    }

    /// Remove the bar before the run's summary line.
    pub(super) fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // A run that ends early leaves no half-drawn bar behind.
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use indicatif::TermLike;

    use super::*;

    /// A terminal that records what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.write_str(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            self.0.lock().unwrap().push_str("<clear>");
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_known_size_shows_percent_and_keys_then_clears() {
        let screen = Screen::default();
        let p = Progress::drawn_to(
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
            Some(100),
        );
        p.line_done(25, 3);
        p.0.tick();
        let shown = screen.0.lock().unwrap().clone();
        assert!(shown.contains(" 25% 3 keys"), "{shown:?}");
        p.finish();
        assert!(
            screen.0.lock().unwrap().ends_with("<clear>"),
            "the bar is cleared"
        );
    }

    #[test]
    fn an_unknown_size_shows_the_keys_seen() {
        let screen = Screen::default();
        let p = Progress::drawn_to(
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
            None,
        );
        p.line_done(10, 1);
        p.line_done(10, 2);
        p.0.tick();
        let shown = screen.0.lock().unwrap().clone();
        assert!(shown.contains("2 keys"), "{shown:?}");
        assert!(!shown.contains('%'), "{shown:?}");
    }

    #[test]
    fn a_hidden_bar_draws_nothing() {
        let p = Progress(ProgressBar::hidden());
        p.line_done(10, 1);
        assert!(p.0.is_hidden());
        assert_eq!(p.suspend(|| 7), 7);
    }
}
