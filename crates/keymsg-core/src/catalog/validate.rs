//! Validation of a raw catalog into a [`Catalog`].
//!
//! Every rule adds a [`Problem`] naming the message id, the field and, where it
//! applies, the character offset into the value as written; validation never
//! stops at the first problem, so `keymsg check` prints them all at once.
//! Text is only ever NFC-normalised, never repaired or lossily replaced.
//!
//! Rules, with the [`ProblemKind`] each reports:
//! - schema newer than [`SCHEMA_VERSION`] or 0: [`CatalogError::UnsupportedSchema`];
//! - a `[layout]` table in a file of schema 1: `NeedsSchema` (it needs 2);
//! - empty text variant, topic, issuer, policy value or surface list: `Empty`;
//! - no Thai text: `Missing`;
//! - C0/C1 controls, DEL, U+2028/U+2029: `Control`; bidi controls: `Bidi`;
//!   U+FFFD (damage from a lossy conversion): `Replacement`;
//! - an invisible (default-ignorable) character inside a phone number, URL,
//!   e-mail address or amount, between two digits, or anywhere in an id,
//!   topic, language code or allow-list entry: `Invisible`;
//! - id not 1–64 of `[A-Za-z0-9._-]`: `BadId`; duplicate id: `DuplicateId`;
//! - language code not 2–3 lower-case ASCII letters: `BadLanguage`;
//! - a date that does not parse: `BadDate`; outside the years 2000–2199 or a
//!   message starting after the catalog expires: `OutOfRange`;
//!   `until` not after `from`: `WindowInverted`;
//! - weight over [`MAX_WEIGHT`], a surface listed twice: `OutOfRange`;
//! - a `policy` key that is neither `default` nor a surface: `Unknown`;
//! - an allow-list entry that is not a phone number / host name: `BadPhone` / `BadHost`;
//! - a phone number (digits only, Thai digits mapped, `+66` folded to `0`) not
//!   on `allow.phones`: `PhoneNotAllowed`; a URL or e-mail host that is neither
//!   on `allow.hosts` nor a subdomain of an entry: `HostNotAllowed`.

mod fits;
mod moment;
mod overlay;
mod text;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::error::{CatalogError, Problem, ProblemKind};
use super::model::{Catalog, CatalogMeta, Inner, Message, Window};
use super::raw::{RawCatalog, RawText};
use crate::Surface;
use crate::layout::words::LayoutWords;
use crate::text::spans::{is_digit, is_host_syntax, phone_key, span_digits};
use crate::vocab::{Text, TextKind};
use moment::{Edge, parse_moment};
use text::{Allow, check_chars, check_name, check_text};

/// A catalog `expires` value as an instant, `None` when it does not parse
/// (validation reports that).
pub(crate) fn parse_expires(s: &str) -> Option<time::OffsetDateTime> {
    parse_moment(s, Edge::End, None, "expires", &mut Problems(Vec::new()))
}

/// Newest catalog schema this library reads. Older schemas keep loading.
///
/// 1: the first format; 2: adds `[layout]` (words kept whole).
pub const SCHEMA_VERSION: u32 = 2;

/// The schema that added `[layout]`: a file using it must declare at least
/// this, so that a keymsg reading only schema 1 can refuse it as too new.
const LAYOUT_SCHEMA: u32 = 2;

/// Largest message weight: weights are summed over a tier, and a weight this
/// large already drowns every other message.
pub const MAX_WEIGHT: u32 = 1_000_000;

pub(super) struct Problems(Vec<Problem>);

