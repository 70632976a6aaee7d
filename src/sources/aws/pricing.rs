//! Prices from the AWS Pricing API (GetProducts), into the local price cache. The API answers
//! `PriceList` as an array of JSON *strings*, one product each, with its attributes and its terms;
//! only Linux, shared tenancy, no pre-installed software, capacity status `Used`, on-demand prices
//! are kept, whatever the server returns.

use std::collections::BTreeMap;

use aws_sdk_pricing::types::{Filter, FilterType};
use aws_sdk_pricing::Client;
use chrono::Utc;
use serde_json::Value;

use super::{block_on, classify, load_config, ApiCalls, AwsError, AwsOptions, Progress};
use crate::pricing::cache::{self, CachedRegion, CachedType, FARGATE_DIMENSIONS};
use crate::pricing::Catalog;
use crate::sources::SourceError as Error;

/// The Pricing API's endpoint lives in a few regions only; us-east-1 is one.
pub const PRICING_REGION: &str = "us-east-1";

#[derive(Clone, Debug, PartialEq)]
pub struct Ec2Price {
    pub instance_type: String,
    pub usd_per_hour: String,
    /// vCPUs, memory and GPUs from the product's attributes, when it states them.
    pub spec: Option<CachedType>,
}

/// The product's size, as the price list writes it: `vcpu` "2", `memory` "8 GiB" (or "0.5 GiB",
/// "1,952 GiB"), `gpu` "1".
fn spec(item: &Value) -> Option<CachedType> {
    let vcpu = attr(item, "vcpu")?
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|v| (1..=cache::MAX_VCPU).contains(v))?;
    let gib = attr(item, "memory")?.trim().strip_suffix("GiB")?.trim().replace(',', "");
    let gib: f64 = gib
        .parse()
        .ok()
        .filter(|g: &f64| g.is_finite() && *g > 0.0 && *g * 1024.0 <= f64::from(cache::MAX_MEMORY_MIB))?;
    let gpus = attr(item, "gpu").and_then(|g| g.trim().parse::<u32>().ok()).unwrap_or(0);
    Some(CachedType {
        vcpu,
        memory_mib: (gib * 1024.0).round() as u32,
        gpus,
    })
}

#[derive(Clone, Debug, PartialEq)]
pub struct FargatePrice {
    pub dimension: &'static str,
    pub usd: String,
}

fn attr<'a>(item: &'a Value, name: &str) -> Option<&'a str> {
    item.pointer("/product/attributes")
        .and_then(|a| a.get(name))
        .and_then(Value::as_str)
}

/// The on-demand USD price of a product: every on-demand term and price dimension is walked (term
/// codes are not hard-coded); the dimension that starts at 0 wins when there are tiers.
fn on_demand_usd(item: &Value) -> Result<Option<String>, String> {
    let Some(terms) = item.pointer("/terms/OnDemand").and_then(Value::as_object) else {
        return Ok(None);
    };
    let mut prices: Vec<(bool, String)> = Vec::new();
    for term in terms.values() {
        let Some(dims) = term.get("priceDimensions").and_then(Value::as_object) else {
            continue;
        };
        for d in dims.values() {
            let Some(usd) = d.pointer("/pricePerUnit/USD").and_then(Value::as_str) else {
                continue;
            };
            if usd.trim().parse::<f64>().map_or(true, |v| !v.is_finite() || v < 0.0) {
                return Err(format!("price `{usd}` is not a number"));
            }
            let first_tier = d.get("beginRange").and_then(Value::as_str).is_none_or(|b| b == "0");
            prices.push((first_tier, usd.trim().to_string()));
        }
    }
    prices.sort_by_key(|(first, _)| !*first);
    Ok(prices.into_iter().next().map(|(_, p)| p))
}

fn parse(item: &str) -> Result<Value, String> {
    serde_json::from_str(item).map_err(|e| format!("a PriceList entry is not JSON: {e}"))
}

