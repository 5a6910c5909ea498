//! The C enums other than `keymsg_status`, and their checked conversion from
//! the `uint32_t` that C passes.
//!
//! Functions take `uint32_t`, never the enum type: a C caller can put any
//! integer in an enum variable, and a Rust enum holding an undefined value
//! is undefined behaviour. Each enum therefore has `TryFrom<u32>`, which
//! accepts exactly its listed values, and a `From` into the core type it
//! stands for. The value lists are written as exhaustive `match`es, so a
//! variant added to an enum without a conversion does not compile.

use std::fmt;

use keymsg_core::catalog::Format;
use keymsg_core::layout::Encoding;
use keymsg_core::store::Durability;
use keymsg_core::{Channel, Surface};

use crate::error::FfiError;

/// An integer from C that is not one of a C enum's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidValue {
    /// The integer received.
    pub value: u32,
    /// What was expected, with the valid values, e.g.
    /// `a keymsg_key_kind (DOCUMENT = 1, SUBJECT = 2)`.
    pub expected: &'static str,
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not {}", self.value, self.expected)
    }
}

impl std::error::Error for InvalidValue {}

/// The integer argument `name` as the C enum `E`, or `KEYMSG_INVALID_ARGUMENT`.
pub(crate) fn enum_arg<E>(name: &'static str, value: u32) -> Result<E, FfiError>
where
    E: TryFrom<u32, Error = InvalidValue>,
{
    E::try_from(value).map_err(|e| FfiError::InvalidArgument {
        name,
        reason: e.to_string(),
    })
}

/// `ALL` and `TryFrom<u32>` for a `#[repr(u32)]` C enum whose every variant
/// is listed, with `expected` naming the valid values in error messages.
/// The variants are listed again (not read from the enum) because the enum
/// must stay plain Rust for cbindgen; an exhaustive `match` over the list
/// ties the two together.
macro_rules! c_enum_from_u32 {
    ($ty:ident, $expected:literal, [$($variant:ident),+ $(,)?]) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
        }

        // A variant missing from the list above is a compile error here.
        const _: fn($ty) = |v| match v {
            $($ty::$variant => {})+
        };

        impl TryFrom<u32> for $ty {
            type Error = $crate::enums::InvalidValue;

            fn try_from(value: u32) -> Result<Self, $crate::enums::InvalidValue> {
                match value {
                    $(n if n == $ty::$variant as u32 => Ok($ty::$variant),)+
                    _ => Err($crate::enums::InvalidValue {
                        value,
                        expected: $expected,
                    }),
                }
            }
        }
    };
}

pub(crate) use c_enum_from_u32;

/// Catalog file formats, for `keymsg_catalog_from_bytes` and
/// `keymsg_catalog_to_string`.
///
/// Passed as a `uint32_t`; other values are rejected with
/// `KEYMSG_INVALID_ARGUMENT`. 0 is deliberately not a format, so a
/// zero-initialised variable is an error rather than a silent default.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_catalog_format {
    /// TOML, the human-edited format.
    KEYMSG_CATALOG_FORMAT_TOML = 1,
    /// JSON, the machine-made format.
    KEYMSG_CATALOG_FORMAT_JSON = 2,
}

c_enum_from_u32!(
    keymsg_catalog_format,
    "a catalog format (KEYMSG_CATALOG_FORMAT_TOML = 1, KEYMSG_CATALOG_FORMAT_JSON = 2)",
    [KEYMSG_CATALOG_FORMAT_TOML, KEYMSG_CATALOG_FORMAT_JSON]
);

impl From<keymsg_catalog_format> for Format {
    fn from(f: keymsg_catalog_format) -> Format {
        match f {
            keymsg_catalog_format::KEYMSG_CATALOG_FORMAT_TOML => Format::Toml,
            keymsg_catalog_format::KEYMSG_CATALOG_FORMAT_JSON => Format::Json,
        }
    }
}

/// How hard the insertion store works to keep an acknowledged count
/// (`keymsg_engine_options_set_durability`). Passed as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_durability {
    /// Survives a crash or `kill -9` of the process (the default).
    KEYMSG_DURABILITY_PROCESS = 1,
    /// Also survives a power failure (an fsync per commit group; slower).
    KEYMSG_DURABILITY_POWER = 2,
}

c_enum_from_u32!(
    keymsg_durability,
    "a keymsg_durability (PROCESS = 1, POWER = 2)",
    [KEYMSG_DURABILITY_PROCESS, KEYMSG_DURABILITY_POWER]
);

