//! Assumptions: the embedded commented defaults (`defaults.toml`), overlaid by a user's config
//! file, then by flags. The core takes an [`Assumptions`]; it never sees where a value came from.

use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub const DEFAULTS_TOML: &str = include_str!("defaults.toml");

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assumptions {
    pub rightsizing: Rightsizing,
    pub fargate: FargateAssumptions,
    pub ec2: Ec2Assumptions,
    pub recommend: RecommendAssumptions,
    pub discounts: Discounts,
    /// Absent from reports written before the option was added: they read as the default.
    #[serde(default)]
    pub managed_instances: ManagedInstancesAssumptions,
}

/// How ECS Managed Instances would run the cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagedInstancesAssumptions {
    /// Instance families ECS may pick (a capacity provider's instance requirements).
    pub families: Vec<String>,
    /// Largest instance, in vCPUs, ECS may pick.
    pub max_vcpu: u32,
    /// Saving over Fargate that Managed Instances must reach before it is recommended, percent.
    #[serde(default = "mi_min_savings_pct")]
    pub min_savings_pct: f64,
    /// Minutes an idle or underused instance runs before ECS optimizes it away (the provider's
    /// `infrastructureOptimization.scaleInAfter`); a provider of the cluster that sets it wins.
    #[serde(default = "mi_scale_in_after_minutes")]
    pub scale_in_after_minutes: u32,
}

fn mi_min_savings_pct() -> f64 {
    5.0
}

fn mi_scale_in_after_minutes() -> u32 {
    15
}

