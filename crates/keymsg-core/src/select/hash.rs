//! The fixed, documented hashes behind `sticky` and `cycle` (spec: `docs/SELECTION.md`).
//!
//! Everything here is integer arithmetic on `u64` so that the C and Python
//! implementations reproduce it bit for bit:
//!
//! - [`fnv1a64`]: 64-bit FNV-1a over bytes;
//! - [`fmix64`]: the MurmurHash3 64-bit finaliser (a bijection that spreads bits);
//! - [`canonical_key`]: trim, NFC, Thai digits to ASCII, ASCII lower case;
//! - [`sticky_key_hash`] / [`cycle_key_hash`]: domain-separated key hashes;
//! - [`neg_log2_q26`]: `-log2(u)` in Q26 fixed point from a 64-bit hash, via a
//!   257-entry table ([`LOG2_TABLE_Q26`]) and linear interpolation;
//! - [`sticky_draw`] and [`sticky_cmp`]: the exact weighted-rendezvous draw and comparison.

use unicode_normalization::UnicodeNormalization;

use crate::text::nfc::is_nfc;

use crate::fnv::Fnv1a64;
pub use crate::fnv::fnv1a64;

/// Domain prefix for sticky (document key) hashes, including the NUL.
pub(crate) const STICKY_DOMAIN: &[u8] = b"keymsg-sticky-v1\0";
/// Domain prefix for cycle (subject key) hashes, including the NUL.
pub(crate) const CYCLE_DOMAIN: &[u8] = b"keymsg-cycle-v1\0";

/// Fractional bits of [`neg_log2_q26`] and [`LOG2_TABLE_Q26`].
pub(crate) const Q: u32 = 26;

/// FNV-1a state after [`STICKY_DOMAIN`].
const STICKY_STATE: Fnv1a64 = Fnv1a64::after(STICKY_DOMAIN);
/// FNV-1a state after [`CYCLE_DOMAIN`].
const CYCLE_STATE: Fnv1a64 = Fnv1a64::after(CYCLE_DOMAIN);

/// MurmurHash3's 64-bit finaliser `fmix64`.
#[inline]
pub fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

