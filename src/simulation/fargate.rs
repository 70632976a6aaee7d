//! Fargate cost model: the valid task-size grid, per-second billing with a minimum charge per
//! task, ARM, Spot, Windows with its OS licence, and ephemeral storage beyond 20 GiB.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::{Usd, SECONDS_PER_HOUR};
use crate::pricing::FargateRates;

use super::SimulationError;

/// Ephemeral storage every task gets without charge, and the most it can have.
pub const INCLUDED_STORAGE_GIB: u32 = 20;
pub const MAX_STORAGE_GIB: u32 = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FargateSize {
    pub cpu_units: u32,
    pub memory_mib: u32,
}

impl fmt::Display for FargateSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} vCPU / {} GiB",
            fmt_num(f64::from(self.cpu_units) / 1024.0),
            fmt_num(f64::from(self.memory_mib) / 1024.0)
        )
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

pub use crate::domain::{Capacity, Platform};

/// The CPU values Fargate offers and, for each, the memory values (MiB) allowed with it.
fn memory_choices(cpu_units: u32) -> Vec<u32> {
    let gib = |g: u32| g * 1024;
    match cpu_units {
        256 => vec![512, 1024, 2048],
        512 => (1..=4).map(gib).collect(),
        1024 => (2..=8).map(gib).collect(),
        2048 => (4..=16).map(gib).collect(),
        4096 => (8..=30).map(gib).collect(),
        8192 => (16..=60).step_by(4).map(gib).collect(),
        16384 => (32..=120).step_by(8).map(gib).collect(),
        _ => vec![],
    }
}

pub const CPU_CHOICES: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

impl FargateSize {
    /// A size Fargate accepts for `platform`, or an error naming the nearest rule broken.
    pub fn new(cpu_units: u32, memory_mib: u32, platform: Platform) -> Result<Self, SimulationError> {
        let invalid = |why: String| SimulationError::InvalidFargateSize {
            cpu_units,
            memory_mib,
            why,
        };
        let choices = memory_choices(cpu_units);
        if choices.is_empty() {
            return Err(invalid(format!("CPU must be one of {CPU_CHOICES:?} units")));
        }
        if !choices.contains(&memory_mib) {
            return Err(invalid(format!(
                "with {cpu_units} CPU units memory must be one of {} MiB",
                choices.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ")
            )));
        }
        if platform == Platform::Windows && !(1024..=4096).contains(&cpu_units) {
            return Err(invalid("Windows tasks take 1, 2 or 4 vCPU".into()));
        }
        Ok(FargateSize { cpu_units, memory_mib })
    }

    /// Every valid size, smallest CPU first, then smallest memory.
    pub fn grid(platform: Platform) -> impl Iterator<Item = FargateSize> {
        CPU_CHOICES.into_iter().flat_map(move |c| {
            memory_choices(c)
                .into_iter()
                .filter_map(move |m| FargateSize::new(c, m, platform).ok())
        })
    }

    /// The cheapest valid size holding `cpu_units` and `memory_mib`; `None` when nothing does.
    pub fn smallest_fitting(cpu_units: f64, memory_mib: f64, platform: Platform, rates: &FargateRates) -> Option<FargateSize> {
        FargateSize::grid(platform)
            .filter(|s| f64::from(s.cpu_units) >= cpu_units && f64::from(s.memory_mib) >= memory_mib)
            .min_by_key(|s| hourly_rate(*s, platform, Capacity::OnDemand, INCLUDED_STORAGE_GIB, rates).ok())
    }

    pub fn vcpu(&self) -> Decimal {
        Decimal::from(self.cpu_units) / Decimal::from(1024)
    }
    pub fn memory_gb(&self) -> Decimal {
        Decimal::from(self.memory_mib) / Decimal::from(1024)
    }
}

/// Price of one task of `size` per hour.
pub fn hourly_rate(
    size: FargateSize,
    platform: Platform,
    capacity: Capacity,
    storage_gib: u32,
    r: &FargateRates,
) -> Result<Usd, SimulationError> {
    if storage_gib > MAX_STORAGE_GIB {
        return Err(SimulationError::InvalidStorage { storage_gib });
    }
    let (vcpu, gb) = match (platform, capacity) {
        (Platform::LinuxX86, Capacity::OnDemand) => (r.linux_x86_vcpu_hour, r.linux_x86_gb_hour),
        (Platform::LinuxArm, Capacity::OnDemand) => (r.linux_arm_vcpu_hour, r.linux_arm_gb_hour),
        (Platform::LinuxX86, Capacity::Spot) => (r.spot_vcpu_hour, r.spot_gb_hour),
        // Fargate Spot runs ARM64 too (since 2024). Spot rates float and the price list has none:
        // ARM is taken at the region's x86 Spot discount applied to its ARM on-demand rates.
        (Platform::LinuxArm, Capacity::Spot) => (
            r.linux_arm_vcpu_hour * spot_fraction(r.spot_vcpu_hour, r.linux_x86_vcpu_hour),
            r.linux_arm_gb_hour * spot_fraction(r.spot_gb_hour, r.linux_x86_gb_hour),
        ),
        (Platform::Windows, Capacity::OnDemand) => (r.windows_vcpu_hour + r.windows_license_vcpu_hour, r.windows_gb_hour),
        (p, Capacity::Spot) => return Err(SimulationError::SpotUnsupported { platform: p }),
    };
    let extra_storage = Decimal::from(storage_gib.saturating_sub(INCLUDED_STORAGE_GIB));
    Ok(vcpu * size.vcpu() + gb * size.memory_gb() + r.ephemeral_storage_gb_hour * extra_storage)
}

