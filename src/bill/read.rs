//! Reading a Data Export into a [`Bill`]: file by file, row group by row group, batch by batch,
//! summing as it goes, so memory follows the batch and the cluster's instances, not the export.
//!
//! Only what matters is decoded: the columns the reconciliation uses (projection), the row groups
//! whose usage dates reach the window's months (by the row groups' statistics), and, of those, the
//! other columns only for the rows whose resource is an ECS task or an EC2 instance (a row filter
//! on `line_item_resource_id` / `ResourceId`).

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch};
use arrow_schema::{DataType, Schema};
use chrono::{DateTime, Datelike, TimeZone, Utc};
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use parquet::arrow::arrow_reader::{ArrowPredicateFn, ParquetRecordBatchReaderBuilder, RowFilter};
use parquet::arrow::ProjectionMask;

use super::columns::{Num, Tags, Text, Time};
use super::{Bill, BillError, Charges, Format, Scope, Split};

/// Names of other clusters kept for the message when none is this one.
pub const MAX_NAMES: usize = 10;
/// Parquet files in one export (a month of a large account is tens).
pub const MAX_FILES: usize = 10_000;
/// Instances kept while reading that are neither the snapshot's nor yet known to have run its
/// tasks (the split lines naming them as parents may come later).
const MAX_OTHER_INSTANCES: usize = 200_000;
const BATCH_ROWS: usize = 65_536;
/// Services of the cluster kept apart; past it, a service's lines are summed under
/// [`OTHER_SERVICES`] (an export of many distinct service tags cannot grow memory without end).
pub const MAX_SERVICES: usize = 10_000;
pub const OTHER_SERVICES: &str = "(other services)";

/// The columns read, by role, as each format names them. `None`: the format has no such column.
struct Names {
    resource: &'static str,
    start: &'static str,
    kind: &'static str,
    billed: &'static str,
    list: &'static str,
    effective: Option<&'static str>,
    sp_effective: Option<&'static str>,
    ri_effective: Option<&'static str>,
    parent: Option<&'static str>,
    split_cost: Option<&'static str>,
    unused_cost: Option<&'static str>,
    split_list: Option<&'static str>,
    unused_list: Option<&'static str>,
    tags: &'static [&'static str],
    product: &'static [&'static str],
    usage_type: &'static [&'static str],
    amount: &'static [&'static str],
}

const CUR2: Names = Names {
    resource: "line_item_resource_id",
    start: "line_item_usage_start_date",
    kind: "line_item_line_item_type",
    billed: "line_item_unblended_cost",
    list: "pricing_public_on_demand_cost",
    effective: None,
    sp_effective: Some("savings_plan_savings_plan_effective_cost"),
    ri_effective: Some("reservation_effective_cost"),
    parent: Some("split_line_item_parent_resource_id"),
    split_cost: Some("split_line_item_split_cost"),
    unused_cost: Some("split_line_item_unused_cost"),
    split_list: Some("split_line_item_public_on_demand_split_cost"),
    unused_list: Some("split_line_item_public_on_demand_unused_cost"),
    tags: &["resource_tags", "tags"],
    product: &["line_item_product_code"],
    usage_type: &["line_item_usage_type"],
    amount: &["line_item_usage_amount"],
};

const FOCUS: Names = Names {
    resource: "ResourceId",
    start: "ChargePeriodStart",
    kind: "ChargeCategory",
    billed: "BilledCost",
    list: "ListCost",
    effective: Some("EffectiveCost"),
    sp_effective: None,
    ri_effective: None,
    parent: None,
    split_cost: None,
    unused_cost: None,
    split_list: None,
    unused_list: None,
    tags: &["Tags"],
    product: &["ServiceName", "x_ServiceCode"],
    usage_type: &["x_UsageType"],
    amount: &["ConsumedQuantity", "UsageQuantity"],
};

