//! The decisions, as pure functions of figures: which plan the cluster takes, which services join
//! EC2 in a mix, what a service's action is and how risky its new size is. No words here (those
//! are in `words`), no simulation (that is in `fleets`).

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

use crate::money::Usd;
use crate::report::{Action, Plan, Risk};

/// A size whose observed peak reaches this share of it is a high risk; [`MEDIUM_RISK_SHARE`] a
/// medium one.
pub const HIGH_RISK_SHARE: f64 = 0.95;
pub const MEDIUM_RISK_SHARE: f64 = 0.8;

/// ENI trunking is worth a sentence when it would take at least this share off the EC2 figure.
pub const TRUNKING_MIN_SAVINGS_PCT: f64 = 1.0;

/// Which Fargate option a service's cheapest choice is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FargateChoice {
    /// On demand, on the service's own platform (x86, ARM64 or Windows).
    Own,
    /// On demand on Graviton, for an x86 service that is ARM-ready.
    Arm,
    /// Fargate Spot on the service's own platform.
    Spot,
    /// Fargate Spot on Graviton, for an x86 service that is ARM-ready and interruption-tolerant.
    /// Its rate is an estimate: no public copy of the price list gives ARM Spot.
    ArmSpot,
}

/// `x` beats `other` by at least `min_savings_pct` percent; anything feasible beats nothing.
pub fn beats(x: Option<Usd>, other: Option<Usd>, min_savings_pct: f64) -> bool {
    match (x, other) {
        (Some(x), Some(o)) => x.0 < o.0 * keep_share(min_savings_pct),
        (Some(_), None) => true,
        _ => false,
    }
}

fn keep_share(min_savings_pct: f64) -> Decimal {
    Decimal::ONE - Decimal::from_f64(min_savings_pct).unwrap_or_default() / Decimal::ONE_HUNDRED
}

/// Whether lifting the ENI limit saves enough to say so.
pub fn trunking_matters(with_trunking: Option<Usd>, ec2: Option<Usd>) -> bool {
    with_trunking.is_some() && ec2.is_some() && beats(with_trunking, ec2, TRUNKING_MIN_SAVINGS_PCT)
}

/// What each plan costs a month (`None`: it cannot place every service).
#[derive(Clone, Copy, Debug, Default)]
pub struct PlanCosts {
    pub all_fargate: Option<Usd>,
    pub all_ec2: Option<Usd>,
    pub mixed: Option<Usd>,
    pub managed_instances: Option<Usd>,
}

/// The cluster's plan. Each plan on instances carries its operational margin over Fargate
/// (`ec2_pct` for all-EC2 and the mix, `mi_pct` for Managed Instances): a plan's cost is weighed
/// as `cost / (1 - margin)`, and the lowest weighed cost wins, Fargate first on a tie. So EC2 is
/// chosen only when it beats Fargate by its margin (a mix and all-EC2, with the same margin,
/// compete on price alone), and EC2 beats Managed Instances only by the difference the margins
/// make. `Current` when no plan places every service.
pub fn choose_plan(costs: PlanCosts, ec2_pct: f64, mi_pct: f64) -> Plan {
    let weighed = |cost: Option<Usd>, pct: f64| -> Option<Decimal> {
        let keep = keep_share(pct);
        cost.filter(|_| keep > Decimal::ZERO).map(|c| c.0 / keep)
    };
    let candidates = [
        (Plan::AllFargate, weighed(costs.all_fargate, 0.0)),
        (Plan::AllEc2, weighed(costs.all_ec2, ec2_pct)),
        (Plan::Mixed, weighed(costs.mixed, ec2_pct)),
        (Plan::ManagedInstances, weighed(costs.managed_instances, mi_pct)),
    ];
    let mut best: Option<(Plan, Decimal)> = None;
    for (plan, cost) in candidates {
        if let Some(c) = cost {
            if best.is_none_or(|(_, b)| c < b) {
                best = Some((plan, c));
            }
        }
    }
    best.map(|(p, _)| p).unwrap_or(Plan::Current)
}

/// A replica service joins EC2 in the mix when its share of the all-EC2 fleet beats its best
/// Fargate option by the margin, or when it cannot run on Fargate at all.
pub fn joins_ec2_in_mix(ec2_share: Option<Usd>, best_fargate: Option<Usd>, min_savings_pct: f64) -> bool {
    ec2_share.is_some() && beats(ec2_share, best_fargate, min_savings_pct)
}

