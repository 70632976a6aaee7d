//! `prices show`: the catalog, one region or every region, as a table, JSON or CSV. Every row says
//! how sure its price is (`checked`, `estimated`, `floating`) and where it comes from, and carries
//! the type's ECS Managed Instances management fee (published, refreshed or estimated).

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};

use super::Format;
use crate::money::Usd;
use crate::pricing::{cache::FARGATE_DIMENSIONS, Catalog, InstanceType, PriceStatus, PricingError, RegionPrices};

struct Row<'a> {
    region: &'a str,
    spec: &'a InstanceType,
    price_per_hour_usd: Usd,
    status: PriceStatus,
    source: String,
    /// The ECS Managed Instances management fee per instance-hour, its status and source.
    fee: Option<(Usd, PriceStatus, String)>,
}

struct FargateRow<'a> {
    region: &'a str,
    dimension: &'static str,
    rate: Usd,
    status: PriceStatus,
    source: String,
}

/// Prices keep all their digits here (a price list has sub-cent rates).
fn exact(u: Usd) -> String {
    u.0.normalize().to_string()
}

/// Memory in GiB as the price list writes it: 0.5, 8, 1.5.
fn gib(mib: u32) -> String {
    let g = rust_decimal::Decimal::from(mib) / rust_decimal::Decimal::from(1024);
    g.normalize().to_string()
}

fn unit(dimension: &str) -> &'static str {
    if dimension.ends_with("vcpu") {
        "vCPU-hour"
    } else {
        "GB-hour"
    }
}

fn rows<'a>(catalog: &'a Catalog, r: &'a RegionPrices) -> Vec<Row<'a>> {
    let mut rows: Vec<Row> = r
        .ec2_hourly
        .iter()
        .filter_map(|(t, p)| {
            let (status, source) = r.ec2_source(t);
            Some(Row {
                region: &r.region,
                spec: catalog.instance_types.get(t)?,
                price_per_hour_usd: *p,
                status,
                source,
                fee: r.managed_instances_fee(t),
            })
        })
        .collect();
    // By family, then by size: c5.large before c5.2xlarge (the names sort the other way).
    rows.sort_by(|a, b| a.spec.family.cmp(&b.spec.family).then(a.spec.size_key().cmp(&b.spec.size_key())));
    rows
}

fn fargate_rows(r: &RegionPrices) -> Vec<FargateRow<'_>> {
    let f = &r.fargate;
    let rates = [
        f.linux_x86_vcpu_hour,
        f.linux_x86_gb_hour,
        f.linux_arm_vcpu_hour,
        f.linux_arm_gb_hour,
        f.spot_vcpu_hour,
        f.spot_gb_hour,
        f.windows_vcpu_hour,
        f.windows_gb_hour,
        f.windows_license_vcpu_hour,
        f.ephemeral_storage_gb_hour,
    ];
    FARGATE_DIMENSIONS
        .iter()
        .zip(rates)
        .map(|(d, rate)| {
            let s = r.fargate_sources.get(*d);
            FargateRow {
                region: &r.region,
                dimension: d,
                rate,
                status: s.map_or(PriceStatus::Estimated, |s| s.status),
                source: s.map_or_else(String::new, |s| s.source.clone()),
            }
        })
        .collect()
}