/// Reads the export at `path` (a Parquet file, a folder of them, searched recursively, or a
/// pattern such as `exports/*.parquet`) for `scope`.
pub fn read(path: &Path, scope: &Scope) -> Result<Bill, BillError> {
    let shown = path.display().to_string();
    let files = files(path)?;
    let mut bill = Bill::default();
    for f in &files {
        read_file(f, &shown, scope, &mut bill)?;
    }
    bill.read.files = files.len();
    // Instances that are neither the snapshot's nor ran its tasks belong to something else.
    bill.instances
        .retain(|id, _| scope.instances.contains_key(id) || bill.parents.contains(id));
    Ok(bill)
}

/// The Parquet files `path` names.
fn files(path: &Path) -> Result<Vec<PathBuf>, BillError> {
    let shown = path.display().to_string();
    let err = |message: String| BillError::Unreadable {
        path: shown.clone(),
        message,
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.contains(['*', '?']) {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut out = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|e| err(format!("cannot read the folder `{}` ({e})", dir.display())))?;
        for e in entries.flatten() {
            let p = e.path();
            if p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| glob_match(name, n)) {
                out.push(p);
            }
        }
        out.sort();
        if out.is_empty() {
            return Err(err("no file matches the pattern".into()));
        }
        return Ok(out);
    }
    let meta =
        std::fs::metadata(path).map_err(|e| err(format!("cannot read it ({e}); pass a Parquet file, a folder of them or a pattern")))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !meta.is_dir() {
        return Err(err("not a regular file or folder; pass the export's Parquet files".into()));
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| err(format!("cannot read the folder `{}` ({e})", dir.display())))?;
        for e in entries.flatten() {
            let p = e.path();
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                stack.push(p);
            } else if t.is_file() && p.extension().is_some_and(|x| x == "parquet") {
                out.push(p);
                if out.len() > MAX_FILES {
                    return Err(err(format!(
                        "more than {MAX_FILES} Parquet files; pass the folder of one billing period"
                    )));
                }
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(err(
            "the folder has no .parquet file; AWS Data Exports writes the export as Parquet under data/".into(),
        ));
    }
    Ok(out)
}

/// `*` and `?` in a file name.
fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn format_of(schema: &Schema) -> Option<(Format, &'static Names)> {
    let has = |n: &str| schema.column_with_name(n).is_some();
    if has(CUR2.resource) || has(CUR2.start) {
        Some((Format::Cur2, &CUR2))
    } else if has(FOCUS.billed) || has(FOCUS.start) {
        Some((Format::Focus, &FOCUS))
    } else {
        None
    }
}

