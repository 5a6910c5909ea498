//! Whether a catalog fits a profile it was not validated for: a profile an
//! agency defines (`[[profile_def]]`, [`EngineBuilder::profile`]) is checked
//! when the engine is built, as the built-in ones are when a catalog is
//! loaded, so a message that cannot be laid out for it stops the start
//! instead of failing a receipt at print time. Given to the load
//! (`LoadOptions::profiles`), the check is made there and remembered in the
//! trust state directory, and the engine does not repeat it.
//!
//! [`EngineBuilder::profile`]: crate::EngineBuilder::profile

use super::error::{CatalogError, Problem, ProblemKind};
use super::model::Catalog;
use super::validate::{CheckHasher, CheckMemo};
use crate::Surface;
use crate::layout::{MIN_FOOTER_WIDTH, Profile, ProfileKind};

/// Whether two budgets are of the same kind (columns, pop-up, push, SMS).
fn same_kind(a: ProfileKind, b: ProfileKind) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
}

/// The surfaces a profile of `kind` can lay footers out for: those whose
/// built-in profiles are of the same kind (columns: receipt, invoice and
/// billboard).
pub(crate) fn surfaces_of_kind(kind: ProfileKind) -> Vec<Surface> {
    Surface::ALL
        .into_iter()
        .filter(|s| {
            s.profiles()
                .iter()
                .filter_map(|name| Profile::builtin(name))
                .any(|b| same_kind(b.kind(), kind))
        })
        .collect()
}

impl Catalog {
    /// Every message text that does not fit `profile` without truncation
    /// (or cannot be laid out for it at all), in every language, for the
    /// messages enabled on a surface a profile of its kind serves (see
    /// [`Profile`]'s kinds: a column profile serves receipts, invoices and
    /// billboards). Laid out as footers are: the shortest variant that fits,
    /// with the catalog's layout words kept whole. The built-in profiles
    /// are checked when a catalog is loaded; this is the same rule for a
    /// profile the caller defines.
    ///
    /// ```
    /// use keymsg_core::Catalog;
    /// use keymsg_core::layout::Profile;
    ///
    /// let catalog = Catalog::embedded()?;
    /// let kiosk = Profile::columns("kiosk", 40, Some(6))?;
    /// assert!(catalog.fit_problems(&kiosk).is_empty());
    /// let ticker = Profile::columns("ticker", 40, Some(1))?;
    /// let problems = catalog.fit_problems(&ticker);
    /// assert!(problems[0].to_string().contains("does not fit profile `ticker`"));
    /// # Ok::<(), keymsg_core::Error>(())
    /// ```
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn fit_problems(&self, profile: &Profile) -> Vec<Problem> {
        let surfaces = surfaces_of_kind(profile.kind());
        let mut out = Vec::new();
        for m in self.messages() {
            if !surfaces.iter().any(|s| m.allows(*s)) {
                continue;
            }
            for (lang, text) in &m.text {
                let whole = crate::layout::words::with_words(self.layout_words(), || {
                    crate::layout::fits_whole(text, profile)
                });
                let reason = match whole {
                    Ok(true) => continue,
                    Ok(false) => "even the shortest variant would be truncated \
                              (make the profile wider or allow more lines)"
                        .to_owned(),
                    Err(e) => e.to_string(),
                };
                out.push(Problem {
                    message_id: Some(m.id.clone()),
                    field: format!("text.{lang}"),
                    offset: None,
                    kind: ProblemKind::DoesNotFit {
                        profile: profile.name().to_owned(),
                        reason,
                    },
                });
            }
        }
        out
    }

    /// The same catalog, found to fit `profiles` ([`Catalog::fit_problems`]
    /// empty for each), or the problems of the first that it does not fit.
    /// `memo` skips the layouts when the same profiles passed on the same
    /// messages and words before, and is told of a check that passes. A
    /// profile that is not valid, or too narrow for any footer, is left to
    /// the engine, which refuses it by name.
    pub(crate) fn with_profiles_checked(
        self,
        profiles: &[Profile],
        memo: Option<&dyn CheckMemo>,
    ) -> Result<Catalog, CatalogError> {
        let checkable: Vec<&Profile> = profiles
            .iter()
            .filter(|p| p.validate().is_ok() && p.width().is_none_or(|w| w >= MIN_FOOTER_WIDTH))
            .collect();
        if checkable.is_empty() {
            return Ok(self);
        }
        let key = memo.map(|_| self.profiles_check_key(&checkable));
        let known = memo
            .zip(key.as_ref())
            .is_some_and(|(m, k)| m.passed_before(k));
        if !known {
            for p in &checkable {
                let problems = self.fit_problems(p);
                if !problems.is_empty() {
                    return Err(CatalogError::Invalid {
                        source_name: self.source_for(p),
                        problems,
                    });
                }
            }
            if let (Some(m), Some(k)) = (memo, &key) {
                m.passed(k);
            }
        }
        Ok(self.edited(|inner| inner.fits.extend(checkable.into_iter().cloned())))
    }

    /// How problems of this catalog with `profile` are labelled, such as
    /// "catalog (version 7) for profile `pos` in tis-620" (the same at load
    /// and at engine build).
    pub(crate) fn source_for(&self, profile: &Profile) -> String {
        let encoding = match profile.encoding() {
            crate::layout::Encoding::Utf8 => String::new(),
            e => format!(" in {e}"),
        };
        format!(
            "catalog (version {}) for profile `{}`{encoding}",
            self.version(),
            profile.name()
        )
    }

