//! Pricing: the price catalog (bundled under `data/prices/`, embedded in the binary) and the
//! lookups every cost model uses. Pure data: no I/O beyond parsing the embedded files, no network
//! (refreshing prices from the Pricing API belongs to `sources`).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::Usd;

pub mod cache;

const INSTANCE_TYPES_CSV: &str = include_str!("../../data/prices/instance-types.csv");
const EC2_PRICES_CSV: &str = include_str!("../../data/prices/ec2-linux-on-demand.csv");
const FARGATE_CSV: &str = include_str!("../../data/prices/fargate.csv");
const MI_FEES_CSV: &str = include_str!("../../data/prices/managed-instances-fees.csv");
/// Where the bundled EC2 prices come from (`data/prices/README.md` says more).
pub const EC2_SOURCE_US_EAST_1: &str = "Karpenter's generated price table, 2026-07-20 (aws/karpenter-provider-aws@1d927085)";
pub const EC2_SOURCE_OTHER: &str = "SkyPilot's AWS catalog, checked 2026-11-30 (skypilot-org/skypilot-catalog@001367d2)";
pub const EC2_ESTIMATE_RULE: &str =
    "estimate: us-east-1's price x this region's price ratio for the nearest checked family of the same kind (median error 0.0%, worst 5.0%)";
/// The day the bundled catalog was assembled; each source's own date is in `data/prices/README.md`.
pub const BUNDLED_AS_OF: &str = "2026-12-05";

#[derive(Debug, Error, Clone, PartialEq)]
pub enum PricingError {
    #[error("no prices for region `{region}` (bundled: {known}); run `ecs-advisor prices refresh --region {region}` to fetch them from the AWS Pricing API")]
    UnknownRegion { region: String, known: String },
    #[error("unknown instance type `{instance_type}`; run `ecs-advisor prices refresh --region {region}` to fetch every type the price list has, or `ecs-advisor prices show --region {region}` to list the known ones")]
    UnknownInstanceType { instance_type: String, region: String },
    #[error("no price for `{instance_type}` in `{region}`; run `ecs-advisor prices refresh --region {region}` or choose another type")]
    PriceNotFound { region: String, instance_type: String },
    #[error("price catalog is corrupt: {0}")]
    Corrupt(String),
    #[error("the state cannot be fully priced: {what} in `{region}` have no price; run `ecs-advisor prices refresh --region {region}`, or pass --allow-partial to gate on the figures without them")]
    NotFullyPriced { what: String, region: String },
}

pub use crate::domain::Arch;

/// How sure a price is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PriceStatus {
    /// Equals a machine-readable copy of the AWS price list (or was refreshed from it).
    Checked,
    /// No copy of the price list gives it: derived by a stated rule (see `data/prices/README.md`).
    Estimated,
    /// Fargate Spot: a dated reading of a price that floats.
    Floating,
}

impl PriceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PriceStatus::Checked => "checked",
            PriceStatus::Estimated => "estimated",
            PriceStatus::Floating => "floating",
        }
    }
}

/// An EC2 instance type as ECS sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceType {
    pub instance_type: String,
    pub family: String,
    pub vcpu: u32,
    pub memory_mib: u32,
    pub arch: Arch,
    /// Network interfaces the type takes; 0 when not known (a type only the Pricing API listed).
    pub max_enis: u32,
    /// GPUs or other accelerators: the engine does not price them for tasks.
    pub gpus: u32,
}

impl InstanceType {
    /// ECS offers 1,024 CPU units per vCPU.
    pub fn cpu_units(&self) -> u32 {
        self.vcpu * 1024
    }
    pub fn memory_mib(&self) -> u32 {
        self.memory_mib
    }
    pub fn is_burstable(&self) -> bool {
        self.family.starts_with('t') && !self.family.starts_with("trn")
    }
    /// Its architecture as the family name says it: a `g` after the generation digit is
    /// Graviton (m7g, c6gn, r8gd, g5g), as are `a1` and `t4g`.
    pub fn arch_of_family(family: &str) -> Arch {
        let suffix = family.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '-');
        let suffix = suffix.trim_start_matches(|c: char| c.is_ascii_digit());
        if family == "a1" || suffix.contains('g') {
            Arch::Arm64
        } else {
            Arch::X86_64
        }
    }
    /// Where the size sorts: by vCPUs and memory, metal after the virtual size it equals.
    pub fn size_key(&self) -> (u32, u32, bool, &str) {
        (
            self.vcpu,
            self.memory_mib,
            self.instance_type.contains("metal"),
            &self.instance_type,
        )
    }
}