impl From<keymsg_durability> for Durability {
    fn from(d: keymsg_durability) -> Durability {
        match d {
            keymsg_durability::KEYMSG_DURABILITY_PROCESS => Durability::Process,
            keymsg_durability::KEYMSG_DURABILITY_POWER => Durability::Power,
        }
    }
}

/// A column of the Ministry's monthly form (`keymsg_engine_record`).
/// Passed as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_channel {
    /// Online: web site, Facebook, Instagram, official LINE.
    KEYMSG_CHANNEL_ONLINE = 1,
    /// On Air: broadcast towers, radio, cable TV.
    KEYMSG_CHANNEL_ON_AIR = 2,
    /// On Ground: meetings of officials and local leaders.
    KEYMSG_CHANNEL_ON_GROUND = 3,
    /// Digital Billboard: LED signs.
    KEYMSG_CHANNEL_BILLBOARD = 4,
    /// Community: face-to-face, village heads, volunteers.
    KEYMSG_CHANNEL_COMMUNITY = 5,
    /// Documents and Application: receipts, bills, app pop-ups.
    KEYMSG_CHANNEL_DOCUMENTS = 6,
}

c_enum_from_u32!(
    keymsg_channel,
    "a keymsg_channel (1 = ONLINE ... 6 = DOCUMENTS)",
    [
        KEYMSG_CHANNEL_ONLINE,
        KEYMSG_CHANNEL_ON_AIR,
        KEYMSG_CHANNEL_ON_GROUND,
        KEYMSG_CHANNEL_BILLBOARD,
        KEYMSG_CHANNEL_COMMUNITY,
        KEYMSG_CHANNEL_DOCUMENTS,
    ]
);

impl From<keymsg_channel> for Channel {
    fn from(c: keymsg_channel) -> Channel {
        use keymsg_channel::*;
        match c {
            KEYMSG_CHANNEL_ONLINE => Channel::Online,
            KEYMSG_CHANNEL_ON_AIR => Channel::OnAir,
            KEYMSG_CHANNEL_ON_GROUND => Channel::OnGround,
            KEYMSG_CHANNEL_BILLBOARD => Channel::Billboard,
            KEYMSG_CHANNEL_COMMUNITY => Channel::Community,
            KEYMSG_CHANNEL_DOCUMENTS => Channel::Documents,
        }
    }
}

/// Where a message is shown (`keymsg_footer_request.surface`). Passed as a
/// `uint32_t`; 0 in a request means the default (receipt).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_surface {
    /// Footer of a printed receipt.
    KEYMSG_SURFACE_RECEIPT = 1,
    /// Footer of an invoice or bill.
    KEYMSG_SURFACE_INVOICE = 2,
    /// In-app pop-up notification.
    KEYMSG_SURFACE_POPUP = 3,
    /// Push notification payload.
    KEYMSG_SURFACE_PUSH = 4,
    /// A single SMS segment.
    KEYMSG_SURFACE_SMS = 5,
    /// Digital billboard.
    KEYMSG_SURFACE_BILLBOARD = 6,
}

// Surfaces only arrive in request fields, where 0 means the default: the
// message says so.
c_enum_from_u32!(
    keymsg_surface,
    "a keymsg_surface (0 = default, 1 = RECEIPT ... 6 = BILLBOARD)",
    [
        KEYMSG_SURFACE_RECEIPT,
        KEYMSG_SURFACE_INVOICE,
        KEYMSG_SURFACE_POPUP,
        KEYMSG_SURFACE_PUSH,
        KEYMSG_SURFACE_SMS,
        KEYMSG_SURFACE_BILLBOARD,
    ]
);

impl From<keymsg_surface> for Surface {
    fn from(s: keymsg_surface) -> Surface {
        use keymsg_surface::*;
        match s {
            KEYMSG_SURFACE_RECEIPT => Surface::Receipt,
            KEYMSG_SURFACE_INVOICE => Surface::Invoice,
            KEYMSG_SURFACE_POPUP => Surface::Popup,
            KEYMSG_SURFACE_PUSH => Surface::Push,
            KEYMSG_SURFACE_SMS => Surface::Sms,
            KEYMSG_SURFACE_BILLBOARD => Surface::Billboard,
        }
    }
}

/// Report formats (`keymsg_engine_report`). Passed as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_report_format {
    /// JSON: lossless and mergeable (UTF-8 text).
    KEYMSG_REPORT_FORMAT_JSON = 1,
    /// CSV: UTF-8 with a byte-order mark so Excel shows Thai (text).
    KEYMSG_REPORT_FORMAT_CSV = 2,
    /// Markdown, for a quick look (UTF-8 text).
    KEYMSG_REPORT_FORMAT_MARKDOWN = 3,
    /// XLSX workbook, what offices use (binary).
    KEYMSG_REPORT_FORMAT_XLSX = 4,
}