impl Problems {
    fn add(
        &mut self,
        id: Option<&str>,
        field: impl Into<String>,
        offset: Option<usize>,
        kind: ProblemKind,
    ) {
        self.0.push(Problem {
            message_id: id.map(str::to_owned),
            field: field.into(),
            offset,
            kind,
        });
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Validate `raw`, collecting every problem.
pub(crate) fn validate(raw: RawCatalog, source_name: &str) -> Result<Catalog, CatalogError> {
    validate_with(raw, source_name, true)
}

/// [`validate`], with the text rules (characters, allow-list) and the layout
/// rule (every message laid out on every profile of its surfaces, most of
/// the cost) only when `check_layout`.
/// It is skipped only for text already validated in full: the embedded
/// catalog (a test validates it in full) and a file whose exact bytes passed
/// before (the trust state records them). Every footer is still laid out
/// when it is served, so a message that does not fit is never printed cut.
pub(crate) fn validate_with(
    raw: RawCatalog,
    source_name: &str,
    check_layout: bool,
) -> Result<Catalog, CatalogError> {
    if raw.schema == 0 || raw.schema > SCHEMA_VERSION {
        return Err(CatalogError::UnsupportedSchema {
            source_name: source_name.to_owned(),
            found: raw.schema,
            supported: SCHEMA_VERSION,
        });
    }
    let mut p = Problems(Vec::new());

    if let Some(issuer) = &raw.issuer {
        if issuer.trim().is_empty() {
            p.add(None, "issuer", None, ProblemKind::Empty);
        }
        check_chars(None, "issuer", issuer, &mut p);
    }
    let expires = raw
        .expires
        .as_deref()
        .and_then(|s| parse_moment(s, Edge::End, None, "expires", &mut p));
    check_policy(&raw.policy, &mut p);
    let allow = check_allow(&raw, &mut p);
    if raw.layout.is_some() && raw.schema < LAYOUT_SCHEMA {
        p.add(
            None,
            "layout",
            None,
            ProblemKind::NeedsSchema {
                needs: LAYOUT_SCHEMA,
                found: raw.schema,
            },
        );
    }
    let words = fits::check_words(
        raw.layout.as_ref().map_or(&[][..], |l| l.words.as_slice()),
        &mut p,
    );

    let mut messages = Vec::with_capacity(raw.messages.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (index, m) in raw.messages.iter().enumerate() {
        let id = m.id.as_str();
        let problems_before = p.len();
        let visible_id = check_name(Some(id), "id", id, &mut p);
        if !valid_id(&visible_id) {
            p.add(Some(id), "id", None, ProblemKind::BadId);
        }
        if let Some(&first_index) = by_id.get(id) {
            p.add(
                Some(id),
                "id",
                None,
                ProblemKind::DuplicateId { first_index },
            );
        } else {
            by_id.insert(id.to_owned(), index);
        }
        if m.topic.trim().is_empty() {
            p.add(Some(id), "topic", None, ProblemKind::Empty);
        }
        check_name(Some(id), "topic", &m.topic, &mut p);
        if !m.text.contains_key("th") {
            p.add(
                Some(id),
                "text",
                None,
                ProblemKind::Missing("Thai text (`text.th`)".into()),
            );
        }
        let mut text = BTreeMap::new();
        for (lang, t) in &m.text {
            let field = format!("text.{lang}");
            let visible = check_name(Some(id), &field, lang, &mut p);
            if !valid_language(&visible) {
                p.add(
                    Some(id),
                    &field,
                    None,
                    ProblemKind::BadLanguage(lang.clone()),
                );
            }
            // Text rules (characters, allow-list) only report problems;
            // bytes that passed them before need not be scanned again.
            if check_layout {
                for (name, value) in variants(t) {
                    check_text(id, &format!("{field}.{name}"), value, &allow, &mut p);
                }
            }
            text.insert(lang.clone(), normalise(t));
        }
        let from = m
            .from
            .as_deref()
            .and_then(|s| parse_moment(s, Edge::Start, Some(id), "from", &mut p));
        let until = m
            .until
            .as_deref()
            .and_then(|s| parse_moment(s, Edge::End, Some(id), "until", &mut p));
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            p.add(Some(id), "until", None, ProblemKind::WindowInverted);
        }
        if let (Some(f), Some(e)) = (from, expires)
            && f >= e
        {
            p.add(
                Some(id),
                "from",
                None,
                ProblemKind::OutOfRange(
                    "starts after the catalog expires, so it would never be shown".into(),
                ),
            );
        }
        let weight = m.weight.unwrap_or(1);
        if weight > MAX_WEIGHT {
            p.add(
                Some(id),
                "weight",
                None,
                ProblemKind::OutOfRange(format!(
                    "weight {weight} is over the maximum {MAX_WEIGHT}"
                )),
            );
        }
        let surfaces = m.surfaces.clone().unwrap_or_else(|| Surface::ALL.to_vec());
        if surfaces.is_empty() {
            p.add(Some(id), "surfaces", None, ProblemKind::Empty);
        }
        for (k, s) in surfaces.iter().enumerate() {
            if surfaces.get(..k).is_some_and(|before| before.contains(s)) {
                p.add(
                    Some(id),
                    format!("surfaces[{k}]"),
                    None,
                    ProblemKind::OutOfRange(format!("surface `{s}` is listed twice")),
                );
            }
        }
        // Layout is checked only on text that passed the character rules.
        if check_layout && p.len() == problems_before {
            crate::layout::words::with_words(words.as_ref(), || {
                fits::check_fits(id, &text, &surfaces, &mut p);
            });
        }
        messages.push(Message {
            id: m.id.clone(),
            topic: m.topic.clone(),
            text,
            surfaces,
            weight,
            priority: m.priority,
            window: Window { from, until },
        });
    }

    if !p.0.is_empty() {
        return Err(CatalogError::Invalid {
            source_name: source_name.to_owned(),
            problems: p.0,
        });
    }
    let meta = CatalogMeta {
        schema: raw.schema,
        version: raw.version,
        issuer: raw.issuer.clone(),
        expires,
        allowed_phones: allow.phones,
        allowed_hosts: allow.hosts,
        policy: raw.policy.clone(),
    };
    Ok(Catalog {
        inner: Arc::new(Inner {
            meta,
            messages,
            by_id,
            raw,
            trust: Default::default(),
            words,
            fits: Vec::new(),
            hidden: Vec::new(),
        }),
    })
}

impl Catalog {
    /// The same catalog with `words` kept whole too when its messages are
    /// laid out, as if its `[layout] words` listed them (an agency's own
    /// words, from its configuration). Checked like a catalog's: the words
    /// themselves, then every message whose text (a long, short or title
    /// variant, in any language) has a word the catalog did not have: it is
    /// laid out again with all the words on every profile of its surfaces,
    /// as loading does. A message without such a word is laid out as before
    /// and is not laid out again, so when no message has one, nothing is.
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] naming `source_name`, with
    /// - `layout.words[k]` for a word that is not Thai text in NFC, 2 to 64
    ///   characters, without spaces;
    /// - the message id, `text.LANG` and [`ProblemKind::DoesNotFit`] (the
    ///   profile, and the words in the reason) for a message that would be
    ///   truncated on a profile once the words are kept whole (a long
    ///   compound that used to break between its parts can push it over a
    ///   line limit).
    pub fn with_layout_words(
        self,
        words: &[String],
        source_name: &str,
    ) -> Result<Catalog, CatalogError> {
        self.with_layout_words_remembered(words, source_name, None)
    }

    /// [`Catalog::with_layout_words`], skipping the layout of the changed
    /// messages when `memo` says the same words passed on the same messages
    /// before, and telling it of a check that passes: a command that starts
    /// once per receipt otherwise pays the layout of every such message on
    /// every start.
    pub(crate) fn with_layout_words_remembered(
        self,
        words: &[String],
        source_name: &str,
        memo: Option<&dyn CheckMemo>,
    ) -> Result<Catalog, CatalogError> {
        let Some(added) = layout_words(words, source_name)? else {
            return Ok(self);
        };
        let own = self.layout_words();
        // A message with one of the words the catalog did not have in its
        // text is laid out differently now, and is checked again.
        let new: Vec<&str> = added
            .words()
            .filter(|w| !own.is_some_and(|o| o.contains(w)))
            .collect();
        let words = match own {
            Some(own) => own.union(&added),
            None => Arc::clone(&added),
        };
        let changed: Vec<&Message> = self
            .messages()
            .iter()
            .filter(|m| fits::has_any(&m.text, &new))
            .collect();
        let mut p = Problems(Vec::new());
        let memo = memo
            .filter(|_| !changed.is_empty())
            .map(|m| (m, words_check_key(&words, &new, &changed)));
        let known = memo.as_ref().is_some_and(|(m, key)| m.passed_before(key));
        if !changed.is_empty() && !known {
            crate::layout::words::with_words(Some(&words), || {
                for m in changed {
                    fits::check_fits_added(&m.id, &m.text, &m.surfaces, &new, &mut p);
                }
            });
            if let (Some((m, key)), true) = (&memo, p.0.is_empty()) {
                m.passed(key);
            }
        }
        if !p.0.is_empty() {
            return Err(CatalogError::Invalid {
                source_name: source_name.to_owned(),
                problems: p.0,
            });
        }
        Ok(self.edited(|inner| {
            inner.words = Some(words);
            // Laid out with more words, the messages need checking again.
            inner.fits.clear();
        }))
    }
}

/// Where checks that passed are remembered between starts (the trust state
/// directory; see `Catalog::load`): layout words on the messages they
/// change, defined profiles on every message they serve.
pub(crate) trait CheckMemo {
    /// Whether the check `key` (see [`CheckHasher`]) passed before.
    fn passed_before(&self, key: &CheckKey) -> bool;
    /// The check `key` passed.
    fn passed(&self, key: &CheckKey);
}

/// A remembered check: the SHA-256 of what it depends on (see [`CheckHasher`]).
pub(crate) type CheckKey = [u8; 32];

/// Hashes what a check depends on into its [`CheckKey`], starting with the
/// keymsg doing it (its layout rules). Each piece is hashed with its
/// length, so no two different inputs run together into one.
pub(crate) struct CheckHasher(sha2::Sha256);

impl CheckHasher {
    pub(crate) fn new() -> CheckHasher {
        let mut h = CheckHasher(sha2::Digest::new());
        h.piece(env!("CARGO_PKG_VERSION").as_bytes());
        h
    }

