//! Lines to Parquet in an export's schema (CUR 2.0 or FOCUS 1.x), a row group at a time.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, MapBuilder, StringBuilder, TimestampMillisecondBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use chrono::{DateTime, Duration, Utc};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::Format;

/// The demo account.
pub const ACCOUNT: &str = "111122223333";

/// One line of the export, in CUR 2.0's terms (FOCUS's are mapped from them).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// `Usage` or `SavingsPlanCoveredUsage`.
    pub kind: &'static str,
    pub start: DateTime<Utc>,
    pub product: &'static str,
    pub usage_type: String,
    pub operation: &'static str,
    pub resource: String,
    pub amount: f64,
    pub unblended: f64,
    pub list: f64,
    pub sp_effective: Option<f64>,
    pub tags: Vec<(&'static str, String)>,
    pub split: Option<SplitLine>,
}

/// A split cost allocation line's own columns.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitLine {
    pub parent: String,
    pub usage: f64,
    pub ratio: f64,
    pub actual: f64,
    pub reserved: f64,
    pub split_cost: f64,
    pub unused_cost: f64,
}

/// Rows in a row group, as large exports have them.
pub const ROWS_PER_GROUP: usize = 100_000;

/// Lines to a Parquet file in an export's schema, a row group at a time.
pub struct Sink {
    format: Format,
    schema: SchemaRef,
    writer: ArrowWriter<std::fs::File>,
    rows: Vec<Line>,
    group: usize,
}

fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn number(name: &str) -> Field {
    Field::new(name, DataType::Float64, true)
}

fn time(name: &str) -> Field {
    Field::new(name, DataType::Timestamp(TimeUnit::Millisecond, None), true)
}

fn tags_field(name: &str) -> Field {
    let entries = Field::new(
        "key_value",
        DataType::Struct(vec![Field::new("key", DataType::Utf8, false), Field::new("value", DataType::Utf8, true)].into()),
        false,
    );
    Field::new(name, DataType::Map(Arc::new(entries), false), true)
}

/// CUR 2.0's columns that the demo fills, in its names and types (a subset of its 125).
fn cur2_schema() -> Schema {
    Schema::new(vec![
        text("bill_payer_account_id"),
        text("line_item_usage_account_id"),
        text("line_item_line_item_type"),
        time("line_item_usage_start_date"),
        time("line_item_usage_end_date"),
        text("line_item_product_code"),
        text("line_item_usage_type"),
        text("line_item_operation"),
        text("line_item_resource_id"),
        number("line_item_usage_amount"),
        text("line_item_currency_code"),
        number("line_item_unblended_cost"),
        number("line_item_net_unblended_cost"),
        number("pricing_public_on_demand_cost"),
        number("savings_plan_savings_plan_effective_cost"),
        number("reservation_effective_cost"),
        tags_field("resource_tags"),
        text("split_line_item_parent_resource_id"),
        number("split_line_item_split_usage"),
        number("split_line_item_split_usage_ratio"),
        number("split_line_item_actual_usage"),
        number("split_line_item_reserved_usage"),
        number("split_line_item_split_cost"),
        number("split_line_item_unused_cost"),
        number("split_line_item_public_on_demand_split_cost"),
        number("split_line_item_public_on_demand_unused_cost"),
        number("split_line_item_net_split_cost"),
        number("split_line_item_net_unused_cost"),
    ])
}

/// FOCUS 1.x's columns that the demo fills.
fn focus_schema() -> Schema {
    Schema::new(vec![
        text("BillingAccountId"),
        text("SubAccountId"),
        text("ProviderName"),
        text("ServiceName"),
        text("ChargeCategory"),
        text("ChargeDescription"),
        time("ChargePeriodStart"),
        time("ChargePeriodEnd"),
        text("ResourceId"),
        number("ConsumedQuantity"),
        text("BillingCurrency"),
        number("BilledCost"),
        number("EffectiveCost"),
        number("ListCost"),
        number("ContractedCost"),
        tags_field("Tags"),
        text("x_UsageType"),
        text("x_Operation"),
        text("x_ServiceCode"),
    ])
}

impl Sink {
    /// A file at `path` of row groups of [`ROWS_PER_GROUP`] rows.
    pub fn new(format: Format, path: &Path) -> Result<Sink, String> {
        Sink::with_groups(format, path, ROWS_PER_GROUP)
    }