/// What a service recommended onto Fargate does, from the facts that decide it.
#[derive(Clone, Copy, Debug)]
pub struct FargateFacts {
    pub on_fargate_today: bool,
    /// The rightsized size is the size it reserves today.
    pub same_size: bool,
    pub choice: FargateChoice,
    /// Share of its tasks on Fargate Spot today (0 to 1).
    pub spot_share_today: f64,
    pub cost: Usd,
    pub current: Usd,
}

pub fn fargate_action(f: FargateFacts) -> Action {
    // Spot as the cheapest choice is what a service already mixing in Spot does today.
    let unchanged = f.on_fargate_today
        && f.same_size
        && match f.choice {
            FargateChoice::Own => f.spot_share_today == 0.0,
            FargateChoice::Spot => f.spot_share_today > 0.0,
            FargateChoice::Arm | FargateChoice::ArmSpot => false,
        };
    if !f.on_fargate_today {
        Action::MoveToFargate
    } else if unchanged || f.cost >= f.current {
        Action::Keep
    } else if f.same_size {
        // Same size, another architecture or capacity: Graviton or Spot.
        Action::Switch
    } else {
        Action::Rightsize
    }
}

/// A change to a service is worth making when it saves at least `min_pct` percent of what the
/// service costs today and at least `min_usd` dollars a month; below either it is noise.
pub fn worth_changing(saving: Usd, current: Usd, min_pct: f64, min_usd: f64) -> bool {
    let min_usd = Decimal::from_f64(min_usd).unwrap_or_default();
    saving.0 > Decimal::ZERO && saving.0 >= min_usd && saving.0 >= current.0 * (Decimal::ONE - keep_share(min_pct))
}

pub fn ec2_action(on_ec2_today: bool, resized: bool) -> Action {
    instances_action(on_ec2_today, resized, Action::MoveToEc2)
}

/// What a service recommended onto instances (EC2 or Managed Instances) does: `move_to` unless
/// it runs there today.
pub fn instances_action(on_them_today: bool, resized: bool, move_to: Action) -> Action {
    if !on_them_today {
        move_to
    } else if resized {
        Action::Rightsize
    } else {
        Action::Keep
    }
}