c_enum_from_u32!(
    keymsg_report_format,
    "a keymsg_report_format (JSON = 1, CSV = 2, MARKDOWN = 3, XLSX = 4)",
    [
        KEYMSG_REPORT_FORMAT_JSON,
        KEYMSG_REPORT_FORMAT_CSV,
        KEYMSG_REPORT_FORMAT_MARKDOWN,
        KEYMSG_REPORT_FORMAT_XLSX,
    ]
);

/// Text encodings for `keymsg_encode` (printers that take raw bytes).
/// Passed as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_encoding {
    /// UTF-8 (everything encodable).
    KEYMSG_ENCODING_UTF8 = 1,
    /// TIS-620: ASCII plus Thai.
    KEYMSG_ENCODING_TIS620 = 2,
    /// Windows code page 874: TIS-620 plus a few punctuation marks.
    KEYMSG_ENCODING_CP874 = 3,
}

c_enum_from_u32!(
    keymsg_encoding,
    "a keymsg_encoding (UTF8 = 1, TIS620 = 2, CP874 = 3)",
    [
        KEYMSG_ENCODING_UTF8,
        KEYMSG_ENCODING_TIS620,
        KEYMSG_ENCODING_CP874
    ]
);

impl From<keymsg_encoding> for Encoding {
    fn from(e: keymsg_encoding) -> Self {
        match e {
            keymsg_encoding::KEYMSG_ENCODING_UTF8 => Encoding::Utf8,
            keymsg_encoding::KEYMSG_ENCODING_TIS620 => Encoding::Tis620,
            keymsg_encoding::KEYMSG_ENCODING_CP874 => Encoding::Cp874,
        }
    }
}

/// Which key hash `keymsg_key_hash` computes (see docs/SELECTION.md).
/// Passed as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_key_kind {
    /// The `sticky` hash of a document key.
    KEYMSG_KEY_DOCUMENT = 1,
    /// The `cycle` hash of a subject key.
    KEYMSG_KEY_SUBJECT = 2,
}

c_enum_from_u32!(
    keymsg_key_kind,
    "a keymsg_key_kind (DOCUMENT = 1, SUBJECT = 2)",
    [KEYMSG_KEY_DOCUMENT, KEYMSG_KEY_SUBJECT]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_accepts_exactly_its_values() {
        // Each value converts to itself; 0 (a zeroed field), the integer
        // after the last value and u32::MAX are rejected with their value.
        macro_rules! check {
            ($($ty:ident),+) => {$(
                for &v in $ty::ALL {
                    assert_eq!($ty::try_from(v as u32), Ok(v));
                }
                let max = $ty::ALL.iter().map(|&v| v as u32).max().unwrap();
                for bad in [0, max + 1, u32::MAX] {
                    let e = $ty::try_from(bad).unwrap_err();
                    assert_eq!(e.value, bad);
                    assert!(e.to_string().starts_with(&format!("{bad} is not a")), "{e}");
                }
            )+};
        }
        check!(
            keymsg_catalog_format,
            keymsg_durability,
            keymsg_channel,
            keymsg_surface,
            keymsg_report_format,
            keymsg_encoding,
            keymsg_key_kind
        );
    }

    #[test]
    fn c_numbers_follow_the_core_order() {
        // C value n is the core's n-th variant, as the header has always
        // documented (1 = ONLINE ... 6 = DOCUMENTS, 1 = RECEIPT ...).
        assert_eq!(Channel::ALL.len(), keymsg_channel::ALL.len());
        for (i, &c) in keymsg_channel::ALL.iter().enumerate() {
            assert_eq!(c as usize, i + 1);
            assert_eq!(Channel::from(c), Channel::ALL[i]);
        }
        assert_eq!(Surface::ALL.len(), keymsg_surface::ALL.len());
        for (i, &s) in keymsg_surface::ALL.iter().enumerate() {
            assert_eq!(s as usize, i + 1);
            assert_eq!(Surface::from(s), Surface::ALL[i]);
        }
    }

    #[test]
    fn invalid_values_name_the_argument() {
        let e = enum_arg::<keymsg_channel>("channel", 7).unwrap_err();
        assert_eq!(
            e.message(),
            "invalid argument `channel`: 7 is not a keymsg_channel (1 = ONLINE ... 6 = DOCUMENTS)"
        );
    }
}
