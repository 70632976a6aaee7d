//! Pricing: the price catalog (bundled under `data/prices/`, embedded in the binary) and the
//! lookups every cost model uses. Pure data: no I/O beyond parsing the embedded files, no network
//! (refreshing prices from the Pricing API belongs to `sources`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::Usd;

pub mod cache;

const INSTANCE_TYPES_CSV: &str = include_str!("../../data/prices/instance-types.csv");
const EC2_PRICES_CSV: &str = include_str!("../../data/prices/ec2-linux-on-demand.csv");
const FARGATE_CSV: &str = include_str!("../../data/prices/fargate.csv");
/// Date of the public price list the bundled catalog was taken from.
pub const BUNDLED_AS_OF: &str = "2026-11-30";

#[derive(Debug, Error, Clone, PartialEq)]
pub enum PricingError {
    #[error("unknown region `{region}`; the catalog has: {known}")]
    UnknownRegion { region: String, known: String },
    #[error("unknown instance type `{instance_type}`; `ecs-advisor prices show --region {region}` lists the known ones")]
    UnknownInstanceType { instance_type: String, region: String },
    #[error("no price for `{instance_type}` in `{region}`; choose another type or refresh prices")]
    PriceNotFound { region: String, instance_type: String },
    #[error("missing prices for {count} instance types in `{region}`: {types}; refresh prices or remove them")]
    PricesMissing { region: String, count: usize, types: String },
    #[error("price catalog is corrupt: {0}")]
    Corrupt(String),
}

pub use crate::domain::Arch;

/// An EC2 instance type as ECS sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceType {
    pub instance_type: String,
    pub family: String,
    pub vcpu: u32,
    pub memory_gib: u32,
    pub arch: Arch,
    pub max_enis: u32,
}

impl InstanceType {
    /// ECS offers 1,024 CPU units per vCPU.
    pub fn cpu_units(&self) -> u32 {
        self.vcpu * 1024
    }
    pub fn memory_mib(&self) -> u32 {
        self.memory_gib * 1024
    }
    pub fn is_burstable(&self) -> bool {
        self.family.starts_with('t')
    }
}

/// One region's Fargate rates, per hour.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FargateRates {
    pub linux_x86_vcpu_hour: Usd,
    pub linux_x86_gb_hour: Usd,
    pub linux_arm_vcpu_hour: Usd,
    pub linux_arm_gb_hour: Usd,
    /// Fargate Spot floats with supply and demand; the catalog holds a recent reading.
    pub spot_vcpu_hour: Usd,
    pub spot_gb_hour: Usd,
    pub windows_vcpu_hour: Usd,
    pub windows_gb_hour: Usd,
    pub windows_license_vcpu_hour: Usd,
    /// Per GB-hour of ephemeral storage beyond the 20 GiB every task gets.
    pub ephemeral_storage_gb_hour: Usd,
}

impl RegionPrices {
    /// The EC2 prices were checked against the AWS price list: verified bundled prices or
    /// refreshed ones.
    pub fn is_checked(&self) -> bool {
        self.source == "verified" || self.is_refreshed()
    }

    /// The Fargate rates that are not yet checked against the AWS price list (Spot floats and
    /// is never "checked"): empty for refreshed prices.
    pub fn fargate_unchecked(&self) -> &[String] {
        if self.is_refreshed() {
            &[]
        } else {
            &self.fargate_unchecked
        }
    }