    pub(crate) fn piece(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// A list of strings, with its length.
    pub(crate) fn list(&mut self, items: &[&str]) {
        self.piece(&(items.len() as u64).to_le_bytes());
        items.iter().for_each(|w| self.piece(w.as_bytes()));
    }

    /// A message as it is laid out: id, surfaces, every text variant.
    pub(crate) fn message(&mut self, m: &Message) {
        self.piece(m.id.as_bytes());
        m.surfaces
            .iter()
            .for_each(|s| self.piece(s.as_str().as_bytes()));
        for (lang, t) in &m.text {
            self.piece(lang.as_bytes());
            for kind in [TextKind::Long, TextKind::Short, TextKind::Title] {
                self.piece(t.get(kind).unwrap_or("\0").as_bytes());
            }
        }
    }

    pub(crate) fn finish(self) -> CheckKey {
        sha2::Digest::finalize(self.0).into()
    }
}

/// What a layout-words check depends on: all the words, the new ones, and
/// each changed message.
fn words_check_key(words: &LayoutWords, new: &[&str], changed: &[&Message]) -> CheckKey {
    let mut hash = CheckHasher::new();
    let mut all: Vec<&str> = words.words().collect();
    all.sort_unstable();
    hash.list(&all);
    hash.list(new);
    changed.iter().for_each(|m| hash.message(m));
    hash.finish()
}

/// `words` checked as `[layout] words` (see [`fits::check_words`]), `None`
/// when there are none.
pub(crate) fn layout_words(
    words: &[String],
    source_name: &str,
) -> Result<Option<Arc<crate::layout::words::LayoutWords>>, CatalogError> {
    let mut p = Problems(Vec::new());
    let words = fits::check_words(words, &mut p);
    if p.0.is_empty() {
        Ok(words)
    } else {
        Err(CatalogError::Invalid {
            source_name: source_name.to_owned(),
            problems: p.0,
        })
    }
}

fn variants(t: &RawText) -> impl Iterator<Item = (&'static str, &str)> {
    [
        ("long", Some(t.long.as_str())),
        ("short", t.short.as_deref()),
        ("title", t.title.as_deref()),
    ]
    .into_iter()
    .filter_map(|(n, v)| v.map(|v| (n, v)))
}

/// `policy` keys are `default` or a surface name; values may not be empty
/// (their names are checked by selection).
fn check_policy(policy: &BTreeMap<String, String>, p: &mut Problems) {
    for (key, value) in policy {
        let field = format!("policy.{key}");
        if !crate::vocab::POLICY_KEYS.contains(&key.as_str()) {
            p.add(
                None,
                &field,
                None,
                ProblemKind::Unknown {
                    what: "policy key (use `default` or a surface name)",
                    name: key.clone(),
                },
            );
        }
        if value.trim().is_empty() {
            p.add(None, &field, None, ProblemKind::Empty);
        } else if value.parse::<crate::vocab::Policy>().is_err() {
            p.add(
                None,
                &field,
                None,
                ProblemKind::Unknown {
                    what: "selection policy (see docs/SELECTION.md)",
                    name: value.clone(),
                },
            );
        }
        check_chars(None, &field, value, p);
    }
}

/// Check and normalise the allow-lists.
fn check_allow(raw: &RawCatalog, p: &mut Problems) -> Allow {
    let mut allow = Allow {
        phones: Vec::new(),
        hosts: Vec::new(),
        handles: Vec::new(),
    };
    for (k, entry) in raw.allow.phones.iter().enumerate() {
        let field = format!("allow.phones[{k}]");
        let visible = check_name(None, &field, entry, p);
        let digits = span_digits(&visible).len();
        let shape = visible
            .trim()
            .chars()
            .all(|c| is_digit(c) || matches!(c, ' ' | '-' | '+' | '(' | ')'));
        if !shape || !(3..=15).contains(&digits) {
            p.add(None, &field, None, ProblemKind::BadPhone(entry.clone()));
        }
        allow.phones.push(phone_key(&visible));
    }
    for (k, entry) in raw.allow.hosts.iter().enumerate() {
        let field = format!("allow.hosts[{k}]");
        let visible = check_name(None, &field, entry, p);
        let host = visible.trim().trim_end_matches('.').to_ascii_lowercase();
        if !is_host_syntax(&host) {
            p.add(None, &field, None, ProblemKind::BadHost(entry.clone()));
        }
        allow.hosts.push(host);
    }
    for (k, entry) in raw.allow.handles.iter().enumerate() {
        let field = format!("allow.handles[{k}]");
        let visible = check_name(None, &field, entry, p);
        let handle = visible.trim().to_lowercase();
        let name = handle.strip_prefix('@').unwrap_or("");
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !ok {
            p.add(None, &field, None, ProblemKind::BadHandle(entry.clone()));
        }
        allow.handles.push(handle);
    }
    allow
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn normalise(t: &RawText) -> Text {
    Text {
        long: nfc(&t.long),
        short: t.short.as_deref().map(nfc),
        title: t.title.as_deref().map(nfc),
    }
}

/// NFC (text already in NFC, the usual case, is copied, not decomposed and
/// composed again).
fn nfc(s: &str) -> String {
    crate::text::nfc::nfc(s).into_owned()
}

/// Language codes: 2 or 3 lower-case ASCII letters (`th`, `en`, `mnw`).
fn valid_language(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Format;

    /// A programme name the built-in list splits (คนละ|ครึ่ง|พลัส, ฟ้า|ใส|พา|รวย).
    const LONG: &str = "คนละครึ่งพลัสฟ้าใสพารวย";

    /// A catalog whose message `board` does not fit the billboard profile
    /// (nine times the long word), loaded without the layout rule as a
    /// catalog whose bytes passed before is: a layout of it shows as a
    /// problem. `own` is its `[layout] words`.
    fn unchecked(own: &[&str]) -> Catalog {
        let quoted: Vec<String> = own.iter().map(|w| format!("\"{w}\"")).collect();
        let text = format!(
            "schema = 2\nversion = 1\n[layout]\nwords = [{}]\n[[messages]]\nid = \"board\"\n\
             topic = \"general\"\nsurfaces = [\"billboard\"]\n[messages.text.th]\nlong = \"{}\"\n",
            quoted.join(", "),
            format!("{LONG}เงินคืน").repeat(9),
        );
        let c =
            Catalog::from_bytes_validated_before(text.as_bytes(), Format::Toml, "c.toml").unwrap();
        assert!(
            Catalog::from_str_as(&text, Format::Toml, "c.toml").is_err(),
            "the example no longer overflows"
        );
        c
    }

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|&w| w.to_owned()).collect()
    }

    /// Only a message with a word the catalog did not have is laid out
    /// again: one the catalog has, or one in no message, lays out nothing
    /// (the overflowing message is never seen), a new one in its text does.
    #[test]
    fn only_messages_with_a_new_word_are_laid_out_again() {
        // In no message's text.
        assert!(
            unchecked(&[])
                .with_layout_words(&words(&["เทศบาลเมืองตัวอย่าง"]), "cfg")
                .is_ok()
        );
        // The catalog's own word, in the message's text.
        let c = unchecked(&[LONG])
            .with_layout_words(&words(&[LONG]), "cfg")
            .unwrap();
        assert_eq!(
            c.layout_words().unwrap().words().collect::<Vec<_>>(),
            [LONG]
        );
        // A new word in the message's text: laid out, and refused.
        let err = unchecked(&[])
            .with_layout_words(&words(&[LONG]), "cfg")
            .unwrap_err();
        let CatalogError::Invalid {
            source_name,
            problems,
        } = err
        else {
            panic!("{err}");
        };
        assert_eq!(source_name, "cfg");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].message_id.as_deref(), Some("board"));
    }
}
