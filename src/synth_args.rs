//! The generator's options on the command line, shared by `generate` and `demo`.

use clap::Args;
use setara_app::model::{ProblemRates, SynthConfig as Config};

/// Options of the generator shared by `generate` and `demo`.
#[derive(Debug, Args)]
pub struct SynthOptions {
    /// Share of households in the survey sample (consumption recorded, with weights).
    #[arg(long, default_value_t = 0.10)]
    pub survey_fraction: f64,
    /// Generate a clean registry: no injected problems.
    #[arg(long)]
    pub no_problems: bool,
    /// Share of persons recorded a second time with a name variant.
    #[arg(long)]
    pub rate_duplicate_person: Option<f64>,
    /// Share of persons whose recorded NIK has a typo.
    #[arg(long)]
    pub rate_nik_typo: Option<f64>,
    /// Share of persons whose birth date has day and month swapped.
    #[arg(long)]
    pub rate_date_swap: Option<f64>,
    /// Share of households recorded with a wrong region.
    #[arg(long)]
    pub rate_wrong_region: Option<f64>,
    /// Share of persons also listed in a second KK.
    #[arg(long)]
    pub rate_two_households: Option<f64>,
}

impl SynthOptions {
    pub fn config(&self, households: u64, seed: u64) -> Config {
        let mut c = Config::new(households, seed);
        c.survey_fraction = self.survey_fraction;
        c.rates = if self.no_problems {
            ProblemRates::none()
        } else {
            ProblemRates::default()
        };
        let r = &mut c.rates;
        for (slot, v) in [
            (&mut r.duplicate_person, self.rate_duplicate_person),
            (&mut r.nik_typo, self.rate_nik_typo),
            (&mut r.date_swap, self.rate_date_swap),
            (&mut r.wrong_region, self.rate_wrong_region),
            (&mut r.two_households, self.rate_two_households),
        ] {
            if let Some(v) = v {
                *slot = v;
            }
        }
        c
    }
}