impl Default for ManagedInstancesAssumptions {
    fn default() -> Self {
        ManagedInstancesAssumptions {
            families: ["m8i", "m8a", "m8g", "m7i", "m7a", "m7g"].map(String::from).to_vec(),
            max_vcpu: 16,
            min_savings_pct: mi_min_savings_pct(),
            scale_in_after_minutes: mi_scale_in_after_minutes(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rightsizing {
    pub cpu_percentile: f64,
    pub memory_percentile: f64,
    pub cpu_headroom_pct: f64,
    pub memory_headroom_pct: f64,
    pub min_data_days: f64,
    pub min_data_samples: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FargateAssumptions {
    pub spot_tag: String,
    pub arm_tag: String,
    pub linux_minimum_seconds: u64,
    pub windows_minimum_seconds: u64,
}

impl FargateAssumptions {
    /// The least a task start is billed on `platform`.
    pub fn minimum_seconds(&self, platform: crate::domain::Platform) -> u64 {
        match platform {
            crate::domain::Platform::Windows => self.windows_minimum_seconds,
            _ => self.linux_minimum_seconds,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ec2Assumptions {
    pub reserved_memory_mib: u32,
    pub eni_trunking: bool,
    pub include_burstable: bool,
    pub cpu_step_units: u32,
    pub memory_step_mib: u32,
    pub scale_in_minutes: u32,
    pub target_capacity_pct: u32,
    pub spot_share_pct: f64,
    pub spot_discount_pct: f64,
    pub availability_zones: u32,
    /// Instance families the EC2 simulations may choose (the cluster's own families always may).
    /// Absent from reports written before it was added: they read as the default.
    #[serde(default = "default_families")]
    pub families: Vec<String>,
    /// Largest instance, in vCPUs, the EC2 simulations may choose.
    #[serde(default = "default_max_vcpu")]
    pub max_vcpu: u32,
}

fn default_families() -> Vec<String> {
    Assumptions::default().ec2.families
}

fn default_max_vcpu() -> u32 {
    Assumptions::default().ec2.max_vcpu
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendAssumptions {
    pub ec2_min_savings_pct: f64,
    pub min_savings_pct: f64,
    pub min_savings_usd: f64,
}

/// Discounts off on-demand prices, so that figures match the bill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Discounts {
    /// Compute Savings Plans: percent off on-demand Fargate and EC2.
    pub savings_plan_pct: f64,
    /// Reserved Instances or EC2 Instance Savings Plans: percent off on-demand EC2 (wins over
    /// `savings_plan_pct` for EC2).
    pub ec2_discount_pct: f64,
}

impl Discounts {
    pub fn any(&self) -> bool {
        self.savings_plan_pct > 0.0 || self.ec2_discount_pct > 0.0
    }

    /// Percent off on-demand EC2.
    pub fn ec2_pct(&self) -> f64 {
        if self.ec2_discount_pct > 0.0 {
            self.ec2_discount_pct
        } else {
            self.savings_plan_pct
        }
    }

    /// The discounts in words, for every output: "on-demand prices" when there are none.
    pub fn describe(&self) -> String {
        match (self.savings_plan_pct > 0.0, self.ec2_discount_pct > 0.0) {
            (false, false) => "on-demand prices, no Savings Plans or Reserved Instances".into(),
            (true, false) => format!("Compute Savings Plans at {}% off Fargate and EC2", self.savings_plan_pct),
            (false, true) => format!(
                "EC2 at {}% off (Reserved Instances or Instance Savings Plans), Fargate on demand",
                self.ec2_discount_pct
            ),
            (true, true) => format!(
                "Compute Savings Plans at {}% off Fargate, EC2 at {}% off (Reserved Instances or Instance Savings Plans)",
                self.savings_plan_pct, self.ec2_discount_pct
            ),
        }
    }
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file `{path}`: {source}; check the path given to --config")]
    Read { path: String, source: std::io::Error },
    #[error("config file `{path}` is not valid: {message}; see the defaults with `ecs-advisor config defaults`")]
    Parse { path: String, message: String },
    #[error("assumption `{key}` = {value} is out of range: {expected}")]
    OutOfRange {
        key: &'static str,
        value: String,
        expected: &'static str,
    },
}

impl Default for Assumptions {
    fn default() -> Self {
        toml::from_str(DEFAULTS_TOML).expect("embedded defaults.toml is valid (checked by a test)")
    }
}

impl Assumptions {
    /// What a simulated EC2 instance-hour costs, as a share of the instance's price in the
    /// discounted catalog, when `ec2.spot_share_pct` of instance-hours run on Spot. Reserved
    /// Instances and Savings Plans cover on-demand hours only: a Spot hour is the list price less
    /// the Spot discount, never less the account's discount as well. With a share s on Spot at
    /// Spot discount p and an account discount d: (1 - s) + s x (1 - p) / (1 - d).
    pub fn ec2_hour_factor(&self) -> rust_decimal::Decimal {
        use rust_decimal::prelude::FromPrimitive;
        use rust_decimal::Decimal;
        let share = |pct: f64| Decimal::from_f64(pct).unwrap_or_default() / Decimal::ONE_HUNDRED;
        let spot = share(self.ec2.spot_share_pct);
        if spot.is_zero() {
            return Decimal::ONE;
        }
        let spot_hour = Decimal::ONE - share(self.ec2.spot_discount_pct);
        // Validated: the account discount is at most 99%.
        let on_demand_hour = Decimal::ONE - share(self.discounts.ec2_pct());
        ((Decimal::ONE - spot) + spot * spot_hour / on_demand_hour).round_dp(12)
    }

    /// Defaults overlaid by the TOML text of a user's file (any subset of the keys).
    pub fn from_overlay(text: &str, path: &str) -> Result<Self, ConfigError> {
        let parse = |message: String| ConfigError::Parse {
            path: path.to_string(),
            message,
        };
        let mut base: toml::Table = toml::from_str(DEFAULTS_TOML).map_err(|e| parse(e.to_string()))?;
        let mut user: toml::Table = toml::from_str(text).map_err(|e| parse(e.message().to_string()))?;
        // The gate's rules live in the same file; `gate` reads them.
        user.remove("gate");
        merge(&mut base, user);
        let a: Assumptions = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| parse(e.message().to_string()))?;
        a.validate()?;
        Ok(a)
    }

    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = crate::input::read_to_string(path, crate::input::SMALL).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_overlay(&text, &path.display().to_string())
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let pct = |key: &'static str, v: f64, lo: f64, hi: f64, expected: &'static str| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(ConfigError::OutOfRange {
                    key,
                    value: v.to_string(),
                    expected,
                })
            }
        };
        let r = &self.rightsizing;
        pct(
            "rightsizing.cpu_percentile",
            r.cpu_percentile,
            50.0,
            100.0,
            "a percentile from 50 to 100",
        )?;
        pct(
            "rightsizing.memory_percentile",
            r.memory_percentile,
            50.0,
            100.0,
            "a percentile from 50 to 100",
        )?;
        pct(
            "rightsizing.cpu_headroom_pct",
            r.cpu_headroom_pct,
            0.0,
            300.0,
            "a percentage from 0 to 300",
        )?;
        pct(
            "rightsizing.memory_headroom_pct",
            r.memory_headroom_pct,
            0.0,
            300.0,
            "a percentage from 0 to 300",
        )?;
        pct(
            "rightsizing.min_data_days",
            r.min_data_days,
            0.0,
            455.0,
            "days from 0 to 455 (CloudWatch's longest retention)",
        )?;
        pct(
            "recommend.ec2_min_savings_pct",
            self.recommend.ec2_min_savings_pct,
            0.0,
            100.0,
            "a percentage from 0 to 100",
        )?;
        pct(
            "managed_instances.min_savings_pct",
            self.managed_instances.min_savings_pct,
            0.0,
            100.0,
            "a percentage from 0 to 100",
        )?;
        pct(
            "managed_instances.scale_in_after_minutes",
            f64::from(self.managed_instances.scale_in_after_minutes),
            0.0,
            60.0,
            "minutes from 0 to 60 (ECS takes 0 to 3,600 seconds)",
        )?;
        pct(
            "recommend.min_savings_pct",
            self.recommend.min_savings_pct,
            0.0,
            100.0,
            "a percentage from 0 to 100",
        )?;
        pct(
            "recommend.min_savings_usd",
            self.recommend.min_savings_usd,
            0.0,
            1e9,
            "dollars a month from 0 to 1,000,000,000",
        )?;
        pct(
            "discounts.savings_plan_pct",
            self.discounts.savings_plan_pct,
            0.0,
            99.0,
            "a percentage from 0 to 99",
        )?;
        pct(
            "discounts.ec2_discount_pct",
            self.discounts.ec2_discount_pct,
            0.0,
            99.0,
            "a percentage from 0 to 99",
        )?;
        pct(
            "ec2.spot_share_pct",
            self.ec2.spot_share_pct,
            0.0,
            100.0,
            "a percentage from 0 to 100",
        )?;
        pct(
            "ec2.spot_discount_pct",
            self.ec2.spot_discount_pct,
            0.0,
            95.0,
            "a percentage from 0 to 95",
        )?;
        if !(1..=100).contains(&self.ec2.target_capacity_pct) {
            return Err(ConfigError::OutOfRange {
                key: "ec2.target_capacity_pct",
                value: self.ec2.target_capacity_pct.to_string(),
                expected: "a percentage from 1 to 100, as managed scaling takes",
            });
        }
        if self.ec2.scale_in_minutes > 24 * 60 {
            return Err(ConfigError::OutOfRange {
                key: "ec2.scale_in_minutes",
                value: self.ec2.scale_in_minutes.to_string(),
                expected: "minutes from 0 to 1440",
            });
        }
        if self.fargate.linux_minimum_seconds > 3600 || self.fargate.windows_minimum_seconds > 3600 {
            return Err(ConfigError::OutOfRange {
                key: "fargate.linux_minimum_seconds / fargate.windows_minimum_seconds",
                value: format!("{} / {}", self.fargate.linux_minimum_seconds, self.fargate.windows_minimum_seconds),
                expected: "seconds from 0 to 3600",
            });
        }
        if self.ec2.max_vcpu == 0 || self.ec2.max_vcpu > 1024 {
            return Err(ConfigError::OutOfRange {
                key: "ec2.max_vcpu",
                value: self.ec2.max_vcpu.to_string(),
                expected: "vCPUs from 1 to 1024",
            });
        }
        if let Some(f) = self
            .ec2
            .families
            .iter()
            .find(|f| f.is_empty() || f.len() > 32 || !f.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            return Err(ConfigError::OutOfRange {
                key: "ec2.families",
                value: format!("{f:?}"),
                expected: "instance family names such as m7i or c7g",
            });
        }
        if !(1..=6).contains(&self.ec2.availability_zones) {
            return Err(ConfigError::OutOfRange {
                key: "ec2.availability_zones",
                value: self.ec2.availability_zones.to_string(),
                expected: "zones from 1 to 6",
            });
        }
        if self.ec2.cpu_step_units == 0 || self.ec2.memory_step_mib == 0 {
            return Err(ConfigError::OutOfRange {
                key: "ec2.cpu_step_units / ec2.memory_step_mib",
                value: "0".into(),
                expected: "a positive step",
            });
        }
        Ok(())
    }
}

fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_spot_hour_is_not_discounted_by_reserved_instances_or_savings_plans() {
        use rust_decimal::Decimal;
        let mut a = super::Assumptions::default();
        assert_eq!(a.ec2_hour_factor(), Decimal::ONE, "no Spot share: the catalog's price");
        a.ec2.spot_share_pct = 50.0;
        a.ec2.spot_discount_pct = 60.0;
        // No account discount: half the hours at 40% of list.
        assert_eq!(a.ec2_hour_factor(), Decimal::new(7, 1));
        // 30% off on-demand: the catalog holds 0.7 x list; an hour costs 0.5 x 0.7 + 0.5 x 0.4 =
        // 0.55 of list, 0.55 / 0.7 of the catalog's price (not 0.7 of it: 0.49 of list).
        a.discounts.ec2_discount_pct = 30.0;
        let list_share = a.ec2_hour_factor() * Decimal::new(7, 1);
        assert_eq!(list_share.round_dp(9), Decimal::new(55, 2));
        // A Compute Savings Plan is an EC2 discount too, and covers no Spot hour either.
        a.discounts.ec2_discount_pct = 0.0;
        a.discounts.savings_plan_pct = 30.0;
        assert_eq!((a.ec2_hour_factor() * Decimal::new(7, 1)).round_dp(9), Decimal::new(55, 2));
    }

    use super::*;

    #[test]
    fn embedded_defaults_parse_and_validate() {
        Assumptions::default().validate().unwrap();
    }

    #[test]
    fn a_config_file_overrides_only_the_keys_it_names() {
        let a = Assumptions::from_overlay("[ec2]\nreserved_memory_mib = 1024\n", "x.toml").unwrap();
        assert_eq!(a.ec2.reserved_memory_mib, 1024);
        assert_eq!(a.rightsizing, Assumptions::default().rightsizing);
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_it() {
        let e = Assumptions::from_overlay("[ec2]\nreserved_mem = 1\n", "x.toml").unwrap_err();
        assert!(e.to_string().contains("reserved_mem"), "{e}");
    }
}