    /// A file at `path` of row groups of `group` rows.
    pub fn with_groups(format: Format, path: &Path, group: usize) -> Result<Sink, String> {
        let schema = Arc::new(match format {
            Format::Cur2 => cur2_schema(),
            Format::Focus => focus_schema(),
        });
        let file = std::fs::File::create(path).map_err(|e| format!("cannot create `{}` ({e})", path.display()))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(group.max(1)))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| e.to_string())?;
        Ok(Sink {
            format,
            schema,
            writer,
            rows: Vec::with_capacity(group.clamp(1, ROWS_PER_GROUP)),
            group: group.max(1),
        })
    }

    pub fn push(&mut self, line: Line) -> Result<(), String> {
        // FOCUS has no split cost allocation: its rows are the bill's own.
        if self.format == Format::Focus && line.split.is_some() {
            return Ok(());
        }
        self.rows.push(line);
        if self.rows.len() >= self.group {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        let columns = match self.format {
            Format::Cur2 => cur2_columns(&rows),
            Format::Focus => focus_columns(&rows),
        };
        let batch = RecordBatch::try_new(self.schema.clone(), columns).map_err(|e| e.to_string())?;
        self.writer.write(&batch).map_err(|e| e.to_string())
    }

    pub fn finish(mut self) -> Result<(), String> {
        self.flush()?;
        self.writer.close().map(|_| ()).map_err(|e| e.to_string())
    }
}

fn texts<'a>(rows: &'a [Line], f: impl Fn(&'a Line) -> Option<&'a str>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for r in rows {
        b.append_option(f(r));
    }
    Arc::new(b.finish())
}

fn numbers(rows: &[Line], f: impl Fn(&Line) -> Option<f64>) -> ArrayRef {
    let mut b = Float64Builder::new();
    for r in rows {
        b.append_option(f(r));
    }
    Arc::new(b.finish())
}

fn times(rows: &[Line], hours: i64) -> ArrayRef {
    let mut b = TimestampMillisecondBuilder::new();
    for r in rows {
        b.append_value((r.start + Duration::hours(hours)).timestamp_millis());
    }
    Arc::new(b.finish())
}

fn tag_map(rows: &[Line]) -> ArrayRef {
    let mut b = MapBuilder::new(
        Some(arrow_array::builder::MapFieldNames {
            entry: "key_value".into(),
            key: "key".into(),
            value: "value".into(),
        }),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    for r in rows {
        for (k, v) in &r.tags {
            b.keys().append_value(k);
            b.values().append_value(v);
        }
        b.append(true).expect("keys and values of equal length");
    }
    Arc::new(b.finish())
}

fn cur2_columns(rows: &[Line]) -> Vec<ArrayRef> {
    let split = |f: fn(&SplitLine) -> f64| numbers(rows, move |r| r.split.as_ref().map(f));
    vec![
        texts(rows, |_| Some(ACCOUNT)),
        texts(rows, |_| Some(ACCOUNT)),
        texts(rows, |r| Some(r.kind)),
        times(rows, 0),
        times(rows, 1),
        texts(rows, |r| Some(r.product)),
        texts(rows, |r| Some(r.usage_type.as_str())),
        texts(rows, |r| Some(r.operation)),
        texts(rows, |r| Some(r.resource.as_str())),
        numbers(rows, |r| Some(r.amount)),
        texts(rows, |_| Some("USD")),
        numbers(rows, |r| Some(r.unblended)),
        numbers(rows, |r| Some(r.unblended)),
        numbers(rows, |r| Some(r.list)),
        numbers(rows, |r| r.sp_effective.or(Some(0.0))),
        numbers(rows, |_| Some(0.0)),
        tag_map(rows),
        texts(rows, |r| r.split.as_ref().map(|s| s.parent.as_str())),
        split(|s| s.usage),
        split(|s| s.ratio),
        split(|s| s.actual),
        split(|s| s.reserved),
        split(|s| s.split_cost),
        split(|s| s.unused_cost),
        split(|s| s.split_cost),
        split(|s| s.unused_cost),
        split(|s| s.split_cost),
        split(|s| s.unused_cost),
    ]
}

fn focus_columns(rows: &[Line]) -> Vec<ArrayRef> {
    let service = |r: &Line| {
        Some(if r.product == "AmazonEC2" {
            "Amazon Elastic Compute Cloud"
        } else {
            "Amazon Elastic Container Service"
        })
    };
    vec![
        texts(rows, |_| Some(ACCOUNT)),
        texts(rows, |_| Some(ACCOUNT)),
        texts(rows, |_| Some("AWS")),
        texts(rows, service),
        texts(rows, |_| Some("Usage")),
        texts(rows, |r| Some(r.usage_type.as_str())),
        times(rows, 0),
        times(rows, 1),
        texts(rows, |r| Some(r.resource.as_str())),
        numbers(rows, |r| Some(r.amount)),
        texts(rows, |_| Some("USD")),
        // Usage a Savings Plan covers is billed through the plan's fee, not on its own line.
        numbers(rows, |r| Some(if r.sp_effective.is_some() { 0.0 } else { r.unblended })),
        numbers(rows, |r| Some(r.sp_effective.unwrap_or(r.unblended))),
        numbers(rows, |r| Some(r.list)),
        numbers(rows, |r| Some(r.list)),
        tag_map(rows),
        texts(rows, |r| Some(r.usage_type.as_str())),
        texts(rows, |r| Some(r.operation)),
        texts(rows, |r| Some(r.product)),
    ]
}
