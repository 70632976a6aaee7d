//! How many GetMetricData calls a collection makes, against the fewest that CloudWatch's limits
//! allow (500 queries and 100,800 data points a call). The collector sends requests of 500
//! queries and reads every page, so its call count is the plan below; `tests/it/aws.rs` checks the
//! count the binary reports against moto. Run: `cargo bench --bench cloudwatch_calls`.

use ecs_advisor::sources::aws::{period_for, plan_batches};

fn main() {
    println!(
        "| services | lookback | period | queries | points a query | requests | calls | minimum calls | by the 500-query limit alone |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (services, days) in [(200u64, 14u64), (200, 3), (200, 32), (200, 93), (27, 14), (1000, 14)] {
        let lookback = days * 86_400;
        let period = u64::from(period_for(lookback));
        let points = (lookback / period) as usize;
        // Container Insights: RunningTaskCount (Average, Maximum), CpuUtilized, MemoryUtilized.
        let queries = services as usize * 4;
        let p = plan_batches(queries, points);
        println!(
            "| {services} | {days} d | {period} s | {queries} | {points} | {} | {} | {} | {} |",
            p.requests,
            p.calls,
            p.minimum_calls,
            queries.div_ceil(500)
        );
        assert!(p.calls >= p.minimum_calls && p.calls < p.minimum_calls + p.requests);
    }
}
