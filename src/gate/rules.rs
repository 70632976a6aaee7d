//! The gate's rules: budgets and increases, for the total and per service, and how each is
//! checked.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{signed, GateError};
use crate::money::Usd;

/// Per-service limits, from the `[gate.services.<name>]` tables of the config file.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRules {
    pub budget_usd: Option<f64>,
    pub max_increase_pct: Option<f64>,
    pub max_increase_usd: Option<f64>,
}

/// The rules: flags over the config file's `[gate]` table.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub budget_usd: Option<f64>,
    pub max_increase_pct: Option<f64>,
    pub max_increase_usd: Option<f64>,
    pub warn_at_pct: Option<f64>,
    /// A budget fails whenever the proposed total is over it; otherwise a change that does not
    /// add to a state already over budget only warns.
    #[serde(default)]
    pub strict_budget: bool,
    #[serde(default)]
    pub services: BTreeMap<String, ServiceRules>,
}

impl Rules {
    /// The `[gate]` table of a config file (absent: no rules).
    pub fn from_config(text: &str, path: &str) -> Result<Rules, GateError> {
        #[derive(Deserialize)]
        struct File {
            gate: Option<Rules>,
        }
        let bad = |m: String| GateError::Input {
            file: path.to_string(),
            message: format!("has an invalid [gate] table: {m}"),
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| bad(e.message().to_string()))?;
        let gate = table.get("gate").cloned();
        let f: File = toml::Value::Table(gate.map(|g| toml::Table::from_iter([("gate".to_string(), g)])).unwrap_or_default())
            .try_into()
            .map_err(|e: toml::de::Error| bad(e.message().to_string()))?;
        let rules = f.gate.unwrap_or_default();
        rules.validate().map_err(bad)?;
        Ok(rules)
    }

    pub fn validate(&self) -> Result<(), String> {
        let usd = |k: &str, v: Option<f64>| match v {
            Some(x) if !(x.is_finite() && (0.0..=1e12).contains(&x)) => {
                Err(format!("`{k}` = {x}: give dollars from 0 to 1,000,000,000,000"))
            }
            _ => Ok(()),
        };
        let pct = |k: &str, v: Option<f64>| match v {
            Some(x) if !(x.is_finite() && (0.0..=1000.0).contains(&x)) => Err(format!("`{k}` = {x}: give a percentage from 0 to 1,000")),
            _ => Ok(()),
        };
        usd("budget_usd", self.budget_usd)?;
        usd("max_increase_usd", self.max_increase_usd)?;
        pct("max_increase_pct", self.max_increase_pct)?;
        pct("warn_at_pct", self.warn_at_pct)?;
        for (name, r) in &self.services {
            usd(&format!("services.{name}.budget_usd"), r.budget_usd)?;
            usd(&format!("services.{name}.max_increase_usd"), r.max_increase_usd)?;
            pct(&format!("services.{name}.max_increase_pct"), r.max_increase_pct)?;
        }
        Ok(())
    }

    pub(super) fn is_empty(&self) -> bool {
        self.budget_usd.is_none() && self.max_increase_pct.is_none() && self.max_increase_usd.is_none() && self.services.is_empty()
    }

