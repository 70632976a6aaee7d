//! One row per service, for spreadsheets. Dollar columns are monthly, rounded to the cent;
//! empty where an option does not apply.

use crate::report::Report;

pub const HEADER: [&str; 20] = [
    "service",
    "launch_type",
    "platform",
    "network_mode",
    "cpu_units",
    "memory_mib",
    "cpu_units_p99",
    "memory_mib_p99",
    "current_monthly_usd",
    "fargate_monthly_usd",
    "fargate_cpu_units",
    "fargate_memory_mib",
    "fargate_arm_monthly_usd",
    "fargate_spot_monthly_usd",
    "ec2_monthly_usd",
    "action",
    "target",
    "recommended_monthly_usd",
    "savings_monthly_usd",
    "risk",
];

pub fn render(report: &Report) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("writing to memory");
    let m = |x: Option<crate::money::Usd>| x.map(|v| format!("{:.2}", v.cents().0)).unwrap_or_default();
    let f = |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_default();
    for s in &report.services {
        w.write_record([
            s.name.clone(),
            s.launch_type.clone(),
            s.platform.clone(),
            s.network_mode.clone(),
            s.task_size.cpu_units.to_string(),
            s.task_size.memory_mib.to_string(),
            f(s.usage.cpu_units_p99),
            f(s.usage.memory_mib_p99),
            m(Some(s.current_monthly_usd)),
            m(s.fargate_monthly_usd),
            s.fargate_size.as_ref().map(|t| t.cpu_units.to_string()).unwrap_or_default(),
            s.fargate_size.as_ref().map(|t| t.memory_mib.to_string()).unwrap_or_default(),
            m(s.fargate_arm_monthly_usd),
            m(s.fargate_spot_monthly_usd),
            m(s.ec2_monthly_usd),
            s.recommendation.action.clone(),
            s.recommendation.target.clone(),
            m(Some(s.recommendation.monthly_usd)),
            m(Some(s.recommendation.savings_monthly_usd)),
            s.recommendation.risk.clone(),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing memory")).expect("CSV of UTF-8 strings")
}