fn read_file(file: &Path, shown: &str, scope: &Scope, bill: &mut Bill) -> Result<(), BillError> {
    let shown_file = if Path::new(shown) == file {
        shown.to_string()
    } else {
        file.display().to_string()
    };
    let unreadable = |message: String| BillError::Unreadable {
        path: shown_file.clone(),
        message,
    };
    let f = File::open(file).map_err(|e| unreadable(format!("cannot open it ({e})")))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| unreadable(format!("not a readable Parquet file ({e})")))?;
    let schema = builder.schema().clone();
    let Some((format, names)) = format_of(&schema) else {
        let found: Vec<&str> = schema.fields().iter().take(12).map(|f| f.name().as_str()).collect();
        return Err(BillError::NotAnExport {
            path: shown_file,
            missing: "line_item_resource_id",
            found: if found.is_empty() { "none".into() } else { found.join(", ") },
        });
    };
    if bill.format.is_some_and(|f| f != format) {
        return Err(unreadable(format!(
            "a {} file among {} files; pass one export",
            format.as_str(),
            bill.format.map_or("", |f| f.as_str())
        )));
    }
    bill.format = Some(format);
    let index = |n: &str| schema.column_with_name(n).map(|(i, _)| i);
    let first = |ns: &[&str]| ns.iter().find_map(|n| index(n));
    let required = |n: &'static str| {
        index(n).ok_or_else(|| BillError::NotAnExport {
            path: shown_file.clone(),
            missing: n,
            found: schema
                .fields()
                .iter()
                .take(12)
                .map(|f| f.name().as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    };
    let cols = Roles {
        resource: required(names.resource)?,
        start: required(names.start)?,
        kind: required(names.kind)?,
        billed: required(names.billed)?,
        list: required(names.list)?,
        effective: names.effective.map(required).transpose()?,
        sp_effective: names.sp_effective.and_then(index),
        ri_effective: names.ri_effective.and_then(index),
        parent: names.parent.and_then(index),
        split_cost: names.split_cost.and_then(index),
        unused_cost: names.unused_cost.and_then(index),
        split_list: names.split_list.and_then(index),
        unused_list: names.unused_list.and_then(index),
        tags: first(names.tags),
        product: first(names.product),
        usage_type: first(names.usage_type),
        amount: first(names.amount),
    };
    bill.has_split |= cols.parent.is_some() && cols.split_cost.is_some();
    check_types(&schema, &cols, &shown_file)?;

    // Row groups: those whose usage dates reach the calendar months of the window.
    let meta = builder.metadata().clone();
    let groups = meta.row_groups();
    bill.read.row_groups += groups.len();
    bill.read.rows += groups.iter().map(|g| g.num_rows().max(0) as u64).sum::<u64>();
    let (from, to) = months_around(scope);
    let keep: Vec<usize> = match StatisticsConverter::try_new(names.start, &schema, builder.parquet_schema()) {
        Ok(conv) => {
            let mins = conv.row_group_mins(groups.iter()).ok();
            let maxes = conv.row_group_maxes(groups.iter()).ok();
            (0..groups.len())
                .filter(|&g| {
                    let lo = mins.as_ref().and_then(|a| time_at(a, g));
                    let hi = maxes.as_ref().and_then(|a| time_at(a, g));
                    !(hi.is_some_and(|hi| hi < from) || lo.is_some_and(|lo| lo >= to))
                })
                .collect()
        }
        Err(_) => (0..groups.len()).collect(),
    };
    bill.read.row_groups_read += keep.len();
    if keep.is_empty() {
        note_span(bill, &meta, names.start, &schema, builder.parquet_schema());
        return Ok(());
    }

    let roots = cols.all();
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots.iter().copied());
    let filter_mask = ProjectionMask::roots(builder.parquet_schema(), [cols.resource]);
    let predicate = ArrowPredicateFn::new(filter_mask, |batch: RecordBatch| {
        let ids = Text::of(batch.column(0));
        Ok((0..batch.num_rows())
            .map(|i| {
                Some(
                    ids.as_ref()
                        .and_then(|t| t.get(i))
                        .is_some_and(|s| task_arn(s).is_some() || instance_id(s).is_some()),
                )
            })
            .collect::<BooleanArray>())
    });
    let reader = builder
        .with_row_groups(keep)
        .with_projection(mask)
        .with_row_filter(RowFilter::new(vec![Box::new(predicate)]))
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| unreadable(format!("not a readable Parquet file ({e})")))?;
    for batch in reader {
        let batch = batch.map_err(|e| unreadable(format!("a damaged row group ({e})")))?;
        add_batch(&batch, &schema, &cols, format, scope, bill);
    }
    Ok(())
}

/// The column positions (in the file's schema) of each role.
struct Roles {
    resource: usize,
    start: usize,
    kind: usize,
    billed: usize,
    list: usize,
    effective: Option<usize>,
    sp_effective: Option<usize>,
    ri_effective: Option<usize>,
    parent: Option<usize>,
    split_cost: Option<usize>,
    unused_cost: Option<usize>,
    split_list: Option<usize>,
    unused_list: Option<usize>,
    tags: Option<usize>,
    product: Option<usize>,
    usage_type: Option<usize>,
    amount: Option<usize>,
}