    /// Read from the price cache that `prices refresh` wrote, not the bundled catalog.
    pub fn is_refreshed(&self) -> bool {
        self.source == cache::SOURCE
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionPrices {
    pub region: String,
    /// `verified` (bundled, checked against the AWS price list), `unverified` (bundled, not yet
    /// checked) or `pricing-api` (refreshed into the local cache by `prices refresh`).
    pub source: String,
    /// Date of the prices: the bundled list's, or the day they were refreshed.
    pub as_of: String,
    pub ec2_hourly: BTreeMap<String, Usd>,
    pub fargate: FargateRates,
    /// Fargate rate groups (`linux_x86`, `windows`, ...) recorded but not checked against the
    /// AWS price list; see [`RegionPrices::fargate_unchecked`].
    pub fargate_unchecked: Vec<String>,
}

/// The whole catalog: instance specs (region-independent) and per-region prices.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    pub as_of: String,
    pub instance_types: BTreeMap<String, InstanceType>,
    pub regions: BTreeMap<String, RegionPrices>,
}

#[derive(Deserialize)]
struct Ec2Row {
    region: String,
    instance_type: String,
    price_per_hour_usd: String,
    source: String,
}

#[derive(Deserialize)]
struct FargateRow {
    region: String,
    dimension: String,
    price_usd: String,
    #[allow(dead_code)]
    unit: String,
    source: String,
}

/// The rate group a Fargate price-list dimension belongs to: `linux_x86_vcpu` → `linux_x86`,
/// `windows_license_vcpu` → `windows`, `ephemeral_storage` → itself.
fn fargate_group(dimension: &str) -> &str {
    ["linux_x86", "linux_arm", "windows", "spot"]
        .into_iter()
        .find(|g| dimension.starts_with(g))
        .unwrap_or(dimension)
}

/// The most any price in the catalog may be, per hour: the largest EC2 types cost about $100 to
/// $220 an hour. A larger figure is a broken price list, and would overflow exact sums.
pub const MAX_PRICE_PER_HOUR: i64 = 10_000;

pub fn parse_price(s: &str, what: &str) -> Result<Usd, PricingError> {
    match Usd::parse(s) {
        Some(p) if p.0 >= Decimal::ZERO && p.0 <= Decimal::from(MAX_PRICE_PER_HOUR) => Ok(p),
        Some(_) => Err(PricingError::Corrupt(format!(
            "price `{s}` for {what} is out of range: a price is between $0 and ${MAX_PRICE_PER_HOUR} an hour"
        ))),
        None => Err(PricingError::Corrupt(format!("price `{s}` for {what} is not a number"))),
    }
}

impl Catalog {
    /// The same prices with the account's discounts taken off on-demand rates: Compute Savings
    /// Plans off Fargate vCPU and memory, and off EC2 unless an EC2 discount (Reserved Instances,
    /// EC2 Instance Savings Plans) is set. Spot, the Windows licence fee and ephemeral storage
    /// stay as listed: no Savings Plan covers them.
    pub fn discounted(&self, d: &crate::config::Discounts) -> Catalog {
        let keep = |pct: f64| {
            Decimal::ONE - <Decimal as rust_decimal::prelude::FromPrimitive>::from_f64(pct).unwrap_or_default() / Decimal::ONE_HUNDRED
        };
        let (fargate, ec2) = (keep(d.savings_plan_pct), keep(d.ec2_pct()));
        let mut out = self.clone();
        for r in out.regions.values_mut() {
            for price in r.ec2_hourly.values_mut() {
                *price = *price * ec2;
            }
            let f = &mut r.fargate;
            for rate in [
                &mut f.linux_x86_vcpu_hour,
                &mut f.linux_x86_gb_hour,
                &mut f.linux_arm_vcpu_hour,
                &mut f.linux_arm_gb_hour,
                &mut f.windows_vcpu_hour,
                &mut f.windows_gb_hour,
            ] {
                *rate = *rate * fargate;
            }
        }
        out
    }

    /// The catalog bundled in the binary.
    pub fn bundled() -> Result<Catalog, PricingError> {
        Catalog::parse(BUNDLED_AS_OF, INSTANCE_TYPES_CSV, EC2_PRICES_CSV, FARGATE_CSV)
    }

