//! The local price cache: what `prices refresh` fetched from the Pricing API, one JSON file per
//! region under the user's cache directory (`$ECS_ADVISOR_CACHE_DIR`, else the platform's cache
//! directory + `ecs-advisor`, e.g. `~/.cache/ecs-advisor` on Linux). A cached region replaces the
//! bundled prices of that region; a region missing from the cache keeps the bundled prices, with
//! a warning once any region has been refreshed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Catalog, FargateRates, InstanceType, PriceStatus, PricingError, RateSource, RegionPrices};
use crate::money::Usd;

/// The `source` of a refreshed region.
pub const SOURCE: &str = "pricing-api";
pub const CACHE_DIR_ENV: &str = "ECS_ADVISOR_CACHE_DIR";

/// The Fargate dimensions, named as in `data/prices/fargate.csv`.
pub const FARGATE_DIMENSIONS: [&str; 10] = [
    "linux_x86_vcpu",
    "linux_x86_memory",
    "linux_arm_vcpu",
    "linux_arm_memory",
    "spot_vcpu",
    "spot_memory",
    "windows_vcpu",
    "windows_memory",
    "windows_license_vcpu",
    "ephemeral_storage",
];

/// One region's refreshed prices, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CachedRegion {
    pub region: String,
    pub fetched_at: DateTime<Utc>,
    /// On-demand Linux price per hour, USD, as the price list writes it.
    pub ec2_hourly: BTreeMap<String, String>,
    /// Fargate rates by dimension (see [`FARGATE_DIMENSIONS`]); a dimension the price list did
    /// not have keeps the bundled rate.
    pub fargate: BTreeMap<String, String>,
    /// Specs of the types the bundled catalog does not know, from the price list's product
    /// attributes (vCPUs, memory, the family's architecture). Their ENIs are not in the price
    /// list: `max_enis` is 0 (unknown).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub instance_types: BTreeMap<String, CachedType>,
    /// ECS Managed Instances management fees per instance-hour, by instance type (AmazonECS,
    /// operation `ECSManagedInstancesUsage`). Absent in caches written before they were read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub managed_instances_fees: BTreeMap<String, String>,
}

/// The largest instance EC2 offers is well under these (u7in-32tb: 896 vCPUs, 32 TiB).
pub const MAX_VCPU: u32 = 4096;
pub const MAX_MEMORY_MIB: u32 = 64 * 1024 * 1024;

/// An instance type the price list describes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CachedType {
    pub vcpu: u32,
    pub memory_mib: u32,
    #[serde(default)]
    pub gpus: u32,
}

/// The cache directory in use, if there is one.
pub fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os(CACHE_DIR_ENV) {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => dirs::cache_dir().map(|d| d.join("ecs-advisor")),
    }
}

pub fn prices_dir(base: &Path) -> PathBuf {
    base.join("prices")
}

fn corrupt(path: &Path, message: impl std::fmt::Display) -> PricingError {
    PricingError::Corrupt(format!(
        "cached prices `{}`: {message}; delete the file or run `ecs-advisor prices refresh`",
        path.display()
    ))
}

/// Reads every cached region. No directory means no cache.
pub fn read_all(base: &Path) -> Result<Vec<CachedRegion>, PricingError> {
    let dir = prices_dir(base);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let bytes = crate::input::read(&p, crate::input::LARGE).map_err(|e| corrupt(&p, e))?;
        let region: CachedRegion = serde_json::from_slice(&bytes).map_err(|e| corrupt(&p, e))?;
        if p.file_stem().is_none_or(|s| s.to_string_lossy() != region.region) {
            return Err(corrupt(&p, format!("it holds region `{}`", region.region)));
        }
        // A type's size drives packing arithmetic: keep it to what EC2 offers.
        for (t, spec) in &region.instance_types {
            if !(1..=MAX_VCPU).contains(&spec.vcpu) || !(1..=MAX_MEMORY_MIB).contains(&spec.memory_mib) {
                return Err(corrupt(
                    &p,
                    format!(
                        "`{t}` has {} vCPUs and {} MiB: a type has 1 to {MAX_VCPU} vCPUs and up to {MAX_MEMORY_MIB} MiB",
                        spec.vcpu, spec.memory_mib
                    ),
                ));
            }
        }
        for (what, price) in region
            .ec2_hourly
            .iter()
            .chain(region.fargate.iter())
            .chain(region.managed_instances_fees.iter())
        {
            super::parse_price(price, what).map_err(|e| match e {
                PricingError::Corrupt(m) => corrupt(&p, m),
                other => other,
            })?;
        }
        out.push(region);
    }
    Ok(out)
}