/// Spot's price as a share of on-demand's.
fn spot_fraction(spot: Usd, on_demand: Usd) -> Decimal {
    if on_demand.is_zero() {
        Decimal::ZERO
    } else {
        spot.0 / on_demand.0
    }
}

/// Seconds billed for one task that ran `seconds`: rounded up to the second, at least the
/// platform's minimum (`fargate.*_minimum_seconds` in the assumptions).
pub fn billed_seconds(seconds: f64, minimum_seconds: u64) -> u64 {
    (seconds.max(0.0).ceil() as u64).max(minimum_seconds)
}

/// Cost of one task that ran `seconds`.
pub fn task_cost(
    size: FargateSize,
    platform: Platform,
    capacity: Capacity,
    storage_gib: u32,
    seconds: f64,
    minimum_seconds: u64,
    r: &FargateRates,
) -> Result<Usd, SimulationError> {
    let rate = hourly_rate(size, platform, capacity, storage_gib, r)?;
    Ok(Usd(
        rate.0 * Decimal::from(billed_seconds(seconds, minimum_seconds)) / Decimal::from(SECONDS_PER_HOUR)
    ))
}

/// Billed task-seconds per step: what ran, plus each start's minimum charge where the tasks
/// started are known ([`super::minimum_charge`] says how it is estimated).
pub use super::minimum_charge::billed_per_step;