impl Roles {
    fn all(&self) -> Vec<usize> {
        let mut v = vec![self.resource, self.start, self.kind, self.billed, self.list];
        v.extend(
            [
                self.effective,
                self.sp_effective,
                self.ri_effective,
                self.parent,
                self.split_cost,
                self.unused_cost,
                self.split_list,
                self.unused_list,
                self.tags,
                self.product,
                self.usage_type,
                self.amount,
            ]
            .into_iter()
            .flatten(),
        );
        v.sort_unstable();
        v.dedup();
        v
    }
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
        || matches!(t, DataType::Dictionary(_, v) if matches!(**v, DataType::Utf8 | DataType::LargeUtf8))
}

fn is_number(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Float64 | DataType::Float32 | DataType::Int64 | DataType::Int32 | DataType::Decimal128(..) | DataType::Null
    ) || is_text(t)
}

/// Every column's type, checked before a row is read: one message naming the column.
fn check_types(schema: &Schema, c: &Roles, path: &str) -> Result<(), BillError> {
    let field = |i: usize| schema.field(i);
    let bad = |i: usize, expected: &'static str| BillError::ColumnType {
        path: path.to_string(),
        column: field(i).name().clone(),
        found: field(i).data_type().to_string(),
        expected,
    };
    for i in [Some(c.resource), Some(c.kind), c.parent, c.product, c.usage_type]
        .into_iter()
        .flatten()
    {
        if !is_text(field(i).data_type()) && field(i).data_type() != &DataType::Null {
            return Err(bad(i, "text"));
        }
    }
    let t = field(c.start).data_type();
    if !matches!(t, DataType::Timestamp(..)) && !is_text(t) {
        return Err(bad(c.start, "a timestamp"));
    }
    for i in [
        Some(c.billed),
        Some(c.list),
        c.effective,
        c.sp_effective,
        c.ri_effective,
        c.split_cost,
        c.unused_cost,
        c.split_list,
        c.unused_list,
        c.amount,
    ]
    .into_iter()
    .flatten()
    {
        if !is_number(field(i).data_type()) {
            return Err(bad(i, "a number"));
        }
    }
    if let Some(i) = c.tags {
        let ok = match field(i).data_type() {
            DataType::Map(..) | DataType::Null => true,
            t => is_text(t),
        };
        if !ok {
            return Err(bad(i, "a map of tag keys to values"));
        }
    }
    Ok(())
}

/// From the first day of the window's first month to the end of its last month: the hours a
/// billing period's export of the cluster covers.
fn months_around(scope: &Scope) -> (DateTime<Utc>, DateTime<Utc>) {
    let first = |t: DateTime<Utc>| Utc.with_ymd_and_hms(t.year(), t.month(), 1, 0, 0, 0).single().unwrap_or(t);
    let from = first(scope.start);
    let last = first(scope.end - chrono::Duration::seconds(1));
    let to = if last.month() == 12 {
        Utc.with_ymd_and_hms(last.year() + 1, 1, 1, 0, 0, 0)
    } else {
        Utc.with_ymd_and_hms(last.year(), last.month() + 1, 1, 0, 0, 0)
    }
    .single()
    .unwrap_or(scope.end);
    (from, to)
}

/// The span of a file's usage dates from its statistics, for the message when nothing matches.
fn note_span(
    bill: &mut Bill,
    meta: &parquet::file::metadata::ParquetMetaData,
    start: &str,
    schema: &Schema,
    pq: &parquet::schema::types::SchemaDescriptor,
) {
    let Ok(conv) = StatisticsConverter::try_new(start, schema, pq) else {
        return;
    };
    let groups = meta.row_groups();
    let (Ok(mins), Ok(maxes)) = (conv.row_group_mins(groups.iter()), conv.row_group_maxes(groups.iter())) else {
        return;
    };
    for g in 0..groups.len() {
        for t in [time_at(&mins, g), time_at(&maxes, g)].into_iter().flatten() {
            widen(&mut bill.span, t);
        }
    }
}

