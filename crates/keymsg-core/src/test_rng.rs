//! A seeded pseudo-random source for the unit tests that draw many random
//! texts: the same draws on every run and platform, without a dependency.

/// A function giving a number below its argument (at least 1) at each
/// call, from xorshift64 seeded with `seed` (not 0).
pub(crate) fn below(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}