/// Whether `c` is trimmed from the ends of a key: the Unicode `White_Space`
/// property (25 code points; the same set as Rust's `char::is_whitespace`).
pub(crate) fn is_key_space(c: char) -> bool {
    matches!(c,
        '\u{9}'..='\u{D}' | ' ' | '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}'
        | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

/// Map one (already NFC) character of a key: Thai digits ๐–๙ to ASCII, A–Z to a–z.
#[inline]
fn canon_char(c: char) -> char {
    match c {
        '\u{0E50}'..='\u{0E59}' => char::from(b'0' + (u32::from(c) - 0x0E50) as u8),
        _ => c.to_ascii_lowercase(),
    }
}

/// Feed the canonical form of `key` to `sink`, byte chunk by byte chunk, without
/// allocating. Returns the number of bytes fed (0 = empty key).
///
/// Steps: (1) trim [`is_key_space`] characters from both ends; (2) NFC;
/// (3) Thai digits U+0E50–U+0E59 to ASCII `0`–`9`; (4) ASCII `A`–`Z` to `a`–`z`
/// (nothing else changes case); (5) UTF-8.
pub(crate) fn feed_canonical_key(key: &str, mut sink: impl FnMut(&[u8])) -> usize {
    let key = key.trim_matches(is_key_space);
    let mut n = 0;
    if key.is_ascii() {
        // NFC is the identity on ASCII.
        for b in key.bytes() {
            sink(&[b.to_ascii_lowercase()]);
        }
        return key.len();
    }
    let mut buf = [0u8; 4];
    let mut feed = |c: char| {
        let s = canon_char(c).encode_utf8(&mut buf);
        n += s.len();
        sink(s.as_bytes());
    };
    // A string proven normalised is its own NFC (most keys: the composing
    // iterator costs far more than the checks).
    if is_nfc(key) {
        key.chars().for_each(&mut feed);
    } else {
        key.nfc().for_each(&mut feed);
    }
    n
}

/// The canonical form of a key as a string (for docs, tests and explain; the
/// hot path feeds the canonical form straight into the hash).
pub fn canonical_key(key: &str) -> String {
    let mut out = Vec::with_capacity(key.len());
    feed_canonical_key(key, |b| out.extend_from_slice(b));
    // Only whole UTF-8 sequences are fed.
    String::from_utf8(out).unwrap_or_default()
}

/// `fmix64(fnv1a64(domain ++ canonical_key(key)))`, or `None` if the canonical
/// key is empty.
pub fn key_hash(domain: &[u8], key: &str) -> Option<u64> {
    let mut h = Fnv1a64::default();
    h.write(domain);
    key_hash_from(h, key)
}

/// [`key_hash`] continuing from the FNV state after the domain.
#[inline]
fn key_hash_from(mut h: Fnv1a64, key: &str) -> Option<u64> {
    let n = feed_canonical_key(key, |b| h.write(b));
    (n > 0).then(|| fmix64(h.finish()))
}

/// The sticky hash of a document key (FNV-1a over the domain `keymsg-sticky-v1\0` and the canonical key, then `fmix64`).
pub fn sticky_key_hash(document_key: &str) -> Option<u64> {
    key_hash_from(STICKY_STATE, document_key)
}

/// The cycle hash of a subject key (FNV-1a over the domain `keymsg-cycle-v1\0` and the canonical key, then `fmix64`).
pub fn cycle_key_hash(subject_key: &str) -> Option<u64> {
    key_hash_from(CYCLE_STATE, subject_key)
}

/// The per-message hash `fmix64(fnv1a64(id))` of a message id's bytes.
pub fn message_hash(id: &str) -> u64 {
    fmix64(fnv1a64(id.as_bytes()))
}

/// Compute `log2(1 + i/256)` in Q26 by the exact integer bit-by-bit method
/// (repeated squaring in Q62, truncating). Defines [`LOG2_TABLE_Q26`].
pub const fn log2_table_entry(i: u32) -> u32 {
    // z in Q62 represents a value in [1, 2).
    let mut z: u128 = ((256 + i as u128) << 62) >> 8;
    let mut r: u32 = 0;
    let mut bit = 0;
    while bit < Q {
        z = (z * z) >> 62;
        r <<= 1;
        if z >= (2u128 << 62) {
            z >>= 1;
            r |= 1;
        }
        bit += 1;
    }
    if i == 256 { 1 << Q } else { r }
}

// Evaluated at compile time: an out-of-bounds index would fail the build.
#[allow(clippy::indexing_slicing)]
const fn build_table() -> [u32; 257] {
    let mut t = [0u32; 257];
    let mut i = 0;
    while i < 257 {
        t[i] = log2_table_entry(i as u32);
        i += 1;
    }
    t
}

/// `LOG2_TABLE_Q26[i]` ≈ `log2(1 + i/256) · 2^26`, from [`log2_table_entry`];
/// `LOG2_TABLE_Q26[256] = 2^26`.
pub static LOG2_TABLE_Q26: [u32; 257] = build_table();

/// `-log2(u)` in Q26 where `u = ((x >> 11) + 1) / 2^53` is in `(0, 1]`.
/// The result is in `[0, 53·2^26]`, so it fits in 32 bits.
#[inline]
pub fn neg_log2_q26(x: u64) -> u32 {
    let v = (x >> 11) + 1; // 1 ..= 2^53
    let e = 63 - v.leading_zeros(); // floor(log2 v), 0..=53
    let m = v << (63 - e); // in [2^63, 2^64)
    let idx = ((m >> 55) & 0xFF) as usize;
    let frac = (m >> 29) & ((1 << Q) - 1);
    let (lo, hi) = match (LOG2_TABLE_Q26.get(idx), LOG2_TABLE_Q26.get(idx + 1)) {
        (Some(&lo), Some(&hi)) => (u64::from(lo), u64::from(hi)),
        _ => (0, 0), // unreachable: idx <= 255
    };
    let log2v = (u64::from(e) << Q) + lo + (((hi - lo) * frac) >> Q);
    // log2v <= 53·2^26 because v <= 2^53.
    ((53u64 << Q) - log2v) as u32
}

/// The rendezvous draw of a message for a document key hash: `neg_log2_q26(fmix64(key ^ msg))`.
#[inline]
pub fn sticky_draw(key_hash: u64, message_hash: u64) -> u32 {
    neg_log2_q26(fmix64(key_hash ^ message_hash))
}

/// Whether candidate `(draw, weight)` beats the current best: the smaller
/// `draw / weight` wins, compared exactly as `draw · best_weight < best_draw · weight`
/// (both products fit in `u64`). Equal ratios are decided by the caller (smaller id).
#[inline]
pub fn sticky_cmp(draw: u32, weight: u32, best_draw: u32, best_weight: u32) -> std::cmp::Ordering {
    let a = u64::from(draw) * u64::from(best_weight);
    let b = u64::from(best_draw) * u64::from(weight);
    a.cmp(&b)
}

/// Map a 64-bit hash to `[0, n)` without modulo bias (Lemire): `(h · n) >> 64`.
#[inline]
pub fn reduce(h: u64, n: u64) -> u64 {
    ((u128::from(h) * u128::from(n)) >> 64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_reference_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn precomputed_domain_states() {
        for key in ["INV-2026-000001", " ใบเสร็จ ๒๕๖๙/๐๐๑ ", "Cafe\u{301}", "x"]
        {
            assert_eq!(sticky_key_hash(key), key_hash(STICKY_DOMAIN, key));
            assert_eq!(cycle_key_hash(key), key_hash(CYCLE_DOMAIN, key));
        }
        assert_eq!(sticky_key_hash("INV-2026-000001"), Some(0x917475028e7fd00a));
    }

    #[test]
    fn nfc_quick_path_equals_full_nfc() {
        // Already-NFC (quick check Yes), decomposed and reordering-needed keys.
        for key in [
            "ใบเสร็จ ๒๕๖๙/๐๐๑",
            "caf\u{e9}",
            "Cafe\u{301}",
            "A\u{30a}",
            "\u{e01}\u{e39}\u{e48}", // Thai: sara uu (ccc 103) then mai ek (ccc 107)
            "\u{e01}\u{e48}\u{e39}", // the same marks in non-canonical order
            "\u{1100}\u{1161}",      // conjoining jamo compose
            "\u{212b}",              // singleton decomposition (Angstrom sign)
        ] {
            let full: String = key
                .trim_matches(is_key_space)
                .nfc()
                .map(canon_char)
                .collect();
            assert_eq!(canonical_key(key), full, "{key:?}");
        }
    }

    #[test]
    fn fmix_is_murmur3() {
        assert_eq!(fmix64(0), 0);
        // fmix64(1) from the MurmurHash3 reference implementation.
        assert_eq!(fmix64(1), 0xb456bcfc34c2cb2c);
    }

    #[test]
    fn canonicalisation() {
        assert_eq!(canonical_key("  INV-๒๕๖๙/0001 \u{3000}"), "inv-2569/0001");
        // NFC: e + combining acute composes.
        assert_eq!(canonical_key("Cafe\u{301}"), "caf\u{e9}");
        // Only ASCII letters change case.
        assert_eq!(canonical_key("ÄB"), "\u{c4}b");
        assert_eq!(canonical_key(" \t "), "");
        assert_eq!(sticky_key_hash("  "), None);
        assert_eq!(sticky_key_hash("R-๑"), sticky_key_hash("r-1"));
        assert_ne!(sticky_key_hash("r-1"), cycle_key_hash("r-1"));
    }

    #[test]
    fn log_table_matches_float_log() {
        for (i, &t) in LOG2_TABLE_Q26.iter().enumerate() {
            let exact = (1.0 + i as f64 / 256.0).log2() * f64::from(1u32 << Q);
            assert!((f64::from(t) - exact).abs() <= 2.0, "{i}: {t} vs {exact}");
        }
    }

    #[test]
    fn neg_log2_is_accurate() {
        for x in [
            0u64,
            1,
            1 << 40,
            u64::MAX / 3,
            u64::MAX / 2,
            u64::MAX - 5000,
            u64::MAX,
        ] {
            let u = ((x >> 11) + 1) as f64 / (1u64 << 53) as f64;
            let exact = -u.log2() * f64::from(1u32 << Q);
            let got = f64::from(neg_log2_q26(x));
            // Linear interpolation between 257 points: error <= h^2/(8 ln 2) = 2.8e-6, i.e. 185 in Q26.
            assert!((got - exact).abs() <= 190.0, "{x:#x}: {got} vs {exact}");
        }
        assert_eq!(neg_log2_q26(u64::MAX), 0);
        assert_eq!(neg_log2_q26(0), 53 << Q);
    }

    #[test]
    fn reduce_is_in_range() {
        assert_eq!(reduce(0, 7), 0);
        assert_eq!(reduce(u64::MAX, 7), 6);
        assert_eq!(reduce(1 << 63, 10), 5);
    }
}