fn widen(span: &mut Option<(DateTime<Utc>, DateTime<Utc>)>, t: DateTime<Utc>) {
    *span = Some(match *span {
        Some((a, b)) => (a.min(t), b.max(t)),
        None => (t, t),
    });
}

/// A statistics array's value at row group `g` as a time.
fn time_at(a: &ArrayRef, g: usize) -> Option<DateTime<Utc>> {
    if g >= a.len() || !a.is_valid(g) {
        return None;
    }
    Time::of(a).get(g)
}

/// The cluster and the task of an ECS task ARN: `arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID`
/// (the cluster is `None` in the old format, `task/ID`, which only the tags can place).
pub fn task_arn(s: &str) -> Option<(Option<&str>, &str)> {
    let mut parts = s.splitn(6, ':');
    let (arn, _partition, service) = (parts.next()?, parts.next()?, parts.next()?);
    if arn != "arn" || service != "ecs" {
        return None;
    }
    let resource = parts.nth(2)?;
    let rest = resource.strip_prefix("task/")?;
    match rest.split_once('/') {
        Some((cluster, id)) => Some((Some(cluster), id)),
        None => Some((None, rest)),
    }
}

/// The EC2 instance ID of `i-…` or of an instance ARN.
pub fn instance_id(s: &str) -> Option<&str> {
    let id = match s.rsplit_once(":instance/") {
        Some((prefix, id)) if prefix.starts_with("arn:") => id,
        _ => s,
    };
    let hex = id.strip_prefix("i-")?;
    (!hex.is_empty() && hex.len() <= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
}

/// A tag key as compared: lower case, letters and digits only, so `aws:ecs:serviceName` (as ECS
/// sets it), `aws_ecs_service_name` (as CUR 2.0 may write it) and
/// `resourceTags/aws:ecs:serviceName` (the `tags` column) are the same key.
fn tag_key(k: &str) -> String {
    k.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

const SERVICE_TAG: &str = "awsecsservicename";
const CLUSTER_TAG: &str = "awsecsclustername";

/// The service and cluster tags of a row.
fn ecs_tags<'a>(tags: &Option<Tags<'a>>, i: usize) -> (Option<String>, Option<String>) {
    let (mut service, mut cluster) = (None, None);
    let mut see = |k: &str, v: &str| {
        let k = tag_key(k);
        if k.ends_with(SERVICE_TAG) {
            service = Some(v.to_string());
        } else if k.ends_with(CLUSTER_TAG) {
            cluster = Some(v.to_string());
        }
    };
    match tags {
        Some(Tags::Map { offsets, keys, values }) => {
            let (a, b) = (offsets[i].max(0) as usize, offsets[i + 1].max(0) as usize);
            for j in a..b {
                if let (Some(k), Some(v)) = (keys.get(j), values.get(j)) {
                    see(k, v);
                }
            }
        }
        Some(Tags::Json(t)) => {
            if let Some(s) = t.get(i) {
                if let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(s) {
                    for (k, v) in &m {
                        if let Some(v) = v.as_str() {
                            see(k, v);
                        }
                    }
                }
            }
        }
        None => {}
    }
    (service, cluster)
}

/// What a line is, by its type (CUR 2.0 `line_item_line_item_type`, FOCUS `ChargeCategory`).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Usage,
    SavingsPlanCovered,
    Reserved,
    /// Credits, refunds and discounts: negative, in billed and effective.
    Credit,
    /// Undoes covered usage's unblended cost (it is in the Savings Plan's fee instead).
    Negation,
    Other,
}