/// Writes one region atomically.
pub fn write(base: &Path, region: &CachedRegion) -> std::io::Result<PathBuf> {
    let dir = prices_dir(base);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}.json", region.region));
    let text = serde_json::to_vec_pretty(region).map_err(std::io::Error::other)?;
    crate::fsio::write_file(&path, &text)?;
    Ok(path)
}

impl FargateRates {
    fn rate_mut(&mut self, dimension: &str) -> Option<&mut Usd> {
        Some(match dimension {
            "linux_x86_vcpu" => &mut self.linux_x86_vcpu_hour,
            "linux_x86_memory" => &mut self.linux_x86_gb_hour,
            "linux_arm_vcpu" => &mut self.linux_arm_vcpu_hour,
            "linux_arm_memory" => &mut self.linux_arm_gb_hour,
            "spot_vcpu" => &mut self.spot_vcpu_hour,
            "spot_memory" => &mut self.spot_gb_hour,
            "windows_vcpu" => &mut self.windows_vcpu_hour,
            "windows_memory" => &mut self.windows_gb_hour,
            "windows_license_vcpu" => &mut self.windows_license_vcpu_hour,
            "ephemeral_storage" => &mut self.ephemeral_storage_gb_hour,
            _ => return None,
        })
    }
}

impl Catalog {
    /// The catalog `analyze`, `pack` and `prices show` use: the bundled one, with every region
    /// found in the cache replaced by its refreshed prices.
    pub fn load() -> Result<Catalog, PricingError> {
        let mut c = Catalog::bundled()?;
        if let Some(base) = cache_dir() {
            c.apply_cache(read_all(&base)?)?;
        }
        Ok(c)
    }

    /// Overlays refreshed regions. An instance type or Fargate dimension the cache lacks keeps its
    /// bundled price; the region's date becomes the refresh date. A region the bundled catalog
    /// lacks comes whole from the cache: it needs the Linux Fargate rates, and a dimension the
    /// price list did not have (Spot, Windows, storage) is estimated by the bundled catalog's
    /// rules (see [`estimate_missing_fargate`]).
    pub fn apply_cache(&mut self, cached: Vec<CachedRegion>) -> Result<(), PricingError> {
        for r in cached {
            let as_of = r.fetched_at.format("%Y-%m-%d").to_string();
            for (t, spec) in &r.instance_types {
                self.instance_types.entry(t.clone()).or_insert_with(|| {
                    let family = super::family_of(t).to_string();
                    InstanceType {
                        instance_type: t.clone(),
                        arch: InstanceType::arch_of_family(&family),
                        family,
                        vcpu: spec.vcpu,
                        memory_mib: spec.memory_mib,
                        max_enis: 0,
                        gpus: spec.gpus,
                    }
                });
            }
            if !self.regions.contains_key(&r.region) {
                let region = new_region(&r, &as_of)?;
                self.regions.insert(r.region.clone(), region);
            }
            let prices = self.regions.get_mut(&r.region).expect("inserted above");
            for (t, p) in &r.ec2_hourly {
                if !self.instance_types.contains_key(t) {
                    continue;
                }
                let price = super::parse_price(p, t)?;
                prices.ec2_hourly.insert(t.clone(), price);
                prices.ec2_estimated.remove(t);
                prices.ec2_refreshed.insert(t.clone());
            }
            for (d, p) in &r.fargate {
                let price = super::parse_price(p, d)?;
                if let Some(slot) = prices.fargate.rate_mut(d) {
                    *slot = price;
                    let status = if d.starts_with("spot") {
                        PriceStatus::Floating
                    } else {
                        PriceStatus::Checked
                    };
                    let source = format!("Pricing API, refreshed {as_of}");
                    prices.fargate_sources.insert(d.clone(), RateSource { status, source });
                    if d.starts_with("spot") {
                        prices.spot_as_of = as_of.clone();
                    }
                }
            }
            for (t, p) in &r.managed_instances_fees {
                let fee = super::parse_price(p, t)?;
                prices.mi_fees.insert(t.clone(), (fee, format!("Pricing API, refreshed {as_of}")));
            }
            prices.source = SOURCE.into();
            prices.as_of = as_of;
        }
        Ok(())
    }

