//! A small deterministic random generator: the population must be the same on every run and
//! every machine, and computable for one household without generating the others, so each
//! household draws from its own generator seeded by its number.

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast and good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The generator of household (or other entity) number `seed`.
    pub fn new(seed: u64) -> Self {
        // A fixed salt, so that household 0 does not start from the all-zero state.
        Self(seed ^ 0x6d6f_7463_7561_2024)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        // The remainder is below `n`, so it fits.
        u32::try_from(self.next() % u64::from(n)).unwrap_or(0)
    }

    /// True with the given probability in percent.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }

    /// One of `items`, uniformly. `items` must not be empty.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let len = u32::try_from(items.len()).unwrap_or(u32::MAX);
        items[self.below(len) as usize]
    }

    /// One of `items`, with probability proportional to its weight.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total);
        for &(item, weight) in items {
            if roll < weight {
                return item;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_draws() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        let draws_a: Vec<u32> = (0..20).map(|_| a.below(1000)).collect();
        let draws_b: Vec<u32> = (0..20).map(|_| b.below(1000)).collect();
        assert_eq!(draws_a, draws_b);
        assert_ne!(draws_a, {
            let mut c = Rng::new(43);
            (0..20).map(|_| c.below(1000)).collect::<Vec<_>>()
        });
    }

    #[test]
    fn weighted_draws_follow_the_weights_roughly() {
        let mut rng = Rng::new(7);
        let items = [("a", 90), ("b", 10)];
        let a = (0..10_000).filter(|_| rng.weighted(&items) == "a").count();
        assert!((8_700..9_300).contains(&a), "{a}");
    }
}
