//! What a registry value may be (outside: the row is refused) and what it plausibly is
//! (outside: the row loads with a verification finding for an officer to check). One place, so
//! that the import, `setara verify` and the documentation (`docs/limits.md`) agree.

use std::ops::RangeInclusive;

/// No one in the registry was born before this year (the oldest person ever recorded was born
/// in 1875; nobody alive today was born before 1900). A birth date before it is refused.
pub const MIN_BIRTH_YEAR: i32 = 1900;
/// Above this age a person is flagged (`age_implausible`): possible, but far more often a
/// typing error in the year.
pub const PLAUSIBLE_MAX_AGE: i32 = 110;

/// Monthly consumption per capita, rupiah, that can be recorded at all: at least Rp1 (a
/// surveyed household consumes something; an unknown value is an empty cell), at most
/// Rp1,000,000,000 a month for each member.
pub const CONSUMPTION: RangeInclusive<i64> = 1..=1_000_000_000;
/// Monthly consumption per capita outside this range is flagged (`consumption_implausible`):
/// below a tenth of the lowest provincial poverty line (about Rp500,000 in 2024), or above
/// Rp100 million a month for each member.
pub const PLAUSIBLE_CONSUMPTION: RangeInclusive<i64> = 50_000..=100_000_000;

/// The largest survey weight (households represented by one surveyed household) accepted.
pub const MAX_SURVEY_WEIGHT: f64 = 1_000_000.0;
/// A weight above this is flagged (`weight_implausible`): Susenas weights are in the hundreds
/// or low thousands.
pub const PLAUSIBLE_MAX_SURVEY_WEIGHT: f64 = 50_000.0;

/// Land owned, square metres: at most 1,000 km² for one household.
pub const MAX_LAND_M2: i64 = 1_000_000_000;
/// Floor area of a dwelling, square metres.
pub const MAX_FLOOR_AREA_M2: i64 = 100_000;

/// Connected electricity power, VA (the largest household tariff is far below).
pub const MAX_ELECTRICITY_VA: i64 = 1_000_000;
/// Declared number of members of one household.
pub const MAX_DECLARED_SIZE: i64 = 99;

/// Longest person name, in characters.
pub const MAX_NAME_CHARS: usize = 150;
/// Longest address, in characters.
pub const MAX_ADDRESS_CHARS: usize = 300;
