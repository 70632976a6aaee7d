//! ECS Managed Instances: the types ECS may pick for the option `managed-instances`, each with
//! its management fee (published, refreshed or estimated), and what the report says of the fees.

use std::collections::BTreeMap;

use super::words;
use crate::money::Usd;
use crate::pricing::{self, Catalog};
use crate::snapshot::inventory::Inventory;

/// What the ECS Managed Instances option packs onto: the types ECS may pick, priced, with their
/// management fees, and what to say about the fees.
pub struct ManagedInstances<'c> {
    pub types: Vec<&'c pricing::InstanceType>,
    pub fees: BTreeMap<String, Usd>,
    /// Beside every figure of the option when some fee is an estimate.
    pub note: Option<String>,
}

impl ManagedInstances<'_> {
    pub fn missing(&self) -> &'static str {
        if self.types.is_empty() {
            "none of `managed_instances.families` has a price in the region"
        } else {
            "no Linux replica service fits the types ECS Managed Instances may pick"
        }
    }
}

/// Minutes before ECS optimizes away an idle or underused instance: the cluster's Managed
/// Instances provider's `scaleInAfter` where one sets it (rounded up to whole minutes; -1, which
/// turns optimization off, taken as the longest delay ECS takes, an hour), else the assumption.
pub fn scale_in_after_minutes(inventory: &Inventory, m: &crate::config::ManagedInstancesAssumptions) -> u32 {
    inventory
        .capacity_providers
        .iter()
        .filter_map(|p| p.managed_instances.as_ref()?.scale_in_after_seconds)
        .map(|s| if s < 0 { 60 } else { (s.min(3600) as u32).div_ceil(60) })
        .max()
        .unwrap_or(m.scale_in_after_minutes)
}

/// The types of `managed_instances.families` up to its size with an EC2 price in the region, and
/// each one's management fee (published, refreshed or estimated). An estimated fee is named once
/// in the warnings and beside every figure of the option.
pub fn inputs<'c>(
    catalog: &'c Catalog,
    region: &pricing::RegionPrices,
    inventory: &Inventory,
    m: &crate::config::ManagedInstancesAssumptions,
    current_estimated: Option<String>,
    warnings: &mut Vec<String>,
) -> ManagedInstances<'c> {
    let mut types = Vec::new();
    let mut fees = BTreeMap::new();
    // Today's Managed Instances priced on an estimated fee say so as the option does.
    let mut estimated = current_estimated;
    // A Managed Instances provider of the cluster narrows the types by its instance
    // requirements; one that lists allowed types replaces the families.
    let providers: Vec<_> = inventory
        .capacity_providers
        .iter()
        .filter_map(|p| p.managed_instances.as_ref())
        .collect();
    let admitted = |t: &pricing::InstanceType| {
        let in_families = m.families.contains(&t.family) && t.vcpu <= m.max_vcpu;
        if providers.is_empty() {
            return in_families;
        }
        providers
            .iter()
            .any(|p| (in_families || !p.allowed_instance_types.is_empty()) && p.admits(&t.instance_type, t.vcpu, t.memory_mib))
    };
    for t in region.ec2_hourly.keys().filter_map(|t| catalog.instance_types.get(t)) {
        if !admitted(t) {
            continue;
        }
        let Some((fee, status, source)) = region.managed_instances_fee(&t.instance_type) else {
            continue;
        };
        if status == pricing::PriceStatus::Estimated {
            estimated.get_or_insert(source);
        }
        fees.insert(t.instance_type.clone(), fee);
        types.push(t);
    }
    types.sort_by(|x, y| x.instance_type.cmp(&y.instance_type));
    if let Some(rule) = &estimated {
        warnings.push(words::warn::managed_instances_fees(&region.region, rule));
    }
    let note = estimated.map(|rule| words::managed_instances_fee_note(&rule));
    ManagedInstances { types, fees, note }
}
