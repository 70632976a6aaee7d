//! `prices show`: a region's catalog as a table, JSON (with the Fargate rates) or CSV.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};

use super::Format;
use crate::money::Usd;
use crate::pricing::{Catalog, PricingError};

struct Row<'a> {
    instance_type: &'a str,
    vcpu: u32,
    memory_gib: u32,
    arch: &'a str,
    max_enis: u32,
    price_per_hour_usd: Usd,
    /// Checked against the AWS price list (verified bundled rows, or refreshed ones).
    checked: bool,
}

/// Prices keep all their digits here (a price list has sub-cent rates).
fn exact(u: Usd) -> String {
    u.0.normalize().to_string()
}

pub fn render(catalog: &Catalog, region: &str, format: Format) -> Result<String, PricingError> {
    let r = catalog.region(region)?;
    let mut rows: Vec<Row> = r
        .ec2_hourly
        .iter()
        .map(|(t, p)| {
            let spec = &catalog.instance_types[t];
            Row {
                instance_type: t,
                vcpu: spec.vcpu,
                memory_gib: spec.memory_gib,
                arch: spec.arch.as_str(),
                max_enis: spec.max_enis,
                price_per_hour_usd: *p,
                checked: r.is_checked(),
            }
        })
        .collect();
    // By family, then by size: c5.large before c5.2xlarge (the names sort the other way).
    rows.sort_by(|a, b| {
        let family = |r: &Row| r.instance_type.split('.').next().unwrap_or("").to_string();
        family(a)
            .cmp(&family(b))
            .then(a.vcpu.cmp(&b.vcpu))
            .then(a.memory_gib.cmp(&b.memory_gib))
            .then(a.instance_type.cmp(b.instance_type))
    });
    Ok(match format {
        Format::Json => {
            // Built by hand: prices keep every digit, where a report's Usd rounds to the cent.
            let f = &r.fargate;
            let v = serde_json::json!({
                "region": region,
                "as_of": r.as_of,
                "source": r.source,
                "fargate_unchecked": r.fargate_unchecked(),
                "ec2_linux_on_demand": rows.iter().map(|row| serde_json::json!({
                    "instance_type": row.instance_type, "vcpu": row.vcpu, "memory_gib": row.memory_gib,
                    "arch": row.arch, "max_enis": row.max_enis, "price_per_hour_usd": num(row.price_per_hour_usd), "checked": row.checked,
                })).collect::<Vec<_>>(),
                "fargate": {
                    "linux_x86": {"vcpu_hour": num(f.linux_x86_vcpu_hour), "gb_hour": num(f.linux_x86_gb_hour)},
                    "linux_arm": {"vcpu_hour": num(f.linux_arm_vcpu_hour), "gb_hour": num(f.linux_arm_gb_hour)},
                    "spot": {"vcpu_hour": num(f.spot_vcpu_hour), "gb_hour": num(f.spot_gb_hour)},
                    "windows": {"vcpu_hour": num(f.windows_vcpu_hour), "gb_hour": num(f.windows_gb_hour), "os_license_vcpu_hour": num(f.windows_license_vcpu_hour)},
                    "ephemeral_storage_gb_hour_beyond_20_gib": num(f.ephemeral_storage_gb_hour),
                },
            });
            let mut s = serde_json::to_string_pretty(&v).expect("serializable");
            s.push('\n');
            s
        }
        Format::Csv => {
            let mut out = String::from("instance_type,vcpu,memory_gib,arch,max_enis,price_per_hour_usd,checked\n");
            for row in &rows {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{}\n",
                    row.instance_type,
                    row.vcpu,
                    row.memory_gib,
                    row.arch,
                    row.max_enis,
                    exact(row.price_per_hour_usd),
                    row.checked
                ));
            }
            out
        }
        Format::Table | Format::Markdown => {
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED);
            t.set_header(vec![
                "Instance type",
                "vCPU",
                "Memory GiB",
                "Arch",
                "Max ENIs",
                "USD/hour",
                "Checked",
            ]);
            for row in &rows {
                t.add_row(vec![
                    Cell::new(row.instance_type),
                    Cell::new(row.vcpu).set_alignment(CellAlignment::Right),
                    Cell::new(row.memory_gib).set_alignment(CellAlignment::Right),
                    Cell::new(row.arch),
                    Cell::new(row.max_enis).set_alignment(CellAlignment::Right),
                    Cell::new(exact(row.price_per_hour_usd)).set_alignment(CellAlignment::Right),
                    // An unchecked row is marked on the row itself, not only in the title.
                    Cell::new(if row.checked { "yes" } else { "NO: estimate" }),
                ]);
            }
            let f = &r.fargate;
            format!(
                "EC2 Linux on-demand prices in {region}, as of {} ({})\n{t}\n\nFargate per hour: Linux/x86 {} per vCPU, {} per GB; Linux/ARM {} per vCPU, {} per GB; Spot {} per vCPU, {} per GB (floating); Windows {} per vCPU + {} OS licence per vCPU, {} per GB; ephemeral storage beyond 20 GiB {} per GB.{}\n",
                r.as_of,
                r.source,
                exact(f.linux_x86_vcpu_hour),
                exact(f.linux_x86_gb_hour),
                exact(f.linux_arm_vcpu_hour),
                exact(f.linux_arm_gb_hour),
                exact(f.spot_vcpu_hour),
                exact(f.spot_gb_hour),
                exact(f.windows_vcpu_hour),
                exact(f.windows_license_vcpu_hour),
                exact(f.windows_gb_hour),
                exact(f.ephemeral_storage_gb_hour),
                match r.fargate_unchecked() {
                    [] => String::new(),
                    groups => format!(" Not yet checked against the AWS price list: Fargate {} rates.", groups.join(", ")),
                },
            )
        }
    })
}

fn num(u: Usd) -> f64 {
    exact(u).parse().unwrap_or_default()
}
