//! `ln` and `exp` on chunks of values, in plain branch-free arithmetic that the compiler
//! vectorizes (the library functions are one call per value). Both are within a couple of ulps
//! of the correctly rounded result, so sums of them agree with sums of the library functions
//! to the rounding of the sums themselves. Used by the fused passes of [`crate::fused`] only;
//! the per-measure methods keep the library functions.

/// `ln x` for every `x` of `values` into `out` (same length): fdlibm's algorithm (`x = 2ᵏ·m`,
/// `m ∈ [√½, √2)`, `ln m = 2·atanh(f/(2 + f))` by its minimax polynomial), error below one ulp.
/// Values that are not positive normal numbers (zero, negative, subnormal, infinite) take the
/// library `ln` (so `ln 0 = −∞` and `ln(−1) = NaN`, as `f64::ln`).
pub(crate) fn ln_chunk(values: &[f64], out: &mut [f64]) {
    // fdlibm's constants, by their bits: Lg1 … Lg7 ≈ 0.6667, 0.4000, 0.2857, 0.2222, 0.1818,
    // 0.1531, 0.1480; ln 2 split into a high part with trailing zero bits and the rest.
    const LG1: f64 = f64::from_bits(0x3FE5_5555_5555_5593);
    const LG2: f64 = f64::from_bits(0x3FD9_9999_9997_FA04);
    const LG3: f64 = f64::from_bits(0x3FD2_4924_9422_9359);
    const LG4: f64 = f64::from_bits(0x3FCC_71C5_1D8E_78AF);
    const LG5: f64 = f64::from_bits(0x3FC7_4664_96CB_03DE);
    const LG6: f64 = f64::from_bits(0x3FC3_9A09_D078_C69F);
    const LG7: f64 = f64::from_bits(0x3FC2_F112_DF3E_5244);
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    // 2⁵² + 1023 as a double: adding an integer below 2³¹ to its bits is the integer as f64.
    const MAGIC: f64 = 4_503_599_627_371_519.0;
    let out = &mut out[..values.len()];
    for (o, &x) in out.iter_mut().zip(values) {
        let bits = x.to_bits();
        // m ∈ [1, 2), x = 2^(e − 1023)·m.
        let e = (bits >> 52) & 0x7FF;
        let m = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
        let big = m > std::f64::consts::SQRT_2;
        let m = if big { m * 0.5 } else { m };
        let e = e + u64::from(big);
        // k = e − 1023 as f64 without an integer conversion instruction.
        let dk = f64::from_bits(0x4330_0000_0000_0000 | e) - MAGIC;
        let f = m - 1.0;
        let s = f / (2.0 + f);
        let z = s * s;
        let w = z * z;
        let t1 = w * (LG2 + w * (LG4 + w * LG6));
        let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
        let r = t2 + t1;
        let hfsq = 0.5 * f * f;
        *o = dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
    }
    for (o, &x) in out.iter_mut().zip(values) {
        if !(f64::MIN_POSITIVE..f64::INFINITY).contains(&x) {
            *o = x.ln();
        }
    }
}

/// `eʸ` for `−700 < y <= 0`, to a few ulps: `y = k·ln 2 + r` (Cody–Waite, `|r| <= ln 2 / 2`),
/// `eʳ` by its Taylor polynomial of degree 13 (truncation below 1e-17), times `2^k` built
/// from its bits.
#[inline(always)]
pub(crate) fn exp_non_positive(y: f64) -> f64 {
    const SHIFTER: f64 = 6_755_399_441_055_744.0; // 1.5·2⁵²: adding it rounds to an integer
    // ln 2 = LN2_HI + LN2_LO, the high part with trailing zero bits (k·LN2_HI is exact).
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    // 1/13!, 1/12!, …, 1/1!, 1.
    const C: [f64; 14] = [
        1.0 / 6_227_020_800.0,
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ];
    let t = y * std::f64::consts::LOG2_E + SHIFTER;
    let kf = t - SHIFTER;
    let r = (y - kf * LN2_HI) - kf * LN2_LO;
    let mut p = C[0];
    for &c in &C[1..] {
        p = p * r + c;
    }
    let k = (t.to_bits() as i64).wrapping_sub(SHIFTER.to_bits() as i64);
    p * f64::from_bits(((k + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_chunk_is_ln() {
        let mut state = 99u64;
        let mut values: Vec<f64> = (0..200_000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                (u * 1400.0 - 700.0).exp()
            })
            .collect();
        values.extend([
            1.0,
            2.0,
            0.5,
            std::f64::consts::SQRT_2,
            f64::from_bits(std::f64::consts::SQRT_2.to_bits() + 1),
            1e6,
            3_276_000.0,
            f64::MIN_POSITIVE,
            f64::MAX,
            0.0,
            -0.0,
            -1.0,
            5e-324,
            f64::INFINITY,
        ]);
        let mut out = vec![0.0; values.len()];
        ln_chunk(&values, &mut out);
        let mut worst = 0.0f64;
        for (&x, &got) in values.iter().zip(&out) {
            let expected = x.ln();
            if expected.is_finite() && expected != 0.0 {
                worst = worst.max(((got - expected) / expected).abs());
            } else {
                assert!(
                    got.to_bits() == expected.to_bits() || (got.is_nan() && expected.is_nan()),
                    "ln {x}: {got} vs {expected}"
                );
            }
        }
        assert!(worst < 2.5e-16, "worst relative error {worst:e}");
    }

    #[test]
    fn exp_non_positive_is_exp() {
        let mut worst = 0.0f64;
        for i in 0..=200_000 {
            let y = -(i as f64) * 41.0 / 200_000.0;
            let (a, b) = (exp_non_positive(y), y.exp());
            worst = worst.max((a - b).abs() / b);
        }
        assert!(worst < 1e-15, "worst relative error {worst:e}");
        assert_eq!(exp_non_positive(0.0), 1.0);
        assert_eq!(exp_non_positive(-0.0), 1.0);
    }
}