    pub(super) fn needs_baseline(&self) -> bool {
        self.max_increase_pct.is_some()
            || self.max_increase_usd.is_some()
            || self
                .services
                .values()
                .any(|r| r.max_increase_pct.is_some() || r.max_increase_usd.is_some())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleResult {
    /// `budget`, `max-increase-pct`, `max-increase-usd`, or `cluster-` or `service-` and one of those.
    pub rule: String,
    /// `total`, or the cluster's or the service's name.
    pub scope: String,
    /// The figure checked: dollars a month, or a percentage.
    pub figure: f64,
    pub limit: f64,
    /// `usd` or `pct`.
    pub unit: &'static str,
    pub outcome: Verdict,
    pub message: String,
}

fn usd(x: f64) -> Usd {
    Usd::from_f64(x)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn check_rules(
    out: &mut Vec<RuleResult>,
    prefix: &str,
    scope: &str,
    budget: Option<f64>,
    max_pct: Option<f64>,
    max_usd: Option<f64>,
    warn_at: Option<f64>,
    baseline: Option<Usd>,
    proposed: Usd,
    baseline_words: &str,
    judge_the_change: bool,
) {
    let who = match prefix {
        _ if scope == "total" => String::new(),
        "cluster-" => format!("cluster `{scope}`: "),
        _ => format!("`{scope}`: "),
    };
    let f = |u: Usd| u.cents().to_f64();
    if let Some(b) = budget {
        let limit = usd(b);
        let share = if limit.is_zero() {
            if proposed.is_zero() {
                0.0
            } else {
                f64::INFINITY
            }
        } else {
            proposed.to_f64() / limit.to_f64() * 100.0
        };
        let already_over = baseline.filter(|b| judge_the_change && b.cents() > limit.cents() && proposed.cents() <= b.cents());
        let (outcome, message) = if let Some(before) = already_over {
            // The change is under review, not the state it starts from.
            (
                Verdict::Warn,
                format!(
                    "{who}proposed {proposed} a month is over the budget of {limit}, but {baseline_words} was already {before} ({} with this change): it does not make it worse (rule: budget; --strict-budget fails it)",
                    signed(proposed - before)
                ),
            )
        } else if proposed.cents() > limit.cents() {
            (
                Verdict::Fail,
                format!(
                    "{who}proposed {proposed} a month is over the budget of {limit} by {} (rule: budget)",
                    proposed - limit
                ),
            )
        } else if warn_at.is_some_and(|w| share >= w) {
            (
                Verdict::Warn,
                format!(
                    "{who}proposed {proposed} a month is {share:.0}% of the budget of {limit} (warns at {}%; rule: budget)",
                    warn_at.unwrap_or_default()
                ),
            )
        } else {
            (
                Verdict::Pass,
                format!("{who}proposed {proposed} a month is within the budget of {limit}"),
            )
        };
        out.push(RuleResult {
            rule: format!("{prefix}budget"),
            scope: scope.into(),
            figure: f(proposed),
            limit: f(limit),
            unit: "usd",
            outcome,
            message,
        });
    }
    let change = baseline.map(|b| proposed - b);
    if let Some(limit) = max_pct {
        let pct = match (baseline, change) {
            (Some(b), Some(c)) if !b.is_zero() => c.to_f64() / b.to_f64() * 100.0,
            (_, Some(c)) if c.0 > Decimal::ZERO => f64::INFINITY,
            _ => 0.0,
        };
        let shown = if pct.is_finite() { format!("{pct:+.1}%") } else { "new".into() };
        let c = change.unwrap_or(Usd::ZERO);
        let (outcome, message) = if pct > limit + 1e-9 {
            (
                Verdict::Fail,
                format!(
                    "{who}{} a month ({shown}) on {baseline_words} is over the {limit}% allowed (rule: max-increase)",
                    signed(c)
                ),
            )
        } else {
            (
                Verdict::Pass,
                format!("{who}{} a month ({shown}) on {baseline_words} is within {limit}%", signed(c)),
            )
        };
        out.push(RuleResult {
            rule: format!("{prefix}max-increase-pct"),
            scope: scope.into(),
            figure: if pct.is_finite() { (pct * 100.0).round() / 100.0 } else { 1e9 },
            limit,
            unit: "pct",
            outcome,
            message,
        });
    }
    if let Some(limit) = max_usd {
        let c = change.unwrap_or(Usd::ZERO);
        let limit_usd = usd(limit);
        let (outcome, message) = if c.cents() > limit_usd.cents() {
            (
                Verdict::Fail,
                format!(
                    "{who}{} a month on {baseline_words} is over the {limit_usd} allowed (rule: max-increase-usd)",
                    signed(c)
                ),
            )
        } else {
            (
                Verdict::Pass,
                format!("{who}{} a month on {baseline_words} is within {limit_usd}", signed(c)),
            )
        };
        out.push(RuleResult {
            rule: format!("{prefix}max-increase-usd"),
            scope: scope.into(),
            figure: f(c),
            limit: f(limit_usd),
            unit: "usd",
            outcome,
            message,
        });
    }
}
