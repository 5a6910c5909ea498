//! Shared vocabulary: where a message is shown ([`Surface`]) and which column of
//! the Ministry's monthly form a count belongs to ([`Channel`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub(crate) mod clean;
mod policy;
mod text;
pub(crate) mod thai;

pub use clean::{escape_controls, is_unsafe_char};
pub use policy::{POLICY_KEYS, POLICY_NAMES, Period, Policy, UnknownPolicy};
pub use text::{Text, TextKind};

/// Where a key message is shown. Serialized in lower case (`"receipt"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Surface {
    /// Footer of a printed receipt (thermal printer).
    Receipt,
    /// Footer of an invoice or bill (A4 or thermal).
    Invoice,
    /// In-app pop-up notification (title + body).
    Popup,
    /// Push notification payload.
    Push,
    /// A single SMS segment.
    Sms,
    /// Digital billboard (rows x columns).
    Billboard,
}

impl Surface {
    /// Every surface, in a fixed order.
    pub const ALL: [Surface; 6] = [
        Surface::Receipt,
        Surface::Invoice,
        Surface::Popup,
        Surface::Push,
        Surface::Sms,
        Surface::Billboard,
    ];

    /// The lower-case name used in files, the CLI and the bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            Surface::Receipt => "receipt",
            Surface::Invoice => "invoice",
            Surface::Popup => "popup",
            Surface::Push => "push",
            Surface::Sms => "sms",
            Surface::Billboard => "billboard",
        }
    }

    /// The built-in layout profiles a message enabled for this surface must
    /// fit, the default first: every message is checked against each of them
    /// when a catalog is loaded, so none of them ever has to truncate.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn profiles(self) -> &'static [&'static str] {
        match self {
            Surface::Receipt => &["receipt-58mm", "receipt-80mm-42", "receipt-80mm"],
            Surface::Invoice => &["invoice-a4"],
            Surface::Popup => &["popup"],
            Surface::Push => &["push"],
            Surface::Sms => &["sms"],
            Surface::Billboard => &["billboard"],
        }
    }

    /// The profile a request for this surface is laid out for when it names
    /// none: the narrowest receipt (58 mm, 32 columns), the A4 invoice, or the
    /// surface's own profile.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn default_profile(self) -> &'static str {
        match self {
            Surface::Receipt => "receipt-58mm",
            Surface::Invoice => "invoice-a4",
            Surface::Popup => "popup",
            Surface::Push => "push",
            Surface::Sms => "sms",
            Surface::Billboard => "billboard",
        }
    }

    /// Whether this surface is a printed document (receipt or invoice).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn is_document(self) -> bool {
        matches!(self, Surface::Receipt | Surface::Invoice)
    }
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown [`Surface`] or [`Channel`] name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{name}` (expected one of: {expected})")]
pub struct UnknownName {
    /// "surface" or "channel".
    pub what: &'static str,
    /// The name that was given.
    pub name: String,
    /// The accepted names, comma separated.
    pub expected: &'static str,
}

impl FromStr for Surface {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Surface::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "surface",
                name: s.to_owned(),
                expected: "receipt, invoice, popup, push, sms, billboard",
            })
    }
}

/// A column of the Ministry's monthly form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// Web site, Facebook, Instagram, official LINE.
    Online,
    /// Broadcast towers, radio, cable TV.
    OnAir,
    /// Meetings of officials and local leaders.
    OnGround,
    /// LED signs.
    Billboard,
    /// Face-to-face, village heads, volunteers.
    Community,
    /// Documents and Application: receipts, bills, app pop-ups (what keymsg counts).
    Documents,
}

impl Channel {
    /// Every channel, in the order of the form's columns.
    pub const ALL: [Channel; 6] = [
        Channel::Online,
        Channel::OnAir,
        Channel::OnGround,
        Channel::Billboard,
        Channel::Community,
        Channel::Documents,
    ];

    /// The CLI name (`on-air`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::OnAir => "on-air",
            Channel::OnGround => "on-ground",
            Channel::Billboard => "billboard",
            Channel::Community => "community",
            Channel::Documents => "documents",
        }
    }

    /// The JSON report key (`on_air`, ...).
    pub(crate) fn json_key(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::OnAir => "on_air",
            Channel::OnGround => "on_ground",
            Channel::Billboard => "billboard",
            Channel::Community => "community",
            Channel::Documents => "documents",
        }
    }

    /// The column heading as printed on the Ministry's form.
    pub(crate) fn form_heading(self) -> &'static str {
        match self {
            Channel::Online => "Online",
            Channel::OnAir => "On Air",
            Channel::OnGround => "On Ground",
            Channel::Billboard => "Digital Billboard",
            Channel::Community => "Community",
            Channel::Documents => "Documents and Application",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Channel::ALL
            .into_iter()
            .find(|x| x.as_str() == s || x.json_key() == s)
            .ok_or_else(|| UnknownName {
                what: "channel",
                name: s.to_owned(),
                expected: "online, on-air, on-ground, billboard, community, documents",
            })
    }
}

/// `n` and a noun, singular for exactly one: "1 count", "0 counts",
/// "3 problems". Every stage's messages count with it (the CLI has its own
/// for its output).
pub(crate) fn plural<N: fmt::Display + PartialEq + From<u8>>(
    n: N,
    one: &str,
    many: &str,
) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Surface::ALL {
            assert_eq!(s.as_str().parse::<Surface>(), Ok(s));
        }
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(c));
            assert_eq!(c.json_key().parse::<Channel>(), Ok(c));
        }
        assert!("fax".parse::<Surface>().is_err());
    }
}
