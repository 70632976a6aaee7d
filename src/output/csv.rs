//! One row per service, for spreadsheets. Dollar columns are monthly, rounded to the cent;
//! empty where an option does not apply. One `<option>_monthly_usd` column per compute option.
//! The last two columns are the discounts every figure carries (0: on demand).

use crate::money::Usd;
use crate::report::{OptionKind, Report};

pub fn header() -> Vec<String> {
    let mut h: Vec<String> = [
        "service",
        "launch_type",
        "platform",
        "network_mode",
        "cpu_units",
        "memory_mib",
        "cpu_units_p99",
        "memory_mib_p99",
        "memory_mib_max",
        "current_monthly_usd",
        "fargate_cpu_units",
        "fargate_memory_mib",
    ]
    .map(String::from)
    .into();
    h.extend(OptionKind::ALL.iter().map(|k| format!("{}_monthly_usd", k.column_stem())));
    h.extend(
        [
            "action",
            "target",
            "recommended_monthly_usd",
            "savings_monthly_usd",
            "risk",
            "savings_plan_pct",
            "ec2_discount_pct",
        ]
        .map(String::from),
    );
    h
}

pub fn render(report: &Report) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(header()).expect("writing to memory");
    let m = |x: Option<Usd>| x.map(|v| format!("{:.2}", v.cents().0)).unwrap_or_default();
    let f = |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_default();
    for s in &report.services {
        let mut row = vec![
            s.name.clone(),
            s.launch_type.as_str().into(),
            s.platform.as_str().into(),
            s.network_mode.clone(),
            s.task_size.cpu_units.to_string(),
            s.task_size.memory_mib.to_string(),
            f(s.usage.cpu_units_p99),
            f(s.usage.memory_mib_p99),
            f(s.usage.memory_mib_max),
            m(Some(s.current_monthly_usd)),
            s.fargate_size.as_ref().map(|t| t.cpu_units.to_string()).unwrap_or_default(),
            s.fargate_size.as_ref().map(|t| t.memory_mib.to_string()).unwrap_or_default(),
        ];
        row.extend(OptionKind::ALL.iter().map(|&k| m(crate::report::option_usd(&s.options, k))));
        let r = &s.recommendation;
        row.extend([
            r.action.as_str().into(),
            r.summary.clone(),
            m(Some(r.monthly_usd)),
            m(Some(r.savings_monthly_usd)),
            r.risk.as_str().into(),
            report.assumptions.discounts.savings_plan_pct.to_string(),
            report.assumptions.discounts.ec2_discount_pct.to_string(),
        ]);
        w.write_record(row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing memory")).expect("CSV of UTF-8 strings")
}