    /// The warning for a region that falls back to the bundled prices while others were refreshed.
    pub fn fallback_warning(&self, region: &str) -> Option<String> {
        let refreshed: Vec<&str> = self
            .regions
            .values()
            .filter(|r| r.source == SOURCE)
            .map(|r| r.region.as_str())
            .collect();
        let this = self.regions.get(region)?;
        (!refreshed.is_empty() && this.source != SOURCE).then(|| {
            format!(
                "`{region}` is not in the price cache (refreshed: {}); using the bundled prices of {}. Run `ecs-advisor prices refresh --region {region}`",
                refreshed.join(", "),
                this.as_of
            )
        })
    }
}

/// A region only the cache has: its Fargate rates as refreshed, the missing ones estimated.
fn new_region(r: &CachedRegion, as_of: &str) -> Result<RegionPrices, PricingError> {
    let mut rates = BTreeMap::new();
    for (d, p) in &r.fargate {
        rates.insert(d.clone(), super::parse_price(p, d)?);
    }
    let mut sources: BTreeMap<String, RateSource> = r
        .fargate
        .keys()
        .map(|d| {
            let status = if d.starts_with("spot") {
                PriceStatus::Floating
            } else {
                PriceStatus::Checked
            };
            (
                d.clone(),
                RateSource {
                    status,
                    source: format!("Pricing API, refreshed {as_of}"),
                },
            )
        })
        .collect();
    for (d, rate, rule) in estimate_missing_fargate(&rates).map_err(|missing| {
        PricingError::Corrupt(format!(
            "cached prices for `{}` have no Fargate `{missing}` rate; run `ecs-advisor prices refresh --region {}` again",
            r.region, r.region
        ))
    })? {
        rates.insert(d.to_string(), rate);
        sources.insert(
            d.to_string(),
            RateSource {
                status: PriceStatus::Estimated,
                source: rule.to_string(),
            },
        );
    }
    Ok(RegionPrices {
        fargate: FargateRates::from_dimensions(&r.region, &rates)?,
        region: r.region.clone(),
        source: SOURCE.into(),
        as_of: as_of.to_string(),
        ec2_hourly: BTreeMap::new(),
        ec2_estimated: Default::default(),
        ec2_refreshed: Default::default(),
        fargate_sources: sources,
        spot_as_of: as_of.to_string(),
        mi_fees: BTreeMap::new(),
        ec2_factor: rust_decimal::Decimal::ONE,
    })
}