    pub fn parse(as_of: &str, types_csv: &str, ec2_csv: &str, fargate_csv: &str) -> Result<Catalog, PricingError> {
        let corrupt = |e: csv::Error| PricingError::Corrupt(e.to_string());
        let mut instance_types = BTreeMap::new();
        for row in csv::Reader::from_reader(types_csv.as_bytes()).deserialize::<InstanceType>() {
            let t = row.map_err(corrupt)?;
            instance_types.insert(t.instance_type.clone(), t);
        }
        let mut ec2: BTreeMap<String, (String, BTreeMap<String, Usd>)> = BTreeMap::new();
        for row in csv::Reader::from_reader(ec2_csv.as_bytes()).deserialize::<Ec2Row>() {
            let r = row.map_err(corrupt)?;
            if !instance_types.contains_key(&r.instance_type) {
                return Err(PricingError::Corrupt(format!(
                    "price for `{}` but no such instance type",
                    r.instance_type
                )));
            }
            let price = parse_price(&r.price_per_hour_usd, &r.instance_type)?;
            let entry = ec2.entry(r.region).or_insert_with(|| (r.source.clone(), BTreeMap::new()));
            if r.source != "verified" {
                entry.0 = r.source.clone();
            }
            entry.1.insert(r.instance_type, price);
        }
        let mut fargate: BTreeMap<String, BTreeMap<String, Usd>> = BTreeMap::new();
        let mut fargate_unchecked: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in csv::Reader::from_reader(fargate_csv.as_bytes()).deserialize::<FargateRow>() {
            let r = row.map_err(corrupt)?;
            let p = parse_price(&r.price_usd, &r.dimension)?;
            if r.source == "unverified" {
                // `windows_license_vcpu` and `windows_vcpu` are one group: `windows`.
                let group = fargate_group(&r.dimension).to_string();
                let list = fargate_unchecked.entry(r.region.clone()).or_default();
                if !list.contains(&group) {
                    list.push(group);
                }
            }
            fargate.entry(r.region).or_default().insert(r.dimension, p);
        }
        let mut regions = BTreeMap::new();
        for (region, (source, ec2_hourly)) in ec2 {
            let f = fargate
                .get(&region)
                .ok_or_else(|| PricingError::Corrupt(format!("no Fargate rates for `{region}`")))?;
            let get = |d: &str| {
                f.get(d)
                    .copied()
                    .ok_or_else(|| PricingError::Corrupt(format!("no Fargate `{d}` rate for `{region}`")))
            };
            let fargate = FargateRates {
                linux_x86_vcpu_hour: get("linux_x86_vcpu")?,
                linux_x86_gb_hour: get("linux_x86_memory")?,
                linux_arm_vcpu_hour: get("linux_arm_vcpu")?,
                linux_arm_gb_hour: get("linux_arm_memory")?,
                spot_vcpu_hour: get("spot_vcpu")?,
                spot_gb_hour: get("spot_memory")?,
                windows_vcpu_hour: get("windows_vcpu")?,
                windows_gb_hour: get("windows_memory")?,
                windows_license_vcpu_hour: get("windows_license_vcpu")?,
                ephemeral_storage_gb_hour: get("ephemeral_storage")?,
            };
            regions.insert(
                region.clone(),
                RegionPrices {
                    fargate_unchecked: fargate_unchecked.remove(&region).unwrap_or_default(),
                    region,
                    source,
                    as_of: as_of.to_string(),
                    ec2_hourly,
                    fargate,
                },
            );
        }
        Ok(Catalog {
            as_of: as_of.to_string(),
            instance_types,
            regions,
        })
    }