/// `region`: one region, or every region the catalog knows when `None`.
pub fn render(catalog: &Catalog, region: Option<&str>, format: Format) -> Result<String, PricingError> {
    let regions: Vec<&RegionPrices> = match region {
        Some(r) => vec![catalog.region(r)?],
        None => catalog.regions.values().collect(),
    };
    Ok(match format {
        Format::Json => {
            // Built by hand: prices keep every digit, where a report's Usd rounds to the cent.
            let v: Vec<serde_json::Value> = regions
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "region": r.region,
                        "as_of": r.as_of,
                        "source": r.source,
                        "fargate_spot_as_of": r.spot_as_of,
                        "ec2_linux_on_demand": rows(catalog, r).iter().map(|row| serde_json::json!({
                            "instance_type": row.spec.instance_type, "vcpu": row.spec.vcpu, "memory_mib": row.spec.memory_mib,
                            "arch": row.spec.arch.as_str(), "max_enis": row.spec.max_enis, "gpus": row.spec.gpus,
                            "price_per_hour_usd": num(row.price_per_hour_usd), "status": row.status.as_str(), "source": row.source,
                            "managed_instances_fee": row.fee.as_ref().map(|(fee, status, source)| serde_json::json!({
                                "usd_per_hour": num(*fee), "status": status.as_str(), "source": source,
                            })),
                        })).collect::<Vec<_>>(),
                        "fargate": fargate_rows(r).iter().map(|f| serde_json::json!({
                            "dimension": f.dimension, "price_usd": num(f.rate), "unit": unit(f.dimension),
                            "status": f.status.as_str(), "source": f.source,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let v = match region {
                Some(_) => v.into_iter().next().unwrap_or_default(),
                None => serde_json::Value::Array(v),
            };
            let mut s = serde_json::to_string_pretty(&v).expect("serializable");
            s.push('\n');
            s
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut write = |fields: &[&str]| w.write_record(fields).expect("writing to memory");
            write(&[
                "region",
                "kind",
                "name",
                "vcpu",
                "memory_gib",
                "arch",
                "max_enis",
                "gpus",
                "price_usd",
                "unit",
                "status",
                "source",
                "managed_instances_fee_usd",
                "managed_instances_fee_status",
            ]);
            for r in &regions {
                for row in rows(catalog, r) {
                    let s = row.spec;
                    write(&[
                        row.region,
                        "ec2",
                        &s.instance_type,
                        &s.vcpu.to_string(),
                        &gib(s.memory_mib),
                        s.arch.as_str(),
                        &s.max_enis.to_string(),
                        &s.gpus.to_string(),
                        &exact(row.price_per_hour_usd),
                        "hour",
                        row.status.as_str(),
                        &row.source,
                        &row.fee.as_ref().map(|f| exact(f.0)).unwrap_or_default(),
                        row.fee.as_ref().map_or("", |f| f.1.as_str()),
                    ]);
                }
                for f in fargate_rows(r) {
                    write(&[
                        f.region,
                        "fargate",
                        f.dimension,
                        "",
                        "",
                        "",
                        "",
                        "",
                        &exact(f.rate),
                        unit(f.dimension),
                        f.status.as_str(),
                        &f.source,
                        "",
                        "",
                    ]);
                }
            }
            String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 fields")
        }
        // `prices show` offers table, JSON and CSV; the others read as the table.
        Format::Table | Format::Markdown | Format::Patch => {
            let mut out = String::new();
            for r in &regions {
                let mut sources: Vec<String> = Vec::new();
                let mut note = |s: String| -> String {
                    let at = sources.iter().position(|x| *x == s).unwrap_or_else(|| {
                        sources.push(s);
                        sources.len() - 1
                    });
                    format!("[{}]", at + 1)
                };
                let mut t = Table::new();
                t.load_style(UTF8_FULL_CONDENSED);
                t.set_header(vec![
                    "Instance type",
                    "vCPU",
                    "Memory GiB",
                    "Arch",
                    "Max ENIs",
                    "GPUs",
                    "USD/hour",
                    "Price",
                    "MI fee/hour",
                    "Fee",
                ]);
                for row in rows(catalog, r) {
                    let s = row.spec;
                    t.add_row(vec![
                        Cell::new(&s.instance_type),
                        Cell::new(s.vcpu).set_alignment(CellAlignment::Right),
                        Cell::new(gib(s.memory_mib)).set_alignment(CellAlignment::Right),
                        Cell::new(s.arch.as_str()),
                        Cell::new(if s.max_enis == 0 { "?".to_string() } else { s.max_enis.to_string() })
                            .set_alignment(CellAlignment::Right),
                        Cell::new(s.gpus).set_alignment(CellAlignment::Right),
                        Cell::new(exact(row.price_per_hour_usd)).set_alignment(CellAlignment::Right),
                        // How sure each price is, on the row itself, not only in the title.
                        Cell::new(format!("{} {}", row.status.as_str(), note(row.source))),
                        Cell::new(row.fee.as_ref().map(|f| exact(f.0)).unwrap_or_default()).set_alignment(CellAlignment::Right),
                        Cell::new(
                            row.fee
                                .map(|(_, status, source)| format!("{} {}", status.as_str(), note(source)))
                                .unwrap_or_default(),
                        ),
                    ]);
                }
                let mut f = Table::new();
                f.load_style(UTF8_FULL_CONDENSED);
                f.set_header(vec!["Fargate", "USD", "per", "Price"]);
                for row in fargate_rows(r) {
                    f.add_row(vec![
                        Cell::new(row.dimension),
                        Cell::new(exact(row.rate)).set_alignment(CellAlignment::Right),
                        Cell::new(unit(row.dimension)),
                        Cell::new(format!("{} {}", row.status.as_str(), note(row.source))),
                    ]);
                }
                out.push_str(&format!(
                    "EC2 Linux on-demand prices in {}, {} catalog of {}\n{t}\n\nFargate in {} (Spot read {}; ephemeral storage is per GB beyond 20 GiB)\n{f}\n\n",
                    r.region,
                    if r.is_refreshed() { "refreshed" } else { "bundled" },
                    r.as_of,
                    r.region,
                    r.spot_as_of,
                ));
                for (i, s) in sources.iter().enumerate() {
                    out.push_str(&format!("[{}] {s}\n", i + 1));
                }
                out.push('\n');
            }
            out.pop();
            out
        }
    })
}

fn num(u: Usd) -> f64 {
    exact(u).parse().unwrap_or_default()
}