/// One region's Fargate rates, per hour.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FargateRates {
    pub linux_x86_vcpu_hour: Usd,
    pub linux_x86_gb_hour: Usd,
    pub linux_arm_vcpu_hour: Usd,
    pub linux_arm_gb_hour: Usd,
    /// Fargate Spot floats with supply and demand; the catalog holds a dated reading.
    pub spot_vcpu_hour: Usd,
    pub spot_gb_hour: Usd,
    pub windows_vcpu_hour: Usd,
    pub windows_gb_hour: Usd,
    pub windows_license_vcpu_hour: Usd,
    /// Per GB-hour of ephemeral storage beyond the 20 GiB every task gets.
    pub ephemeral_storage_gb_hour: Usd,
}

/// How sure one Fargate rate is, and where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RateSource {
    pub status: PriceStatus,
    pub source: String,
}

impl RegionPrices {
    /// Read from the price cache that `prices refresh` wrote, not the bundled catalog.
    pub fn is_refreshed(&self) -> bool {
        self.source == cache::SOURCE
    }

    /// How sure the EC2 price of `instance_type` is: estimated rows are marked in the catalog.
    pub fn ec2_status(&self, instance_type: &str) -> PriceStatus {
        if self.ec2_estimated.contains(instance_type) {
            PriceStatus::Estimated
        } else {
            PriceStatus::Checked
        }
    }

    /// How sure the EC2 price of `instance_type` is, and where it comes from.
    pub fn ec2_source(&self, instance_type: &str) -> (PriceStatus, String) {
        if self.ec2_refreshed.contains(instance_type) {
            (PriceStatus::Checked, format!("Pricing API, refreshed {}", self.as_of))
        } else if self.ec2_estimated.contains(instance_type) {
            (PriceStatus::Estimated, EC2_ESTIMATE_RULE.into())
        } else if self.region == "us-east-1" {
            (PriceStatus::Checked, EC2_SOURCE_US_EAST_1.into())
        } else {
            (PriceStatus::Checked, EC2_SOURCE_OTHER.into())
        }
    }

    /// The Managed Instances management fee per instance-hour of `instance_type`, how sure it is
    /// and its source: published or refreshed where known, else estimated from the type's list
    /// price ([`managed_instances_fee_share`]). `None` for a type with no EC2 price.
    pub fn managed_instances_fee(&self, instance_type: &str) -> Option<(Usd, PriceStatus, String)> {
        if let Some((fee, source)) = self.mi_fees.get(instance_type) {
            return Some((*fee, PriceStatus::Checked, source.clone()));
        }
        let list = self.ec2_hourly.get(instance_type)?.0 / self.ec2_factor;
        let (share, rule) = managed_instances_fee_share(family_of(instance_type));
        Some((Usd((list * share).round_dp(5)), PriceStatus::Estimated, rule.to_string()))
    }