    pub fn region(&self, region: &str) -> Result<&RegionPrices, PricingError> {
        self.regions.get(region).ok_or_else(|| PricingError::UnknownRegion {
            region: region.to_string(),
            known: self.regions.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }

    pub fn instance_type(&self, region: &str, name: &str) -> Result<&InstanceType, PricingError> {
        self.instance_types.get(name).ok_or_else(|| PricingError::UnknownInstanceType {
            instance_type: name.to_string(),
            region: region.to_string(),
        })
    }

    pub fn ec2_hourly(&self, region: &str, instance_type: &str) -> Result<Usd, PricingError> {
        let r = self.region(region)?;
        self.instance_type(region, instance_type)?;
        r.ec2_hourly.get(instance_type).copied().ok_or_else(|| PricingError::PriceNotFound {
            region: region.to_string(),
            instance_type: instance_type.to_string(),
        })
    }

    /// Looks up every type at once, so a user hears about all missing prices in one message.
    pub fn ec2_hourly_all<'a>(
        &self,
        region: &str,
        types: impl IntoIterator<Item = &'a str>,
    ) -> Result<BTreeMap<String, Usd>, PricingError> {
        let mut found = BTreeMap::new();
        let mut missing = Vec::new();
        for t in types {
            match self.ec2_hourly(region, t) {
                Ok(p) => {
                    found.insert(t.to_string(), p);
                }
                Err(PricingError::UnknownRegion { region, known }) => return Err(PricingError::UnknownRegion { region, known }),
                Err(_) => missing.push(t.to_string()),
            }
        }
        missing.sort();
        missing.dedup();
        match missing.len() {
            0 => Ok(found),
            1 => Err(self.ec2_hourly(region, &missing[0]).unwrap_err()),
            count => Err(PricingError::PricesMissing {
                region: region.to_string(),
                count,
                types: missing.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_catalog_covers_every_required_family_and_region() {
        let c = Catalog::bundled().unwrap();
        let regions = [
            "us-east-1",
            "us-east-2",
            "us-west-2",
            "eu-west-1",
            "eu-west-2",
            "eu-central-1",
            "ap-southeast-1",
        ];
        let families = [
            "t3", "t3a", "t4g", "m5", "m6i", "m6a", "m6g", "m7i", "m7g", "c5", "c6i", "c6g", "c7i", "c7g", "r5", "r6i", "r6g", "r7g",
        ];
        for r in regions {
            for f in families {
                for size in ["large", "xlarge", "2xlarge"] {
                    c.ec2_hourly(r, &format!("{f}.{size}")).unwrap();
                }
                if !f.starts_with('t') {
                    c.ec2_hourly(r, &format!("{f}.4xlarge")).unwrap();
                }
            }
        }
    }

    #[test]
    fn us_east_1_prices_match_the_public_price_list() {
        let c = Catalog::bundled().unwrap();
        for (t, p) in [
            ("m5.large", "0.096"),
            ("c7g.medium", "0.0363"),
            ("r7g.4xlarge", "0.8568"),
            ("c7i.large", "0.08925"),
            ("t4g.medium", "0.0336"),
        ] {
            assert_eq!(c.ec2_hourly("us-east-1", t).unwrap(), Usd::parse(p).unwrap(), "{t}");
        }
        let f = &c.region("us-east-1").unwrap().fargate;
        assert_eq!(f.linux_x86_vcpu_hour, Usd::parse("0.04048").unwrap());
        assert_eq!(f.linux_x86_gb_hour, Usd::parse("0.004445").unwrap());
        assert_eq!(f.linux_arm_vcpu_hour, Usd::parse("0.03238").unwrap());
        assert_eq!(f.windows_license_vcpu_hour, Usd::parse("0.046").unwrap());
    }

    #[test]
    fn an_unknown_region_is_an_error_naming_it() {
        let e = Catalog::bundled().unwrap().region("mars-north-1").unwrap_err();
        assert!(e.to_string().contains("`mars-north-1`"));
    }

    #[test]
    fn missing_prices_are_reported_together() {
        let c = Catalog::bundled().unwrap();
        let e = c.ec2_hourly_all("us-east-1", ["m5.large", "x9.huge", "y1.tiny"]).unwrap_err();
        assert!(matches!(e, PricingError::PricesMissing { count: 2, .. }), "{e}");
    }
}