fn kind(format: Format, s: &str) -> Kind {
    match (format, s) {
        (Format::Cur2, "Usage") | (Format::Focus, "Usage") => Kind::Usage,
        (Format::Cur2, "SavingsPlanCoveredUsage") => Kind::SavingsPlanCovered,
        (Format::Cur2, "DiscountedUsage") => Kind::Reserved,
        (Format::Cur2, "Credit" | "Refund" | "BundledDiscount" | "EdpDiscount" | "PrivateRateDiscount" | "Discount")
        | (Format::Focus, "Credit" | "Adjustment") => Kind::Credit,
        (Format::Cur2, "SavingsPlanNegation") => Kind::Negation,
        _ => Kind::Other,
    }
}

fn add_batch(batch: &RecordBatch, file_schema: &Schema, c: &Roles, format: Format, scope: &Scope, bill: &mut Bill) {
    // The batch holds the projected columns, in file order.
    let col = |i: usize| batch.column_by_name(file_schema.field(i).name());
    let resource = col(c.resource).and_then(Text::of);
    let start = col(c.start).map(Time::of).unwrap_or(Time::Null);
    let kinds = col(c.kind).and_then(Text::of);
    let num = |i: Option<usize>| i.and_then(col).map(Num::of).unwrap_or(Num::Null);
    let (billed, list, effective) = (num(Some(c.billed)), num(Some(c.list)), num(c.effective));
    let (sp, ri) = (num(c.sp_effective), num(c.ri_effective));
    let (split_cost, unused_cost, split_list, unused_list) = (num(c.split_cost), num(c.unused_cost), num(c.split_list), num(c.unused_list));
    let amount = num(c.amount);
    let parent = c.parent.and_then(col).and_then(Text::of);
    let product = c.product.and_then(col).and_then(Text::of);
    let usage_type = c.usage_type.and_then(col).and_then(Text::of);
    let tags = c.tags.and_then(col).and_then(Tags::of);
    let Some(resource) = resource else { return };
    for i in 0..batch.num_rows() {
        bill.read.rows_decoded += 1;
        let Some(rid) = resource.get(i) else { continue };
        let Some(t) = start.get(i) else { continue };
        widen(&mut bill.span, t);
        let k = kinds.as_ref().and_then(|k| k.get(i)).map_or(Kind::Other, |s| kind(format, s));
        let charges = match k {
            Kind::Usage => Charges {
                list: list.get(i),
                billed: billed.get(i),
                effective: match format {
                    Format::Focus => effective.get(i),
                    Format::Cur2 => billed.get(i),
                },
            },
            Kind::SavingsPlanCovered => Charges {
                list: list.get(i),
                billed: billed.get(i),
                effective: sp.get(i),
            },
            Kind::Reserved => Charges {
                list: list.get(i),
                billed: billed.get(i),
                effective: ri.get(i),
            },
            Kind::Credit => Charges {
                list: 0.0,
                billed: billed.get(i),
                effective: match format {
                    Format::Focus => effective.get(i),
                    Format::Cur2 => billed.get(i),
                },
            },
            Kind::Negation => Charges {
                list: 0.0,
                billed: billed.get(i),
                effective: 0.0,
            },
            Kind::Other => continue,
        };
        let in_window = t >= scope.start && t < scope.end;
        if let Some((arn_cluster, _task)) = task_arn(rid) {
            let (service, tag_cluster) = ecs_tags(&tags, i);
            let cluster = arn_cluster.map(str::to_string).or(tag_cluster);
            if cluster.as_deref() != Some(scope.cluster.as_str()) {
                if bill.other_clusters.len() < MAX_NAMES {
                    bill.other_clusters
                        .insert(cluster.unwrap_or_else(|| "(a task ARN without its cluster, untagged)".into()));
                }
                continue;
            }
            let parent = parent.as_ref().and_then(|p| p.get(i)).filter(|p| !p.is_empty());
            let split = parent.map(|_| Split {
                split_list: split_list.get(i),
                split_effective: split_cost.get(i),
                unused_list: unused_list.get(i),
                unused_effective: unused_cost.get(i),
            });
            if !in_window {
                match split {
                    Some(s) => bill.outside_window.add(Charges {
                        list: s.split_list + s.unused_list,
                        billed: 0.0,
                        effective: s.split_effective + s.unused_effective,
                    }),
                    None => bill.outside_window.add(charges),
                }
                continue;
            }
            bill.read.rows_matched += 1;
            if k == Kind::Credit {
                bill.credits += charges.billed;
            }
            let mut service = service.unwrap_or_default();
            if !bill.fargate.contains_key(&service)
                && !bill.split.contains_key(&service)
                && bill.fargate.len() + bill.split.len() >= MAX_SERVICES
            {
                service = OTHER_SERVICES.into();
            }
            match (parent, split) {
                (Some(p), Some(s)) => {
                    if let Some(id) = instance_id(p) {
                        if !bill.parents.contains(id) && bill.parents.len() < MAX_OTHER_INSTANCES {
                            bill.parents.insert(id.to_string());
                        }
                    }
                    let e = bill.split.entry(service).or_default();
                    e.split_list += s.split_list;
                    e.split_effective += s.split_effective;
                    e.unused_list += s.unused_list;
                    e.unused_effective += s.unused_effective;
                }
                _ => {
                    let spot = usage_type.as_ref().and_then(|u| u.get(i)).is_some_and(|u| u.contains("SpotUsage"));
                    if spot {
                        bill.fargate_spot.entry(service.clone()).or_default().add(charges);
                    }
                    bill.fargate.entry(service).or_default().add(charges);
                }
            }
        } else if let Some(id) = instance_id(rid) {
            let ours = scope.instances.contains_key(id);
            if !in_window {
                if ours {
                    bill.outside_window.add(charges);
                }
                continue;
            }
            let known = bill.instances.contains_key(id);
            if !ours && !known && bill.instances.len() >= MAX_OTHER_INSTANCES + scope.instances.len() {
                continue;
            }
            let e = bill.instances.entry(id.to_string()).or_default();
            let ec2 = product
                .as_ref()
                .and_then(|p| p.get(i))
                .is_none_or(|p| p == "AmazonEC2" || p.contains("Elastic Compute Cloud"));
            if ec2 {
                e.instance.add(charges);
                if matches!(k, Kind::Usage | Kind::SavingsPlanCovered | Kind::Reserved) {
                    e.hours += amount.get(i);
                }
            } else {
                e.fee.add(charges);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_arns_name_their_cluster_and_instances_their_id() {
        assert_eq!(
            task_arn("arn:aws:ecs:us-east-1:123456789012:task/demo-prod/0123abcd"),
            Some((Some("demo-prod"), "0123abcd"))
        );
        assert_eq!(
            task_arn("arn:aws:ecs:us-east-1:123456789012:task/0123abcd"),
            Some((None, "0123abcd"))
        );
        assert_eq!(task_arn("arn:aws:ecs:us-east-1:123456789012:service/demo-prod/web"), None);
        assert_eq!(task_arn("i-0abc"), None);
        assert_eq!(instance_id("i-0123456789abcdef0"), Some("i-0123456789abcdef0"));
        assert_eq!(instance_id("arn:aws:ec2:us-east-1:123456789012:instance/i-0abc"), Some("i-0abc"));
        assert_eq!(instance_id("i-xyz"), None);
        assert_eq!(instance_id("vol-0abc"), None);
    }

    #[test]
    fn tag_keys_match_however_the_export_spells_them() {
        for k in ["aws:ecs:serviceName", "aws_ecs_service_name", "resourceTags/aws:ecs:serviceName"] {
            assert!(tag_key(k).ends_with(SERVICE_TAG), "{k}");
        }
        assert!(!tag_key("user:service").ends_with(SERVICE_TAG));
    }

    #[test]
    fn patterns_match_file_names() {
        assert!(glob_match("*.parquet", "demo-00001.snappy.parquet"));
        assert!(glob_match("part-?.parquet", "part-1.parquet"));
        assert!(!glob_match("*.parquet", "manifest.json"));
    }
}
