//! `explain`: why each candidate was or was not eligible, and which rule chose.

use std::fmt;

use time::OffsetDateTime;

use super::eligibility::Verdict;
use super::selector::{Detail, Outcome};
use super::{Policy, Request, SelectError, Selection, Selector, hash};
use crate::Surface;
use crate::vocab::plural;

/// One catalog message as seen by a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Message id.
    pub message_id: String,
    /// Index in the catalog.
    pub index: usize,
    /// Its priority tier.
    pub priority: i32,
    /// Its weight.
    pub weight: u32,
    /// Accepted ([`Verdict::Eligible`]) or why not.
    pub verdict: Verdict,
    /// For `sticky`: its rendezvous draw `-log2(u)` in Q26 (smaller `draw / weight` wins).
    pub sticky_draw: Option<u32>,
}

/// The answer to [`Selector::explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// Requested surface.
    pub surface: Surface,
    /// Requested language.
    pub lang: String,
    /// The instant evaluated (Asia/Bangkok for windows and periods).
    pub at: OffsetDateTime,
    /// The policy configured for the surface.
    pub configured: Policy,
    /// The winning priority tier, if any message was eligible.
    pub tier: Option<i32>,
    /// Every catalog message, in catalog order.
    pub candidates: Vec<Candidate>,
    /// The selection, or `None` when nothing was eligible.
    pub chosen: Option<Selection>,
    /// How the policy decided, in words (with the numbers to check it by hand).
    pub rule: String,
}

impl Selector {
    /// Select for `req` and explain: every candidate with the reason it was
    /// accepted or rejected, the winning tier, and the rule that chose.
    ///
    /// It shows the choice the next [`Selector::select`] would make, and
    /// moves nothing: a round-robin counter (no `sequence`) or a seeded
    /// random generator stays where it is, so explaining never shifts the
    /// rotation footers follow. (Unseeded random draws cannot be foretold.)
    pub fn explain(&self, req: &Request) -> Explanation {
        let at = req.instant();
        let f = self.filter(req, at);
        let msgs = self.catalog().messages();
        let tier = self.tier(&f).map(|(t, ..)| t);
        let outcome = self.choose_as(req, at, true);
        let sticky_hash = match &outcome {
            Ok(Outcome {
                detail: Detail::Sticky { key_hash },
                ..
            }) => Some(*key_hash),
            _ => None,
        };
        let candidates = self
            .entries
            .iter()
            .zip(msgs)
            .enumerate()
            .map(|(index, (e, m))| {
                let mut verdict = f.check(e, Some(m));
                if let (Verdict::Eligible, Some(t)) = (verdict, tier)
                    && e.priority < t
                {
                    verdict = Verdict::LowerTier { winning: t };
                }
                Candidate {
                    message_id: m.id.clone(),
                    index,
                    priority: e.priority,
                    weight: e.weight,
                    verdict,
                    sticky_draw: sticky_hash
                        .filter(|_| verdict == Verdict::Eligible)
                        .map(|h| hash::sticky_draw(h, e.hash)),
                }
            })
            .collect();
        let (chosen, rule) = match outcome {
            Ok(o) => {
                let pick = super::Pick {
                    index: o.index,
                    policy: o.policy,
                };
                (
                    self.selection(pick).ok(),
                    rule_text(self.policy(req.surface), &o),
                )
            }
            Err(e) => (None, e.to_string()),
        };
        Explanation {
            surface: req.surface,
            lang: req.lang.clone(),
            at,
            configured: self.policy(req.surface),
            tier,
            candidates,
            chosen,
            rule,
        }
    }
}