/// One EC2 product, if it is a Linux on-demand instance of `region` as ECS would run it.
pub fn parse_ec2_item(item: &str, region: &str) -> Result<Option<Ec2Price>, String> {
    let v = parse(item)?;
    let is = |name: &str, want: &str| attr(&v, name) == Some(want);
    let absent_or = |name: &str, want: &str| attr(&v, name).is_none_or(|x| x == want);
    let keep = is("regionCode", region)
        && is("operatingSystem", "Linux")
        && is("tenancy", "Shared")
        && is("preInstalledSw", "NA")
        && is("capacitystatus", "Used")
        && absent_or("marketoption", "OnDemand")
        && absent_or("licenseModel", "No License required")
        && absent_or("operation", "RunInstances");
    let Some(instance_type) = attr(&v, "instanceType").filter(|_| keep) else {
        return Ok(None);
    };
    Ok(on_demand_usd(&v)?.map(|usd_per_hour| Ec2Price {
        instance_type: instance_type.to_string(),
        usd_per_hour,
        spec: spec(&v),
    }))
}

/// Which Fargate dimension a usage type prices: `USE1-Fargate-vCPU-Hours:perCPU`,
/// `EU-Fargate-ARM-GB-Hours`, `USE1-Fargate-Windows-OS-Hours:perCPU`, ... (the region prefix
/// varies and is ignored).
fn fargate_dimension(usage_type: &str) -> Option<&'static str> {
    let at = usage_type.find("Fargate")?;
    let rest = &usage_type[at..];
    let prefix = &usage_type[..at];
    let spot = prefix.contains("Spot") || rest.contains("Spot");
    let arm = rest.contains("-ARM-");
    let windows = rest.contains("Windows");
    let vcpu = rest.contains("vCPU-Hours");
    let gb = rest.contains("GB-Hours");
    Some(match () {
        _ if rest.contains("EphemeralStorage") && gb && !windows && !spot => "ephemeral_storage",
        _ if windows && rest.contains("OS-Hours") && !spot => "windows_license_vcpu",
        _ if windows && vcpu && !spot => "windows_vcpu",
        _ if windows && gb && !spot => "windows_memory",
        _ if spot && !arm && !windows && vcpu => "spot_vcpu",
        _ if spot && !arm && !windows && gb => "spot_memory",
        _ if spot => return None,
        _ if arm && vcpu => "linux_arm_vcpu",
        _ if arm && gb => "linux_arm_memory",
        _ if vcpu => "linux_x86_vcpu",
        _ if gb => "linux_x86_memory",
        _ => return None,
    })
}

/// One Fargate product of `region`, if it is one of the rates the catalog holds.
pub fn parse_fargate_item(item: &str, region: &str) -> Result<Option<FargatePrice>, String> {
    let v = parse(item)?;
    if attr(&v, "regionCode") != Some(region) {
        return Ok(None);
    }
    let Some(dimension) = attr(&v, "usagetype").and_then(fargate_dimension) else {
        return Ok(None);
    };
    Ok(on_demand_usd(&v)?.map(|usd| FargatePrice { dimension, usd }))
}

/// An ECS Managed Instances management fee: an AmazonECS product of operation
/// `ECSManagedInstancesUsage` for the region, with its `instanceType` attribute (matched on
/// attributes, not usage-type strings). `Ok(None)` for any other product.
pub fn parse_managed_instances_fee(item: &str, region: &str) -> Result<Option<Ec2Price>, String> {
    let v = parse(item)?;
    if attr(&v, "regionCode") != Some(region) || attr(&v, "operation") != Some("ECSManagedInstancesUsage") {
        return Ok(None);
    }
    let Some(instance_type) = attr(&v, "instanceType") else {
        return Ok(None);
    };
    Ok(on_demand_usd(&v)?.map(|usd_per_hour| Ec2Price {
        instance_type: instance_type.to_string(),
        usd_per_hour,
        spec: None,
    }))
}

fn term(field: &str, value: &str) -> Result<Filter, AwsError> {
    Filter::builder()
        .r#type(FilterType::TermMatch)
        .field(field)
        .value(value)
        .build()
        .map_err(|e| AwsError::Unexpected {
            action: "pricing:GetProducts",
            message: e.to_string(),
        })
}

/// Every page of GetProducts for a service code and filters.
async fn products(
    client: &Client,
    service_code: &str,
    filters: Vec<Filter>,
    calls: &mut ApiCalls,
    progress: &mut Progress,
    label: &str,
) -> Result<Vec<String>, AwsError> {
    let mut items = Vec::new();
    let mut token = None;
    let mut pages = super::Pages::new("pricing:GetProducts");
    loop {
        progress.update(&format!("{label}: {} products", items.len()));
        calls.add("pricing:GetProducts");
        let out = client
            .get_products()
            .service_code(service_code)
            .set_filters(Some(filters.clone()))
            .format_version("aws_v1")
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify("pricing:GetProducts", e))?;
        items.extend(out.price_list().iter().cloned());
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    Ok(items)
}

