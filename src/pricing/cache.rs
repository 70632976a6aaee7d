//! The local price cache: what `prices refresh` fetched from the Pricing API, one JSON file per
//! region under the user's cache directory (`$ECS_ADVISOR_CACHE_DIR`, else the platform's cache
//! directory + `ecs-advisor`, e.g. `~/.cache/ecs-advisor` on Linux). A cached region replaces the
//! bundled prices of that region; a region missing from the cache keeps the bundled prices, with
//! a warning once any region has been refreshed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Catalog, FargateRates, PricingError};
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
        let bytes = std::fs::read(&p).map_err(|e| corrupt(&p, e))?;
        let region: CachedRegion = serde_json::from_slice(&bytes).map_err(|e| corrupt(&p, e))?;
        if p.file_stem().is_none_or(|s| s.to_string_lossy() != region.region) {
            return Err(corrupt(&p, format!("it holds region `{}`", region.region)));
        }
        for (what, price) in region.ec2_hourly.iter().chain(region.fargate.iter()) {
            super::parse_price(price, what).map_err(|e| match e {
                PricingError::Corrupt(m) => corrupt(&p, m),
                other => other,
            })?;
        }
        out.push(region);
    }
    Ok(out)
}

/// Writes one region atomically (temporary file, then rename).
pub fn write(base: &Path, region: &CachedRegion) -> std::io::Result<PathBuf> {
    let dir = prices_dir(base);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}.json", region.region));
    let tmp = dir.join(format!(".{}.json.tmp-{}", region.region, std::process::id()));
    let text = serde_json::to_vec_pretty(region).map_err(std::io::Error::other)?;
    // Whatever fails (a full disk), the temporary file goes.
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })?;
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
    /// bundled price; the region's date becomes the refresh date.
    pub fn apply_cache(&mut self, cached: Vec<CachedRegion>) -> Result<(), PricingError> {
        for r in cached {
            let as_of = r.fetched_at.format("%Y-%m-%d").to_string();
            let Some(prices) = self.regions.get_mut(&r.region) else {
                // A region the bundled catalog lacks: it needs every Fargate rate.
                return Err(PricingError::Corrupt(format!(
                    "cached prices for `{}`, a region ecs-advisor does not know; delete them",
                    r.region
                )));
            };
            for (t, p) in &r.ec2_hourly {
                if !self.instance_types.contains_key(t) {
                    continue;
                }
                let price = super::parse_price(p, t)?;
                prices.ec2_hourly.insert(t.clone(), price);
            }
            for (d, p) in &r.fargate {
                let price = super::parse_price(p, d)?;
                if let Some(slot) = prices.fargate.rate_mut(d) {
                    *slot = price;
                }
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
        assert!(r.is_checked());
        assert!(c.fallback_warning("eu-west-1").is_none());
        let w = c.fallback_warning("us-east-1").unwrap();
        assert!(
            w.contains("`us-east-1` is not in the price cache") && w.contains("eu-west-1"),
            "{w}"
        );
        assert!(Catalog::bundled().unwrap().fallback_warning("us-east-1").is_none());
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