    /// The Fargate rate groups (`linux_arm`, `windows`, `ephemeral_storage`, ...) whose rates
    /// are estimates, in the order of the catalog.
    pub fn fargate_estimated(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for d in cache::FARGATE_DIMENSIONS {
            if self.fargate_sources.get(d).is_some_and(|s| s.status == PriceStatus::Estimated) {
                let g = fargate_group(d);
                if !out.contains(&g) {
                    out.push(g);
                }
            }
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionPrices {
    pub region: String,
    /// `bundled` (the catalog in the binary) or `pricing-api` (refreshed into the local cache by
    /// `prices refresh`).
    pub source: String,
    /// Date of the prices: the bundled catalog's, or the day they were refreshed.
    pub as_of: String,
    pub ec2_hourly: BTreeMap<String, Usd>,
    /// EC2 prices that are estimates (see `data/prices/README.md`); a refreshed price is not.
    pub ec2_estimated: BTreeSet<String>,
    /// EC2 prices `prices refresh` read from the Pricing API.
    pub ec2_refreshed: BTreeSet<String>,
    pub fargate: FargateRates,
    /// Status and source of each Fargate dimension (see [`cache::FARGATE_DIMENSIONS`]).
    pub fargate_sources: BTreeMap<String, RateSource>,
    /// When the Fargate Spot rates were read: they float.
    pub spot_as_of: String,
    /// ECS Managed Instances management fees per instance-hour that AWS published or the Pricing
    /// API gave, with their source; every other type's fee is an estimate
    /// ([`RegionPrices::managed_instances_fee`]).
    pub mi_fees: BTreeMap<String, (Usd, String)>,
    /// What the EC2 prices were multiplied by ([`Catalog::discounted`]): fees are estimated from
    /// list prices, and no discount covers them.
    pub ec2_factor: Decimal,
}

/// The share of an instance's On-Demand price its Managed Instances fee is estimated at, and the
/// rule's words. AWS's one worked example: c6a.2xlarge in us-east-1, $0.037 an hour on $0.306,
/// 12.1% (ECS pricing page, harvested 2026-09-20); G-series fees cut 35% and P-series and
/// Trainium 60% from 2026-07-01 (7.8% and 4.8%).
pub fn managed_instances_fee_share(family: &str) -> (Decimal, &'static str) {
    let gpu = ["g4", "g5", "g6", "g7", "gr6"].iter().any(|g| family.starts_with(g));
    if gpu {
        (
            Decimal::new(78, 3),
            "estimate: 7.8% of On-Demand (12%, from AWS's c6a.2xlarge example, less the 35% G-series cut of 2026-07-01)",
        )
    } else if family.starts_with('p') || family.starts_with("trn") {
        (
            Decimal::new(48, 3),
            "estimate: 4.8% of On-Demand (12%, from AWS's c6a.2xlarge example, less the 60% P-series and Trainium cut of 2026-07-01)",
        )
    } else {
        (Decimal::new(12, 2), MI_FEE_RULE)
    }
}

/// The estimate rule for a general-purpose, compute or memory type's Managed Instances fee.
pub const MI_FEE_RULE: &str = "estimate: 12% of On-Demand, from AWS's c6a.2xlarge example ($0.037 an hour on $0.306)";

/// The whole catalog: instance specs (region-independent) and per-region prices.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    pub as_of: String,
    pub instance_types: BTreeMap<String, InstanceType>,
    pub regions: BTreeMap<String, RegionPrices>,
}

#[derive(Deserialize)]
struct TypeRow {
    instance_type: String,
    vcpu: u32,
    memory_mib: u32,
    arch: Arch,
    max_enis: u32,
    gpus: u32,
}

#[derive(Deserialize)]
struct FargateRow {
    region: String,
    dimension: String,
    price_usd: String,
    #[allow(dead_code)]
    unit: String,
    status: String,
    source: String,
}

/// The rate group a Fargate price-list dimension belongs to: `linux_x86_vcpu` → `linux_x86`,
/// `windows_license_vcpu` → `windows`, `ephemeral_storage` → itself.
pub fn fargate_group(dimension: &str) -> &'static str {
    ["linux_x86", "linux_arm", "windows", "spot", "ephemeral_storage"]
        .into_iter()
        .find(|g| dimension.starts_with(g))
        .unwrap_or("other")
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

/// The family of an instance type: `m7a` of `m7a.large`.
pub fn family_of(instance_type: &str) -> &str {
    instance_type.split('.').next().unwrap_or(instance_type)
}

impl FargateRates {
    fn from_dimensions(region: &str, f: &BTreeMap<String, Usd>) -> Result<FargateRates, PricingError> {
        let get = |d: &str| {
            f.get(d)
                .copied()
                .ok_or_else(|| PricingError::Corrupt(format!("no Fargate `{d}` rate for `{region}`")))
        };
        Ok(FargateRates {
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
        })
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
            r.ec2_factor *= ec2;
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
        let mut c = Catalog::parse(BUNDLED_AS_OF, INSTANCE_TYPES_CSV, EC2_PRICES_CSV, FARGATE_CSV)?;
        c.add_managed_instances_fees(MI_FEES_CSV)?;
        Ok(c)
    }

    /// Reads the Managed Instances fees AWS published: `region,instance_type,fee_usd_per_hour,source`.
    fn add_managed_instances_fees(&mut self, csv_text: &str) -> Result<(), PricingError> {
        #[derive(Deserialize)]
        struct Row {
            region: String,
            instance_type: String,
            fee_usd_per_hour: String,
            source: String,
        }
        for row in csv::Reader::from_reader(csv_text.as_bytes()).deserialize::<Row>() {
            let r = row.map_err(|e| PricingError::Corrupt(e.to_string()))?;
            let fee = parse_price(&r.fee_usd_per_hour, &r.instance_type)?;
            let region = self
                .regions
                .get_mut(&r.region)
                .ok_or_else(|| PricingError::Corrupt(format!("a Managed Instances fee for `{}`, a region with no prices", r.region)))?;
            region.mi_fees.insert(r.instance_type, (fee, r.source));
        }
        Ok(())
    }

    /// Reads the catalog's three files: instance specs; EC2 prices as one row per type and one
    /// column per region (`~` before an estimated price, empty where the catalog has none); Fargate
    /// rates as one row per region and dimension, with status and source.
    pub fn parse(as_of: &str, types_csv: &str, ec2_csv: &str, fargate_csv: &str) -> Result<Catalog, PricingError> {
        let corrupt = |e: csv::Error| PricingError::Corrupt(e.to_string());
        let mut instance_types = BTreeMap::new();
        for row in csv::Reader::from_reader(types_csv.as_bytes()).deserialize::<TypeRow>() {
            let t = row.map_err(corrupt)?;
            let family = family_of(&t.instance_type).to_string();
            instance_types.insert(
                t.instance_type.clone(),
                InstanceType {
                    instance_type: t.instance_type,
                    family,
                    vcpu: t.vcpu,
                    memory_mib: t.memory_mib,
                    arch: t.arch,
                    max_enis: t.max_enis,
                    gpus: t.gpus,
                },
            );
        }
        let mut ec2 = csv::Reader::from_reader(ec2_csv.as_bytes());
        let region_names: Vec<String> = ec2.headers().map_err(corrupt)?.iter().skip(1).map(str::to_string).collect();
        let mut prices: Vec<(BTreeMap<String, Usd>, BTreeSet<String>)> = vec![Default::default(); region_names.len()];
        for row in ec2.records() {
            let row = row.map_err(corrupt)?;
            let t = row.get(0).unwrap_or_default();
            if !instance_types.contains_key(t) {
                return Err(PricingError::Corrupt(format!("price for `{t}` but no such instance type")));
            }
            for (i, cell) in row.iter().skip(1).enumerate() {
                let Some((hourly, estimated)) = prices.get_mut(i) else {
                    return Err(PricingError::Corrupt(format!("`{t}` has more prices than regions")));
                };
                if cell.is_empty() {
                    continue;
                }
                let (cell, is_estimate) = cell.strip_prefix('~').map_or((cell, false), |c| (c, true));
                hourly.insert(t.to_string(), parse_price(cell, t)?);
                if is_estimate {
                    estimated.insert(t.to_string());
                }
            }
        }
        // Per region: the rates, and each one's status and source.
        type RegionRates = (BTreeMap<String, Usd>, BTreeMap<String, RateSource>);
        let mut fargate: BTreeMap<String, RegionRates> = BTreeMap::new();
        for row in csv::Reader::from_reader(fargate_csv.as_bytes()).deserialize::<FargateRow>() {
            let r = row.map_err(corrupt)?;
            let p = parse_price(&r.price_usd, &r.dimension)?;
            let status = match r.status.as_str() {
                "checked" => PriceStatus::Checked,
                "estimated" => PriceStatus::Estimated,
                "floating" => PriceStatus::Floating,
                other => return Err(PricingError::Corrupt(format!("Fargate rate status `{other}`"))),
            };
            let entry = fargate.entry(r.region).or_default();
            entry.0.insert(r.dimension.clone(), p);
            entry.1.insert(r.dimension, RateSource { status, source: r.source });
        }
        let mut regions = BTreeMap::new();
        for (region, (ec2_hourly, ec2_estimated)) in region_names.into_iter().zip(prices) {
            let (f, fargate_sources) = fargate
                .remove(&region)
                .ok_or_else(|| PricingError::Corrupt(format!("no Fargate rates for `{region}`")))?;
            let spot_as_of = fargate_sources
                .get("spot_vcpu")
                .and_then(|s| dated(&s.source))
                .unwrap_or_else(|| as_of.to_string());
            regions.insert(
                region.clone(),
                RegionPrices {
                    fargate: FargateRates::from_dimensions(&region, &f)?,
                    region,
                    source: "bundled".into(),
                    as_of: as_of.to_string(),
                    ec2_hourly,
                    ec2_estimated,
                    ec2_refreshed: BTreeSet::new(),
                    fargate_sources,
                    spot_as_of,
                    mi_fees: BTreeMap::new(),
                    ec2_factor: Decimal::ONE,
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
}

/// The first `YYYY-MM-DD` in a source note: the date of a Spot reading.
fn dated(source: &str) -> Option<String> {
    source
        .as_bytes()
        .windows(10)
        .position(|w| {
            w.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            })
        })
        .map(|at| source[at..at + 10].to_string())
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
                    assert_eq!(c.regions[r].ec2_status(&format!("{f}.{size}")), PriceStatus::Checked);
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
    fn an_unknown_region_is_an_error_naming_the_refresh_that_fixes_it() {
        let e = Catalog::bundled().unwrap().region("sa-east-1").unwrap_err().to_string();
        assert!(e.contains("`sa-east-1`") && e.contains("prices refresh --region sa-east-1"), "{e}");
    }

    #[test]
    fn everyday_instance_types_are_priced_in_us_east_1_as_the_price_list_says() {
        // Karpenter's generated on-demand table for us-east-1, 2026-07-20.
        let c = Catalog::bundled().unwrap();
        for (t, p, vcpu, mib, arch) in [
            ("m7a.large", "0.11592", 2, 8192, Arch::X86_64),
            ("c6in.xlarge", "0.2268", 4, 8192, Arch::X86_64),
            ("t3.nano", "0.0052", 2, 512, Arch::X86_64),
            ("c8g.large", "0.07976", 2, 4096, Arch::Arm64),
            ("g4dn.xlarge", "0.526", 4, 16384, Arch::X86_64),
        ] {
            assert_eq!(c.ec2_hourly("us-east-1", t).unwrap(), Usd::parse(p).unwrap(), "{t}");
            let spec = &c.instance_types[t];
            assert_eq!((spec.vcpu, spec.memory_mib, spec.arch), (vcpu, mib, arch), "{t}");
            assert_eq!(c.regions["us-east-1"].ec2_status(t), PriceStatus::Checked);
        }
        assert_eq!(c.instance_types["g4dn.xlarge"].gpus, 1);
        assert!(c.instance_types.len() > 1000, "{}", c.instance_types.len());
    }

    #[test]
    fn outside_us_east_1_a_wider_family_is_an_estimate_and_says_so() {
        let c = Catalog::bundled().unwrap();
        let r = &c.regions["eu-west-1"];
        assert_eq!(r.ec2_status("m5.large"), PriceStatus::Checked);
        assert_eq!(r.ec2_status("m7a.large"), PriceStatus::Estimated);
        // us-east-1's 0.11592 times m6a's eu-west-1 / us-east-1 ratio (0.0963 / 0.0864).
        assert_eq!(r.ec2_hourly["m7a.large"], Usd::parse("0.1292").unwrap());
        // A family outside the wide set has no price there: it is not guessed.
        assert!(!r.ec2_hourly.contains_key("x2iedn.xlarge"));
    }

    #[test]
    fn managed_instances_fees_are_the_published_example_or_an_estimate_that_says_its_rule() {
        let c = Catalog::bundled().unwrap();
        let r = &c.regions["us-east-1"];
        let (fee, status, source) = r.managed_instances_fee("c6a.2xlarge").unwrap();
        assert_eq!((fee, status), (Usd::parse("0.037").unwrap(), PriceStatus::Checked));
        assert!(source.contains("worked example"), "{source}");
        // 12% of m7i.large's 0.1008.
        let (fee, status, source) = r.managed_instances_fee("m7i.large").unwrap();
        assert_eq!((fee, status), (Usd::parse("0.0121").unwrap(), PriceStatus::Estimated));
        assert!(source.starts_with("estimate: 12% of On-Demand"), "{source}");
        // G-series after the 35% cut: 7.8% of g6.xlarge's 0.8048.
        assert_eq!(r.managed_instances_fee("g6.xlarge").unwrap().0, Usd::parse("0.06277").unwrap());
        // A discount on EC2 leaves the fee, estimated from the list price, as it is.
        let d = c.discounted(&crate::config::Discounts {
            savings_plan_pct: 0.0,
            ec2_discount_pct: 30.0,
        });
        assert_eq!(
            d.regions["us-east-1"].managed_instances_fee("m7i.large").unwrap().0,
            Usd::parse("0.0121").unwrap()
        );
        assert!(r.managed_instances_fee("z9.mega").is_none());
    }

    #[test]
    fn the_family_name_says_the_architecture() {
        for (f, arch) in [
            ("m7g", Arch::Arm64),
            ("c6gn", Arch::Arm64),
            ("r8gd", Arch::Arm64),
            ("g5g", Arch::Arm64),
            ("t4g", Arch::Arm64),
            ("a1", Arch::Arm64),
            ("m7a", Arch::X86_64),
            ("g4dn", Arch::X86_64),
            ("m7i-flex", Arch::X86_64),
            ("u-6tb1", Arch::X86_64),
        ] {
            assert_eq!(InstanceType::arch_of_family(f), arch, "{f}");
        }
        let c = Catalog::bundled().unwrap();
        for t in c.instance_types.values() {
            assert_eq!(InstanceType::arch_of_family(&t.family), t.arch, "{}", t.instance_type);
        }
    }

    #[test]
    fn fargate_rates_carry_their_status_and_the_spot_reading_its_date() {
        let c = Catalog::bundled().unwrap();
        let london = &c.regions["eu-west-2"];
        assert_eq!(london.fargate.windows_vcpu_hour, Usd::parse("0.053544").unwrap());
        assert_eq!(london.fargate.windows_gb_hour, Usd::parse("0.0058765").unwrap());
        assert_eq!(london.fargate.ephemeral_storage_gb_hour, Usd::parse("0.000129").unwrap());
        assert!(london.fargate_estimated().is_empty(), "{:?}", london.fargate_estimated());
        let frankfurt = &c.regions["eu-central-1"];
        assert_eq!(frankfurt.fargate_estimated(), vec!["linux_arm", "windows", "ephemeral_storage"]);
        // 1.15 x the Linux x86 rates, as in both full offers.
        assert_eq!(frankfurt.fargate.windows_vcpu_hour, Usd::parse("0.053544").unwrap());
        assert_eq!(c.regions["us-east-1"].spot_as_of, "2026-09-29");
        assert_eq!(c.regions["us-east-1"].fargate.spot_vcpu_hour, Usd::parse("0.01288561").unwrap());
    }
}