fn rule_text(configured: Policy, o: &Outcome) -> String {
    let n = o.n;
    let tier = o.tier;
    let fallback = match (configured, o.policy) {
        (Policy::Sticky, Policy::RoundRobin) => " (sticky fell back: no usable document key)",
        (Policy::Cycle { .. }, Policy::TimeSliced { .. }) => {
            " (cycle fell back: no usable subject key)"
        }
        _ => "",
    };
    let body = match o.detail {
        Detail::Sticky { key_hash } => format!(
            "sticky: document key hash {key_hash:016x}; weighted rendezvous over {} \
             of tier {tier}: smallest draw/weight wins",
            plural(n, "message", "messages")
        ),
        Detail::Cycle {
            key_hash,
            start,
            period_index,
            position,
        } => format!(
            "{}: subject hash {key_hash:016x} starts at {start}; period {period_index}; \
             position ({start} + {period_index}) mod {n} = {position} in tier {tier}",
            o.policy
        ),
        Detail::RoundRobin {
            sequence,
            from_counter,
        } => format!(
            "round-robin: {} {sequence} mod {n} = {} in tier {tier}",
            if from_counter {
                "in-process counter"
            } else {
                "sequence"
            },
            sequence % n as u64,
        ),
        Detail::TimeSliced {
            period_index,
            position,
        } => format!(
            "{}: period {period_index} mod {n} = {position} in tier {tier}",
            o.policy
        ),
        Detail::Random { draw } => format!(
            "random: draw {draw} of total weight {} in tier {tier}",
            o.total_weight
        ),
    };
    body + fallback
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "surface {} lang {} at {} (policy {})",
            self.surface, self.lang, self.at, self.configured
        )?;
        for c in &self.candidates {
            let mark = match &self.chosen {
                Some(s) if s.index == c.index => "*",
                _ => " ",
            };
            write!(
                f,
                "{mark} {:<24} p={:<3} w={:<4} {}",
                c.message_id,
                c.priority,
                c.weight,
                c.verdict.reason()
            )?;
            if let Verdict::LowerTier { winning } = c.verdict {
                write!(f, " (tier {winning} wins)")?;
            }
            if let Some(d) = c.sticky_draw {
                write!(f, " draw={d}")?;
            }
            writeln!(f)?;
        }
        match &self.chosen {
            Some(s) => writeln!(f, "chosen {} by {} — {}", s.message_id, s.policy, self.rule),
            None => writeln!(f, "nothing chosen — {}", self.rule),
        }
    }
}

impl Explanation {
    /// The explanation as one JSON object, the same in every front end
    /// (`keymsg explain --json`, `keymsg_engine_explain`, Python
    /// `Engine.explain`): `surface`, `lang`, `at` (RFC 3339), `policy` (the
    /// configured one), `tier` (or null), `candidates` (every message in
    /// catalog order: `message_id`, `priority`, `weight`, `eligible`,
    /// `reason`, `winning_tier` for a lower tier, `sticky_draw` for sticky),
    /// `chosen` (`message_id`, `policy` that decided, `token`; or null) and
    /// `rule` (how the policy decided, in words).
    pub fn to_json(&self) -> String {
        use serde_json::{Value, json};
        let at = crate::bangkok::local(self.at)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let candidates: Vec<Value> = self
            .candidates
            .iter()
            .map(|c| {
                json!({
                    "message_id": c.message_id,
                    "priority": c.priority,
                    "weight": c.weight,
                    "eligible": c.verdict == Verdict::Eligible,
                    "reason": c.verdict.reason(),
                    "winning_tier": match c.verdict {
                        Verdict::LowerTier { winning } => Some(winning),
                        _ => None,
                    },
                    "sticky_draw": c.sticky_draw,
                })
            })
            .collect();
        let chosen = self.chosen.as_ref().map(|s| {
            json!({
                "message_id": s.message_id,
                "policy": s.policy.to_string(),
                "token": s.token.as_str(),
            })
        });
        json!({
            "surface": self.surface.as_str(),
            "lang": self.lang,
            "at": at,
            "policy": self.configured.to_string(),
            "tier": self.tier,
            "candidates": candidates,
            "chosen": chosen,
            "rule": self.rule,
        })
        .to_string()
    }
}

/// Convenience so callers can `?` an explanation that chose nothing.
impl Explanation {
    /// The selection, or [`SelectError::NothingEligible`].
    pub fn selection(&self) -> Result<&Selection, SelectError> {
        self.chosen
            .as_ref()
            .ok_or_else(|| SelectError::NothingEligible {
                surface: self.surface,
                lang: self.lang.clone(),
                at: self.at,
            })
    }
}
