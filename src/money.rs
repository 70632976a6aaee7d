//! Money and time units shared by every stage. Anything summed into a bill is a [`Usd`]
//! (decimal), never an `f64`.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Sub};

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// AWS's convention for a month in price calculators: 8,760 hours / 12.
pub const HOURS_PER_MONTH: u32 = 730;
pub const SECONDS_PER_HOUR: u32 = 3600;

/// US dollars, exact decimal, kept unrounded while summing and in reports (see the `Serialize`
/// impl); rounded to the cent only for display ([`Usd::cents`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usd(pub Decimal);

impl Usd {
    pub const ZERO: Usd = Usd(Decimal::ZERO);

    pub fn new(d: Decimal) -> Self {
        Usd(d)
    }

    /// Parses a price string such as `"0.04048"`.
    pub fn parse(s: &str) -> Option<Self> {
        s.trim().parse::<Decimal>().ok().map(Usd)
    }

    /// Rounded half away from zero to the cent, as a bill shows it.
    pub fn cents(self) -> Usd {
        Usd(self.0.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    pub fn to_f64(self) -> f64 {
        self.0.to_f64().unwrap_or(0.0)
    }

    /// Multiplies by a quantity measured as a float (task-seconds from CloudWatch averages):
    /// the quantity is taken to the microsecond, which is far below a cent at any AWS rate.
    pub fn times_f64(self, quantity: f64) -> Usd {
        let q = Decimal::from_f64(quantity).unwrap_or_default().round_dp(6);
        Usd(self.0 * q)
    }

    pub fn div_u64(self, d: u64) -> Usd {
        if d == 0 {
            return Usd::ZERO;
        }
        Usd(self.0 / Decimal::from(d))
    }

    /// A drawn or averaged figure as dollars (NaN and infinities as zero).
    pub fn from_f64(x: f64) -> Usd {
        Usd(Decimal::from_f64(x).unwrap_or_default())
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.cents().0;
        let neg = c.is_sign_negative() && !c.is_zero();
        let abs = c.abs();
        let whole = abs.trunc().to_u64().unwrap_or(0);
        let frac = ((abs - abs.trunc()) * Decimal::from(100)).to_u64().unwrap_or(0);
        let mut digits = whole.to_string();
        let mut grouped = String::new();
        while digits.len() > 3 {
            let tail = digits.split_off(digits.len() - 3);
            grouped = format!(",{tail}{grouped}");
        }
        write!(f, "{}${digits}{grouped}.{frac:02}", if neg { "-" } else { "" })
    }
}

impl Add for Usd {
    type Output = Usd;
    fn add(self, o: Usd) -> Usd {
        Usd(self.0 + o.0)
    }
}

impl AddAssign for Usd {
    fn add_assign(&mut self, o: Usd) {
        self.0 += o.0;
    }
}

impl Sub for Usd {
    type Output = Usd;
    fn sub(self, o: Usd) -> Usd {
        Usd(self.0 - o.0)
    }
}

impl Mul<Decimal> for Usd {
    type Output = Usd;
    fn mul(self, o: Decimal) -> Usd {
        Usd(self.0 * o)
    }
}

impl Sum for Usd {
    fn sum<I: Iterator<Item = Usd>>(iter: I) -> Usd {
        iter.fold(Usd::ZERO, |a, b| a + b)
    }
}

/// Reports carry dollars exactly, as decimal strings (`"1234.5678125"`), the way AWS Cost Explorer
/// and infracost do: a JSON number would pass through `f64` in most readers, and a saved report
/// must re-render to the cent and compare month over month on unrounded figures.
impl Serialize for Usd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Usd;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a dollar amount as a decimal string, e.g. \"12.34\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Usd, E> {
                v.parse::<Decimal>()
                    .map(Usd)
                    .map_err(|_| E::custom(format!("`{v}` is not a dollar amount")))
            }
            // Older reports and hand-written files carry numbers: through their shortest decimal
            // form, so 0.1 reads back as 0.1, not 0.1000000000000000055.
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Usd, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Usd, E> {
                Ok(Usd(Decimal::from(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Usd, E> {
                Ok(Usd(Decimal::from(v)))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl schemars::JsonSchema for Usd {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Usd".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            "description": "US dollars, exact, as a decimal string (not rounded to the cent)."
        })
    }
}

/// Monthly figure from a cost over an analysed window: average hourly cost x 730.
pub fn monthly(cost_over_window: Usd, window_seconds: u64) -> Usd {
    if window_seconds == 0 {
        return Usd::ZERO;
    }
    Usd(cost_over_window.0 * Decimal::from(HOURS_PER_MONTH) * Decimal::from(SECONDS_PER_HOUR) / Decimal::from(window_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_dollars_grouped_and_rounded_to_the_cent() {
        assert_eq!(Usd::parse("1234567.005").unwrap().to_string(), "$1,234,567.01");
        assert_eq!(Usd::parse("0.004").unwrap().to_string(), "$0.00");
        assert_eq!(Usd::parse("-12.345").unwrap().to_string(), "-$12.35");
    }

    #[test]
    fn monthly_is_average_hourly_cost_times_730() {
        // $1 per hour for 30 days is $730 a month.
        let cost = Usd::parse("720").unwrap();
        assert_eq!(monthly(cost, 30 * 86_400).cents(), Usd::parse("730").unwrap());
    }

    #[test]
    fn serialises_exactly_and_reads_back_equal() {
        let x = monthly(Usd::parse("4.437129").unwrap(), 30 * 86_400 - 7);
        let json = serde_json::to_string(&x).unwrap();
        assert!(json.starts_with('"'), "{json}");
        assert_eq!(serde_json::from_str::<Usd>(&json).unwrap(), x);
        assert_eq!(serde_json::from_str::<Usd>("0.1").unwrap(), Usd::parse("0.1").unwrap());
        assert!(serde_json::from_str::<Usd>("\"abc\"").unwrap_err().to_string().contains("`abc`"));
    }
}
