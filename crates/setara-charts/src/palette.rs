//! Sequential colour scales for the choropleth.

/// A sequential colour scale, light for low values and dark for high values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Palette {
    /// Viridis (matplotlib), reversed so that high values are dark: perceptually uniform,
    /// readable with any colour-vision deficiency and in greyscale. The default.
    #[default]
    Viridis,
    /// ColorBrewer YlOrRd (Cynthia Brewer, Penn State): colour-blind safe, print friendly.
    YlOrRd,
    /// ColorBrewer Blues: colour-blind safe, quiet.
    Blues,
}

/// Viridis at 0, 0.1, ..., 1 (the 11-colour table of matplotlib's viridis).
const VIRIDIS: [[u8; 3]; 11] = [
    [0x44, 0x01, 0x54],
    [0x48, 0x24, 0x75],
    [0x41, 0x44, 0x87],
    [0x35, 0x5f, 0x8d],
    [0x2a, 0x78, 0x8e],
    [0x21, 0x91, 0x8c],
    [0x22, 0xa8, 0x84],
    [0x44, 0xbf, 0x70],
    [0x7a, 0xd1, 0x51],
    [0xbd, 0xdf, 0x26],
    [0xfd, 0xe7, 0x25],
];

/// ColorBrewer YlOrRd, 3 to 9 classes.
const YLORRD: [&[&str]; 7] = [
    &["#ffeda0", "#feb24c", "#f03b20"],
    &["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    &["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    &[
        "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026",
    ],
    &[
        "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026",
    ],
    &[
        "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026",
    ],
    &[
        "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026",
        "#800026",
    ],
];

/// ColorBrewer Blues, 3 to 9 classes.
const BLUES: [&[&str]; 7] = [
    &["#deebf7", "#9ecae1", "#3182bd"],
    &["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
    &["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
    &[
        "#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c",
    ],
    &[
        "#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594",
    ],
    &[
        "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594",
    ],
    &[
        "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c",
        "#08306b",
    ],
];

impl Palette {
    /// `n` colours (1 to 9), lightest first, as `#rrggbb`.
    pub fn colours(self, n: usize) -> Vec<String> {
        let n = n.clamp(1, 9);
        match self {
            Palette::Viridis => (0..n)
                .map(|i| {
                    // Light (yellow, t = 1) to dark (purple, t = 0); one class is mid-scale.
                    let t = if n == 1 {
                        0.5
                    } else {
                        1.0 - i as f64 / (n - 1) as f64
                    };
                    viridis(t)
                })
                .collect(),
            Palette::YlOrRd => brewer(&YLORRD, n),
            Palette::Blues => brewer(&BLUES, n),
        }
    }
}

fn brewer(table: &[&[&str]; 7], n: usize) -> Vec<String> {
    let set = |k: usize| table[k - 3].iter().map(|c| c.to_string()).collect();
    match n {
        1 => vec![table[0][1].to_string()],
        2 => vec![table[0][0].to_string(), table[0][2].to_string()],
        k => set(k),
    }
}

fn viridis(t: f64) -> String {
    let t = t.clamp(0.0, 1.0) * 10.0;
    let i = (t.floor() as usize).min(9);
    let f = t - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let c = |k: usize| (f64::from(a[k]) + f * (f64::from(b[k]) - f64::from(a[k]))).round() as u8;
    format!("#{:02x}{:02x}{:02x}", c(0), c(1), c(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_order() {
        let c = Palette::Viridis.colours(5);
        assert_eq!(c.len(), 5);
        assert_eq!(c[0], "#fde725");
        assert_eq!(c[2], "#21918c");
        assert_eq!(c[4], "#440154");
    }

    #[test]
    fn brewer_sets_have_the_asked_length() {
        for n in 1..=9 {
            assert_eq!(Palette::YlOrRd.colours(n).len(), n);
            assert_eq!(Palette::Blues.colours(n).len(), n);
            assert_eq!(Palette::Viridis.colours(n).len(), n);
        }
    }
}