/// What one region's refresh found.
#[derive(Clone, Debug)]
pub struct Refreshed {
    pub region: CachedRegion,
    pub path: std::path::PathBuf,
    /// Instance types the price list has that ecs-advisor has no specs for (skipped).
    /// Types the price list has that the bundled catalog does not: kept, with their specs.
    pub new_types: usize,
    /// Fargate dimensions the price list lacked (the bundled rate stays).
    pub kept_fargate: Vec<&'static str>,
}

/// Fetches each region's EC2 and Fargate prices and writes them to the cache.
pub fn refresh_prices(regions: &[String], opts: &AwsOptions, catalog: &Catalog) -> Result<(Vec<Refreshed>, ApiCalls), Error> {
    let base = cache::cache_dir().ok_or_else(|| Error::Write {
        path: "the cache directory".into(),
        message: format!("no cache directory on this system; set {}", cache::CACHE_DIR_ENV),
    })?;
    block_on(async {
        let mut progress = Progress::new(opts.quiet);
        let config = load_config(opts, Some(PRICING_REGION)).await?;
        let client = Client::from_conf(
            aws_sdk_pricing::config::Builder::from(&config)
                .interceptor(super::BoundedBody)
                .build(),
        );
        let mut calls = ApiCalls::default();
        let mut out = Vec::new();
        for region in regions {
            let bad = |message: String| AwsError::Unexpected {
                action: "pricing:GetProducts",
                message,
            };
            let ec2_filters = vec![
                term("regionCode", region)?,
                term("operatingSystem", "Linux")?,
                term("tenancy", "Shared")?,
                term("preInstalledSw", "NA")?,
                term("capacitystatus", "Used")?,
            ];
            let items = products(
                &client,
                "AmazonEC2",
                ec2_filters,
                &mut calls,
                &mut progress,
                &format!("{region} EC2"),
            )
            .await?;
            let mut ec2_hourly = BTreeMap::new();
            let mut instance_types = BTreeMap::new();
            for item in &items {
                let Some(p) = parse_ec2_item(item, region).map_err(bad)? else {
                    continue;
                };
                // Every type the price list has: one the bundled catalog lacks needs its size.
                if !catalog.instance_types.contains_key(&p.instance_type) {
                    let Some(spec) = p.spec else {
                        continue;
                    };
                    instance_types.entry(p.instance_type.clone()).or_insert(spec);
                }
                ec2_hourly.entry(p.instance_type).or_insert(p.usd_per_hour);
            }
            let new_types = instance_types.len();
            let items = products(
                &client,
                "AmazonECS",
                vec![term("regionCode", region)?],
                &mut calls,
                &mut progress,
                &format!("{region} Fargate"),
            )
            .await?;
            let mut fargate = BTreeMap::new();
            let mut managed_instances_fees = BTreeMap::new();
            for item in &items {
                if let Some(p) = parse_managed_instances_fee(item, region).map_err(bad)? {
                    managed_instances_fees.entry(p.instance_type).or_insert(p.usd_per_hour);
                } else if let Some(p) = parse_fargate_item(item, region).map_err(bad)? {
                    fargate.entry(p.dimension.to_string()).or_insert(p.usd);
                }
            }
            let core = ["linux_x86_vcpu", "linux_x86_memory", "linux_arm_vcpu", "linux_arm_memory"];
            if ec2_hourly.is_empty() || core.iter().any(|d| !fargate.contains_key(*d)) {
                return Err(Error::from(bad(format!(
                    "the price list has no Linux on-demand EC2 prices or Fargate rates for `{region}` ({} EC2, {} Fargate); nothing was cached",
                    ec2_hourly.len(),
                    fargate.len()
                ))));
            }
            // Checked as the catalog will load them, before anything is cached.
            for (what, price) in ec2_hourly.iter().chain(fargate.iter()).chain(managed_instances_fees.iter()) {
                crate::pricing::parse_price(price, &format!("`{what}` in {region}"))
                    .map_err(|e| bad(format!("{e}; nothing was cached")))?;
            }
            let kept_fargate = FARGATE_DIMENSIONS.iter().copied().filter(|d| !fargate.contains_key(*d)).collect();
            let cached = CachedRegion {
                region: region.clone(),
                fetched_at: Utc::now(),
                ec2_hourly,
                fargate,
                instance_types,
                managed_instances_fees,
            };
            let path = cache::write(&base, &cached).map_err(|e| Error::Write {
                path: cache::prices_dir(&base).display().to_string(),
                message: e.to_string(),
            })?;
            out.push(Refreshed {
                region: cached,
                path,
                new_types,
                kept_fargate,
            });
        }
        progress.clear();
        Ok((out, calls))
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ec2(attrs: &[(&str, &str)], usd: &str) -> String {
        let mut a: serde_json::Map<String, Value> = [
            ("instanceType", "m6i.large"),
            ("regionCode", "us-east-1"),
            ("operatingSystem", "Linux"),
            ("tenancy", "Shared"),
            ("preInstalledSw", "NA"),
            ("capacitystatus", "Used"),
            ("operation", "RunInstances"),
            ("licenseModel", "No License required"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), Value::from(*v)))
        .collect();
        for (k, v) in attrs {
            a.insert(k.to_string(), Value::from(*v));
        }
        serde_json::json!({
            "product": {"productFamily": "Compute Instance", "attributes": a, "sku": "ABC"},
            "serviceCode": "AmazonEC2",
            "terms": {
                "OnDemand": {"ABC.JRTCKXETXF": {"priceDimensions": {"ABC.JRTCKXETXF.6YS6EN2CT7": {
                    "unit": "Hrs", "beginRange": "0", "endRange": "Inf", "pricePerUnit": {"USD": usd}}}}},
                "Reserved": {"ABC.4NA7Y494T4": {"priceDimensions": {"ABC.4NA7Y494T4.6YS6EN2CT7": {
                    "unit": "Hrs", "pricePerUnit": {"USD": "0.0600000000"}}}}}
            }
        })
        .to_string()
    }

    #[test]
    fn ec2_items_keep_only_linux_shared_on_demand_used_capacity() {
        let p = parse_ec2_item(&ec2(&[], "0.0960000000"), "us-east-1").unwrap().unwrap();
        assert_eq!((p.instance_type.as_str(), p.usd_per_hour.as_str()), ("m6i.large", "0.0960000000"));
        for decoy in [
            ("operatingSystem", "Windows"),
            ("tenancy", "Dedicated"),
            ("preInstalledSw", "SQL Std"),
            ("capacitystatus", "UnusedCapacityReservation"),
            ("regionCode", "us-west-2"),
            ("operation", "RunInstances:0010"),
            ("licenseModel", "Bring your own license"),
        ] {
            assert_eq!(parse_ec2_item(&ec2(&[decoy], "0.5"), "us-east-1").unwrap(), None, "{decoy:?}");
        }
        assert!(parse_ec2_item("{oops", "us-east-1").is_err());
        assert!(parse_ec2_item(&ec2(&[], "free"), "us-east-1").is_err());
    }

    #[test]
    fn fargate_usage_types_map_to_dimensions() {
        for (u, d) in [
            ("USE1-Fargate-vCPU-Hours:perCPU", Some("linux_x86_vcpu")),
            ("USE1-Fargate-GB-Hours", Some("linux_x86_memory")),
            ("EU-Fargate-ARM-vCPU-Hours:perCPU", Some("linux_arm_vcpu")),
            ("EUC1-Fargate-ARM-GB-Hours", Some("linux_arm_memory")),
            ("USE1-Fargate-Windows-vCPU-Hours:perCPU", Some("windows_vcpu")),
            ("USE1-Fargate-Windows-GB-Hours", Some("windows_memory")),
            ("USE1-Fargate-Windows-OS-Hours:perCPU", Some("windows_license_vcpu")),
            ("USE1-Fargate-EphemeralStorage-GB-Hours", Some("ephemeral_storage")),
            ("USE1-SpotUsage-Fargate-vCPU-Hours:perCPU", Some("spot_vcpu")),
            ("USE1-SpotUsage-Fargate-GB-Hours", Some("spot_memory")),
            ("USE1-SpotUsage-Fargate-ARM-GB-Hours", None),
            ("USE1-DataTransfer-Out-Bytes", None),
        ] {
            assert_eq!(fargate_dimension(u), d, "{u}");
        }
    }
}
