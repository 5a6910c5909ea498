//! The variants of a message's text: shared by the catalog, which stores
//! them, and the layout, which fits one of them into a profile.

/// The variants of a message in one language, NFC-normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Full text.
    pub long: String,
    /// Shorter text, if any.
    pub short: Option<String>,
    /// Pop-up title, if any.
    pub title: Option<String>,
}

/// Which variant of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextKind {
    /// [`Text::long`].
    Long,
    /// [`Text::short`].
    Short,
    /// [`Text::title`].
    Title,
}

impl TextKind {
    /// `long`, `short` or `title`.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn as_str(self) -> &'static str {
        match self {
            TextKind::Long => "long",
            TextKind::Short => "short",
            TextKind::Title => "title",
        }
    }
}

impl Text {
    /// The variant of a kind, if present.
    pub fn get(&self, kind: TextKind) -> Option<&str> {
        match kind {
            TextKind::Long => Some(&self.long),
            TextKind::Short => self.short.as_deref(),
            TextKind::Title => self.title.as_deref(),
        }
    }

    /// Body variants, longest first (long, then short).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn body_variants(&self) -> impl Iterator<Item = (TextKind, &str)> {
        [TextKind::Long, TextKind::Short]
            .into_iter()
            .filter_map(|k| self.get(k).map(|t| (k, t)))
    }
}
