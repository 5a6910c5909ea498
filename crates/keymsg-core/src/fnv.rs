//! 64-bit FNV-1a: the byte hash under the selection spec's key and message
//! hashes, and the deterministic sampler of the word-list evaluation. A leaf
//! module, so any stage may use it.

/// FNV-1a 64-bit offset basis.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64-bit prime.
pub(crate) const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Streaming 64-bit FNV-1a.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Self(FNV_OFFSET)
    }
}

impl Fnv1a64 {
    /// Feed bytes.
    #[inline]
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }

    /// The hash so far.
    #[inline]
    pub(crate) fn finish(self) -> u64 {
        self.0
    }
}

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a64::default();
    h.write(bytes);
    h.finish()
}

impl Fnv1a64 {
    /// The state after feeding `prefix`, at compile time (for domain prefixes,
    /// whose FNV state is then a constant instead of 16–17 multiplications
    /// per key).
    // Evaluated at compile time on constants: an out-of-bounds index would fail the build.
    #[allow(clippy::indexing_slicing)]
    pub(crate) const fn after(prefix: &[u8]) -> Fnv1a64 {
        let mut h = FNV_OFFSET;
        let mut i = 0;
        while i < prefix.len() {
            h = (h ^ prefix[i] as u64).wrapping_mul(FNV_PRIME);
            i += 1;
        }
        Fnv1a64(h)
    }
}