/// How close a size sits to the observed peaks: high when too little data backs it or the task
/// already runs at its limit.
pub fn risk(uncertain: bool, peak_share_cpu: f64, peak_share_memory: f64) -> Risk {
    let worst = peak_share_cpu.max(peak_share_memory);
    if uncertain || worst >= HIGH_RISK_SHARE {
        Risk::High
    } else if worst >= MEDIUM_RISK_SHARE {
        Risk::Medium
    } else {
        Risk::Low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Option<Usd> {
        Usd::parse(s)
    }

    #[test]
    fn plan_choice() {
        // (all Fargate, all EC2, mix, margin %, plan)
        type Case = (Option<&'static str>, Option<&'static str>, Option<&'static str>, f64, Plan);
        let cases: &[Case] = &[
            (Some("100"), Some("95"), None, 10.0, Plan::AllFargate),
            (Some("100"), Some("89.99"), None, 10.0, Plan::AllEc2),
            (Some("100"), Some("90"), None, 10.0, Plan::AllFargate),
            (Some("100"), Some("95"), None, 0.0, Plan::AllEc2),
            (Some("100"), Some("80"), Some("85"), 10.0, Plan::AllEc2),
            (Some("100"), Some("80"), Some("75"), 10.0, Plan::Mixed),
            (Some("100"), Some("95"), Some("85"), 10.0, Plan::Mixed),
            (Some("100"), Some("95"), Some("92"), 10.0, Plan::AllFargate),
            (None, Some("120"), None, 10.0, Plan::AllEc2),
            (None, None, Some("120"), 10.0, Plan::Mixed),
            (Some("100"), None, None, 10.0, Plan::AllFargate),
            (None, None, None, 10.0, Plan::Current),
        ];
        for &(f, e, m, pct, want) in cases {
            let costs = PlanCosts {
                all_fargate: f.and_then(usd),
                all_ec2: e.and_then(usd),
                mixed: m.and_then(usd),
                managed_instances: None,
            };
            let got = choose_plan(costs, pct, 5.0);
            assert_eq!(got, want, "fargate {f:?}, ec2 {e:?}, mixed {m:?}, margin {pct}%");
        }
    }

    #[test]
    fn managed_instances_competes_with_its_own_margin() {
        // (all Fargate, all EC2, Managed Instances, plan) with EC2's margin 10% and MI's 5%.
        type Case = (Option<&'static str>, Option<&'static str>, Option<&'static str>, Plan);
        let cases: &[Case] = &[
            // MI must beat Fargate by 5%: 95 does not, 94.99 does.
            (Some("100"), None, Some("95"), Plan::AllFargate),
            (Some("100"), None, Some("94.99"), Plan::ManagedInstances),
            // 92 beats Fargate by 5% where EC2's 92 would not beat it by 10%.
            (Some("100"), Some("92"), Some("92"), Plan::ManagedInstances),
            // EC2 must beat MI by what the margins make: 85 / 0.90 = 94.4 < 90 / 0.95 = 94.7.
            (Some("100"), Some("85"), Some("90"), Plan::AllEc2),
            (Some("100"), Some("85.5"), Some("90"), Plan::ManagedInstances),
            // Windows-only fleets and the like: MI alone places everything.
            (None, None, Some("120"), Plan::ManagedInstances),
        ];
        for &(f, e, mi, want) in cases {
            let costs = PlanCosts {
                all_fargate: f.and_then(usd),
                all_ec2: e.and_then(usd),
                mixed: None,
                managed_instances: mi.and_then(usd),
            };
            assert_eq!(choose_plan(costs, 10.0, 5.0), want, "fargate {f:?}, ec2 {e:?}, managed {mi:?}");
        }
    }

    #[test]
    fn a_service_joins_ec2_in_the_mix_only_when_its_share_beats_fargate_by_the_margin() {
        assert!(joins_ec2_in_mix(usd("8.99"), usd("10"), 10.0));
        assert!(!joins_ec2_in_mix(usd("9"), usd("10"), 10.0));
        assert!(joins_ec2_in_mix(usd("50"), None, 10.0), "too big for Fargate");
        assert!(!joins_ec2_in_mix(None, usd("10"), 10.0), "Windows: no EC2 share");
    }

    fn facts(on_fargate: bool, same_size: bool, choice: FargateChoice, spot: f64, cost: &str) -> FargateFacts {
        FargateFacts {
            on_fargate_today: on_fargate,
            same_size,
            choice,
            spot_share_today: spot,
            cost: usd(cost).unwrap(),
            current: usd("100").unwrap(),
        }
    }

    #[test]
    fn a_change_must_clear_both_the_share_and_the_dollar_threshold() {
        let usd = |s: &str| Usd::parse(s).unwrap();
        for (saving, current, want) in [
            ("10.00", "200.00", true),   // 5% and $10: both met exactly
            ("9.99", "100.00", false),   // 10%, but under $10
            ("50.00", "1001.00", false), // $50, but under 5%
            ("50.05", "1001.00", true),
            ("0", "0", false),
            ("-5", "100", false),
        ] {
            assert_eq!(worth_changing(usd(saving), usd(current), 5.0, 10.0), want, "{saving} of {current}");
        }
        assert!(
            worth_changing(usd("0.01"), usd("100"), 0.0, 0.0),
            "thresholds at zero take any saving"
        );
    }

    #[test]
    fn fargate_actions() {
        use FargateChoice::*;
        let cases = [
            (facts(false, true, Own, 0.0, "50"), Action::MoveToFargate),
            (facts(false, false, Spot, 0.0, "150"), Action::MoveToFargate),
            (facts(true, true, Own, 0.0, "100"), Action::Keep),
            (facts(true, false, Own, 0.0, "60"), Action::Rightsize),
            (facts(true, false, Own, 0.0, "100"), Action::Keep),
            (facts(true, true, Arm, 0.0, "80"), Action::Switch),
            (facts(true, true, Spot, 0.0, "30"), Action::Switch),
            (facts(true, true, Spot, 0.5, "30"), Action::Keep),
            (facts(true, true, Own, 0.5, "90"), Action::Switch),
            (facts(true, false, Spot, 0.5, "20"), Action::Rightsize),
            (facts(true, true, ArmSpot, 0.5, "20"), Action::Switch),
            (facts(false, true, ArmSpot, 0.0, "20"), Action::MoveToFargate),
        ];
        for (f, want) in cases {
            assert_eq!(fargate_action(f), want, "{f:?}");
        }
    }

    #[test]
    fn ec2_actions() {
        assert_eq!(ec2_action(false, false), Action::MoveToEc2);
        assert_eq!(ec2_action(false, true), Action::MoveToEc2);
        assert_eq!(ec2_action(true, true), Action::Rightsize);
        assert_eq!(ec2_action(true, false), Action::Keep);
    }

    #[test]
    fn risk_levels() {
        assert_eq!(risk(false, 0.5, 0.79), Risk::Low);
        assert_eq!(risk(false, 0.8, 0.1), Risk::Medium);
        assert_eq!(risk(false, 0.2, 0.95), Risk::High);
        assert_eq!(risk(true, 0.1, 0.1), Risk::High);
    }
}