    /// Whether every message was found to fit `profile` (see
    /// [`Catalog::with_profiles_checked`]).
    pub(crate) fn fits_checked(&self, profile: &Profile) -> bool {
        self.inner.fits.contains(profile)
    }

    /// What a check of `profiles` depends on: each profile (name, budget,
    /// encoding), the layout words and every message.
    fn profiles_check_key(&self, profiles: &[&Profile]) -> super::validate::CheckKey {
        let mut hash = CheckHasher::new();
        for p in profiles {
            hash.piece(p.name().as_bytes());
            hash.piece(format!("{:?}", p.kind()).as_bytes());
            hash.piece(p.encoding().name().as_bytes());
        }
        let mut words: Vec<&str> = self
            .layout_words()
            .map_or_else(Vec::new, |w| w.words().collect());
        words.sort_unstable();
        hash.list(&words);
        self.messages().iter().for_each(|m| hash.message(m));
        hash.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_serves_the_surfaces_of_its_built_in_profiles() {
        let columns = ProfileKind::Columns {
            width: 40,
            max_lines: None,
            align: crate::layout::Align::Left,
        };
        assert_eq!(
            surfaces_of_kind(columns),
            [Surface::Receipt, Surface::Invoice, Surface::Billboard]
        );
        let popup = ProfileKind::Popup {
            title_graphemes: 30,
            body_graphemes: 100,
        };
        assert_eq!(surfaces_of_kind(popup), [Surface::Popup]);
        assert_eq!(
            surfaces_of_kind(ProfileKind::Push { max_bytes: 200 }),
            [Surface::Push]
        );
        assert_eq!(
            surfaces_of_kind(ProfileKind::Sms { segments: 2 }),
            [Surface::Sms]
        );
    }

    const CATALOG: &str = r#"
version = 1
[allow]
phones = ["1441"]
[[messages]]
id = "receipt-only"
topic = "t"
surfaces = ["receipt"]
[messages.text.th]
long = "อย่าโอนเงินให้คนที่ไม่รู้จัก หากสงสัยโทรสายด่วน 1441 ได้ตลอด 24 ชั่วโมง"
[[messages]]
id = "app-only"
topic = "t"
surfaces = ["popup"]
[messages.text.th]
long = "อย่ากดลิงก์ที่ส่งมากับข้อความ หากสงสัยโทรสายด่วน 1441"
title = "ระวังมิจฉาชีพ"
[messages.text.en]
long = "Do not tap links sent by text message. In doubt, call 1441."
"#;

    fn catalog() -> Catalog {
        Catalog::from_str_as(CATALOG, crate::catalog::Format::Toml, "t.toml").unwrap()
    }

    #[test]
    fn only_messages_of_the_surfaces_a_profile_serves_are_checked() {
        // Too small a pop-up body for every pop-up text: each language of
        // the pop-up message is named, the receipt message is not.
        let tiny = Profile::new(
            "tiny-popup",
            ProfileKind::Popup {
                title_graphemes: 10,
                body_graphemes: 12,
            },
        )
        .unwrap();
        let got: Vec<String> = catalog()
            .fit_problems(&tiny)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        for (p, lang) in got.iter().zip(["en", "th"]) {
            assert!(p.contains("app-only"), "{p}");
            assert!(p.contains(&format!("text.{lang}")), "{p}");
            assert!(p.contains("does not fit profile `tiny-popup`"), "{p}");
        }
        // One line of 20 columns: the receipt message only.
        let ticker = Profile::columns("ticker", 20, Some(1)).unwrap();
        let got = catalog().fit_problems(&ticker);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].message_id.as_deref(), Some("receipt-only"));
        assert!(got[0].to_string().contains("truncated"), "{}", got[0]);
        // Wide enough: nothing.
        let wide = Profile::columns("wide", 40, Some(3)).unwrap();
        assert!(catalog().fit_problems(&wide).is_empty());
    }
}

#[cfg(test)]
mod fits_whole_tests {
    use crate::Catalog;
    use crate::layout::{Profile, fit, fits_whole};

    /// `fits_whole` answers what `fit` would, without the balanced layout:
    /// every default text on column profiles from 16 to 90 columns and 1
    /// to 7 lines (and no line budget), where some fit and some do not.
    #[test]
    fn fits_whole_agrees_with_fit() {
        let catalog = Catalog::embedded().unwrap();
        let (mut whole, mut cut) = (0, 0);
        for width in [16, 20, 24, 32, 40, 48, 90] {
            for lines in (1..=7).map(Some).chain([None]) {
                let p = Profile::columns("p", width, lines).unwrap();
                for m in catalog.messages() {
                    for t in m.text.values() {
                        let expected = !fit(t, &p).unwrap().truncated;
                        assert_eq!(fits_whole(t, &p).unwrap(), expected, "{} {p:?}", m.id);
                        if expected {
                            whole += 1;
                        } else {
                            cut += 1;
                        }
                    }
                }
            }
        }
        assert!(whole > 100 && cut > 100, "{whole} whole, {cut} cut");
    }
}