/// Fargate rates a region's price list did not give, by the rules the bundled catalog uses
/// (`data/prices/README.md`): Windows 1.15 x the Linux x86 rates plus the 0.046 licence, storage
/// at us-east-1's rate scaled like the Linux x86 vCPU rate, Spot at 30% of on-demand (AWS: "up to
/// 70% off"). The Linux x86 and ARM rates cannot be estimated: `Err` names the first missing one.
pub fn estimate_missing_fargate(rates: &BTreeMap<String, Usd>) -> Result<Vec<(&'static str, Usd, &'static str)>, &'static str> {
    use rust_decimal::Decimal;
    let core = ["linux_x86_vcpu", "linux_x86_memory", "linux_arm_vcpu", "linux_arm_memory"];
    if let Some(missing) = core.iter().find(|d| !rates.contains_key(**d)) {
        return Err(missing);
    }
    let (vcpu, gb) = (rates["linux_x86_vcpu"], rates["linux_x86_memory"]);
    let dec = |s: &str| Decimal::from_str_exact(s).expect("constant");
    const WINDOWS: &str = "estimate: 1.15 x the Linux x86 rate, licence 0.046, as in every full offer";
    const STORAGE: &str = "estimate: us-east-1's 0.000111 scaled by this region's Linux x86 vCPU rate";
    const SPOT: &str = "estimate: 30% of the Linux x86 on-demand rate (Spot is up to 70% off)";
    let all: [(&'static str, Usd, &'static str); 6] = [
        ("windows_vcpu", vcpu * dec("1.15"), WINDOWS),
        ("windows_memory", gb * dec("1.15"), WINDOWS),
        ("windows_license_vcpu", Usd(dec("0.046")), WINDOWS),
        (
            "ephemeral_storage",
            Usd((dec("0.000111") * vcpu.0 / dec("0.04048")).round_dp(6)),
            STORAGE,
        ),
        ("spot_vcpu", vcpu * dec("0.3"), SPOT),
        ("spot_memory", gb * dec("0.3"), SPOT),
    ];
    Ok(all.into_iter().filter(|(d, _, _)| !rates.contains_key(*d)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn cached(region: &str) -> CachedRegion {
        CachedRegion {
            region: region.into(),
            fetched_at: Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap(),
            ec2_hourly: [("m6i.large".to_string(), "0.0990000000".to_string())].into(),
            fargate: [("linux_x86_vcpu".to_string(), "0.0410000000".to_string())].into(),
            instance_types: BTreeMap::new(),
            managed_instances_fees: BTreeMap::new(),
        }
    }

    #[test]
    fn a_cached_region_replaces_the_bundled_prices_and_dates_them() {
        let mut c = Catalog::bundled().unwrap();
        c.apply_cache(vec![cached("eu-west-1")]).unwrap();
        let r = c.region("eu-west-1").unwrap();
        assert_eq!(r.ec2_hourly["m6i.large"], Usd::parse("0.099").unwrap());
        assert_eq!(r.fargate.linux_x86_vcpu_hour, Usd::parse("0.041").unwrap());
        assert_eq!((r.source.as_str(), r.as_of.as_str()), (SOURCE, "2026-11-26"));
        assert!(r.is_refreshed());
        assert!(c.fallback_warning("eu-west-1").is_none());
        let w = c.fallback_warning("us-east-1").unwrap();
        assert!(
            w.contains("`us-east-1` is not in the price cache") && w.contains("eu-west-1"),
            "{w}"
        );
        assert!(Catalog::bundled().unwrap().fallback_warning("us-east-1").is_none());
    }

    #[test]
    fn a_cached_type_of_an_impossible_size_is_refused_not_packed() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = cached("us-east-1");
        r.instance_types.insert(
            "x9.huge".into(),
            CachedType {
                vcpu: u32::MAX,
                memory_mib: 1024,
                gpus: 0,
            },
        );
        write(dir.path(), &r).unwrap();
        let e = read_all(dir.path()).unwrap_err().to_string();
        assert!(e.contains("`x9.huge` has 4294967295 vCPUs") && e.contains("prices refresh"), "{e}");
    }

    #[test]
    fn the_cache_round_trips_and_corruption_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_all(dir.path()).unwrap().is_empty());
        let path = write(dir.path(), &cached("us-east-1")).unwrap();
        assert_eq!(read_all(dir.path()).unwrap(), vec![cached("us-east-1")]);
        std::fs::write(&path, "{not json").unwrap();
        let e = read_all(dir.path()).unwrap_err().to_string();
        assert!(e.contains("us-east-1.json") && e.contains("prices refresh"), "{e}");
    }
}
