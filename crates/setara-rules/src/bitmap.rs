//! A dense bitmap over household (or person) rows.

/// A fixed-length set of rows as bits in 64-bit words; bit `i % 64` of word `i / 64` is row `i`.
/// Bits past `len` are always zero.
///
/// Our own small type rather than a crate: the evaluator needs exactly word-wise `and`/`or`/`not`
/// over dense bitmaps of a known length, and building words directly from column loops; a
/// compressed bitmap (roaring) would add conversion cost for the dense sets rules produce.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
}

impl std::fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bitmap({} of {}: ", self.count_ones(), self.len)?;
        f.debug_list().entries(self.iter_ones().take(20)).finish()?;
        f.write_str(")")
    }
}

impl Bitmap {
    /// `len` rows, none set.
    pub fn new(len: usize) -> Bitmap {
        Bitmap {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// `len` rows, all set.
    pub fn full(len: usize) -> Bitmap {
        let mut b = Bitmap {
            words: vec![!0; len.div_ceil(64)],
            len,
        };
        b.mask_tail();
        b
    }

    /// A bitmap from its words (bits past `len` are cleared). `words.len()` must be
    /// `len.div_ceil(64)`.
    ///
    /// # Panics
    /// When the number of words does not fit `len`.
    pub fn from_words(words: Vec<u64>, len: usize) -> Bitmap {
        assert_eq!(words.len(), len.div_ceil(64), "word count for {len} bits");
        let mut b = Bitmap { words, len };
        b.mask_tail();
        b
    }

    /// The rows for which `f` is true.
    pub fn from_fn(len: usize, mut f: impl FnMut(usize) -> bool) -> Bitmap {
        let mut b = Bitmap::new(len);
        for i in 0..len {
            if f(i) {
                b.set(i, true);
            }
        }
        b
    }

    /// A bitmap with the given rows set.
    ///
    /// # Panics
    /// When a row is `>= len`.
    pub fn from_rows(len: usize, rows: impl IntoIterator<Item = usize>) -> Bitmap {
        let mut b = Bitmap::new(len);
        for r in rows {
            b.set(r, true);
        }
        b
    }

    fn mask_tail(&mut self) {
        if !self.len.is_multiple_of(64)
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << (self.len % 64)) - 1;
        }
    }

    /// Number of rows (set or not).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The words; bits past `len` are zero.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Whether row `i` is set.
    ///
    /// # Panics
    /// When `i >= len`.
    pub fn get(&self, i: usize) -> bool {
        assert!(i < self.len, "row {i} of {}", self.len);
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    /// Set or clear row `i`.
    ///
    /// # Panics
    /// When `i >= len`.
    pub fn set(&mut self, i: usize, value: bool) {
        assert!(i < self.len, "row {i} of {}", self.len);
        let bit = 1u64 << (i % 64);
        if value {
            self.words[i / 64] |= bit;
        } else {
            self.words[i / 64] &= !bit;
        }
    }

    /// Number of rows set.
    pub fn count_ones(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The rows set, ascending.
    pub fn iter_ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let t = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(i * 64 + t)
            })
        })
    }

    /// Rows set in both.
    ///
    /// # Panics
    /// When the lengths differ.
    pub fn and(&self, other: &Bitmap) -> Bitmap {
        self.zip(other, |a, b| a & b)
    }

    /// Rows set in either.
    ///
    /// # Panics
    /// When the lengths differ.
    pub fn or(&self, other: &Bitmap) -> Bitmap {
        self.zip(other, |a, b| a | b)
    }

    /// Rows set in `self` and not in `other`.
    ///
    /// # Panics
    /// When the lengths differ.
    pub fn and_not(&self, other: &Bitmap) -> Bitmap {
        self.zip(other, |a, b| a & !b)
    }

    /// The complement (rows not set), within `len`.
    pub fn not(&self) -> Bitmap {
        let mut b = Bitmap {
            words: self.words.iter().map(|w| !w).collect(),
            len: self.len,
        };
        b.mask_tail();
        b
    }

    fn zip(&self, other: &Bitmap, f: impl Fn(u64, u64) -> u64) -> Bitmap {
        assert_eq!(self.len, other.len, "bitmaps of different lengths");
        Bitmap {
            words: self
                .words
                .iter()
                .zip(&other.words)
                .map(|(&a, &b)| f(a, b))
                .collect(),
            len: self.len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_respect_the_length() {
        let a = Bitmap::from_rows(70, [0, 3, 64, 69]);
        let b = Bitmap::from_rows(70, [3, 65]);
        assert_eq!(a.count_ones(), 4);
        assert_eq!(a.and(&b).iter_ones().collect::<Vec<_>>(), [3]);
        assert_eq!(a.or(&b).iter_ones().collect::<Vec<_>>(), [0, 3, 64, 65, 69]);
        assert_eq!(a.and_not(&b).iter_ones().collect::<Vec<_>>(), [0, 64, 69]);
        assert_eq!(a.not().count_ones(), 66);
        assert_eq!(Bitmap::full(70).count_ones(), 70);
        assert_eq!(Bitmap::full(128).not().count_ones(), 0);
        assert!(a.get(69) && !a.get(68));
        assert_eq!(Bitmap::from_fn(10, |i| i % 3 == 0).count_ones(), 4);
    }
}