/// Cost of `task_seconds` (already billed seconds) at the hourly rate of one task.
pub fn cost_of_task_seconds(rate: Usd, task_seconds: f64) -> Usd {
    rate.times_f64(task_seconds / f64::from(SECONDS_PER_HOUR))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::Catalog;

    fn rates() -> FargateRates {
        Catalog::bundled().unwrap().region("us-east-1").unwrap().fargate.clone()
    }

    fn size(c: u32, m: u32) -> FargateSize {
        FargateSize::new(c, m, Platform::LinuxX86).unwrap()
    }

    #[test]
    fn size_grid_matches_the_fargate_table() {
        let all: Vec<_> = FargateSize::grid(Platform::LinuxX86).collect();
        let count = |c: u32| all.iter().filter(|s| s.cpu_units == c).count();
        assert_eq!(
            [
                count(256),
                count(512),
                count(1024),
                count(2048),
                count(4096),
                count(8192),
                count(16384)
            ],
            [3, 4, 7, 13, 23, 12, 12]
        );
        assert!(FargateSize::new(256, 3072, Platform::LinuxX86).is_err());
        assert!(FargateSize::new(4096, 31 * 1024, Platform::LinuxX86).is_err());
        assert!(
            FargateSize::new(8192, 18 * 1024, Platform::LinuxX86).is_err(),
            "8 vCPU memory comes in 4 GiB steps"
        );
        assert!(FargateSize::new(16384, 40 * 1024, Platform::LinuxX86).is_ok());
        assert!(FargateSize::new(300, 1024, Platform::LinuxX86).is_err());
        assert!(FargateSize::new(512, 1024, Platform::Windows).is_err());
    }

    #[test]
    fn an_invalid_size_error_names_the_allowed_values() {
        let e = FargateSize::new(512, 512, Platform::LinuxX86).unwrap_err().to_string();
        assert!(e.contains("512") && e.contains("1024, 2048, 3072, 4096"), "{e}");
    }

    #[test]
    fn one_task_hour_of_half_a_vcpu_and_one_gib() {
        // 0.5 x 0.04048 + 1 x 0.004445 = 0.024685
        let r = hourly_rate(size(512, 1024), Platform::LinuxX86, Capacity::OnDemand, 20, &rates()).unwrap();
        assert_eq!(r, Usd::parse("0.024685").unwrap());
    }

    #[test]
    fn billing_is_per_second_with_a_one_minute_minimum_on_linux() {
        assert_eq!(billed_seconds(1.0, 60), 60);
        assert_eq!(billed_seconds(59.2, 60), 60);
        assert_eq!(billed_seconds(60.2, 60), 61);
        assert_eq!(billed_seconds(3600.0, 60), 3600);
        assert_eq!(billed_seconds(61.0, 900), 900);
        // A 10-second 4 vCPU / 8 GiB task is billed a full minute: (4 x 0.04048 + 8 x 0.004445) / 60
        let c = task_cost(size(4096, 8192), Platform::LinuxX86, Capacity::OnDemand, 20, 10.0, 60, &rates()).unwrap();
        assert_eq!(c.0.round_dp(8), Usd::parse("0.00329133").unwrap().0);
    }

    #[test]
    fn arm_is_cheaper_and_spot_is_linux_x86_only() {
        let r = rates();
        let s = size(1024, 2048);
        let x86 = hourly_rate(s, Platform::LinuxX86, Capacity::OnDemand, 20, &r).unwrap();
        let arm = hourly_rate(s, Platform::LinuxArm, Capacity::OnDemand, 20, &r).unwrap();
        let spot = hourly_rate(s, Platform::LinuxX86, Capacity::Spot, 20, &r).unwrap();
        assert_eq!(arm, Usd::parse("0.03950").unwrap()); // 0.03238 + 2 x 0.00356
        assert!(arm < x86 && spot < arm);
        assert!(hourly_rate(s, Platform::Windows, Capacity::Spot, 20, &r).is_err());
        // ARM on Spot: ARM on demand at x86 Spot's discount (31% of on demand in us-east-1).
        let arm_spot = hourly_rate(s, Platform::LinuxArm, Capacity::Spot, 20, &r).unwrap();
        assert_eq!(arm_spot.cents(), Usd(arm.0 * Decimal::new(31, 2)).cents());
    }

    #[test]
    fn windows_adds_the_os_licence_per_vcpu() {
        // 2 x (0.046552 + 0.046) + 8 x 0.00511175
        let r = hourly_rate(
            FargateSize::new(2048, 8192, Platform::Windows).unwrap(),
            Platform::Windows,
            Capacity::OnDemand,
            20,
            &rates(),
        )
        .unwrap();
        assert_eq!(r, Usd::parse("0.225998").unwrap());
    }

    #[test]
    fn storage_beyond_twenty_gib_is_billed() {
        let r = rates();
        let base = hourly_rate(size(256, 512), Platform::LinuxX86, Capacity::OnDemand, 20, &r).unwrap();
        let more = hourly_rate(size(256, 512), Platform::LinuxX86, Capacity::OnDemand, 60, &r).unwrap();
        assert_eq!(more - base, Usd::parse("0.00444").unwrap()); // 40 x 0.000111
        assert!(hourly_rate(size(256, 512), Platform::LinuxX86, Capacity::OnDemand, 201, &r).is_err());
    }

    #[test]
    fn smallest_fitting_lands_on_the_cheapest_valid_size() {
        let r = rates();
        assert_eq!(
            FargateSize::smallest_fitting(200.0, 400.0, Platform::LinuxX86, &r),
            Some(size(256, 512))
        );
        assert_eq!(
            FargateSize::smallest_fitting(300.0, 600.0, Platform::LinuxX86, &r),
            Some(size(512, 1024))
        );
        // 1.5 GiB fits 0.25 vCPU / 2 GiB, cheaper than 0.5 vCPU / 2 GiB.
        assert_eq!(
            FargateSize::smallest_fitting(100.0, 1536.0, Platform::LinuxX86, &r),
            Some(size(256, 2048))
        );
        assert_eq!(FargateSize::smallest_fitting(20000.0, 1024.0, Platform::LinuxX86, &r), None);
        assert_eq!(
            FargateSize::smallest_fitting(100.0, 1024.0, Platform::Windows, &r)
                .unwrap()
                .cpu_units,
            1024
        );
    }

    #[test]
    fn short_lived_tasks_are_billed_the_minimum_per_start() {
        let billed = |avg: &[f64], max: &[f64], started: &[f64]| billed_per_step(avg, max, started, 300, 60).iter().sum::<f64>();
        // 15 tasks of 45 s in a 5-minute step: 2.25 average tasks, but 15 x 60 s billed. The
        // averages cannot say the 15 all ran 45 s; the estimate lets them spread either side
        // (27 to 63 s, the longest past the minimum), so it bills 0.6% more.
        let b = billed(&[2.25, 0.0], &[15.0, 0.0], &[15.0, 0.0]);
        assert!((900.0..=900.0 * 1.01).contains(&b), "{b}");
        // Long-running tasks (three at most, one of them started): the minimum does not bind.
        assert_eq!(billed(&[3.0], &[3.0], &[1.0]), 900.0);
        assert_eq!(billed(&[3.0], &[3.0], &[f64::NAN]), 900.0);
    }
}
