//! The export's columns as the reader sees them: text, numbers, times and tag maps, whatever
//! Arrow type the file stores each in, read row by row without copying.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Float32Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, Utc};

pub(super) use crate::columnar::Text;

/// A number column: floats, integers, decimals, or numbers written as text.
pub(super) enum Num<'a> {
    F64(&'a arrow_array::Float64Array),
    F32(&'a arrow_array::Float32Array),
    I64(&'a arrow_array::Int64Array),
    I32(&'a arrow_array::Int32Array),
    Dec(&'a arrow_array::Decimal128Array, f64),
    Text(Text<'a>),
    Null,
}

impl<'a> Num<'a> {
    pub(super) fn of(a: &'a ArrayRef) -> Num<'a> {
        match a.data_type() {
            DataType::Float64 => Num::F64(a.as_primitive::<Float64Type>()),
            DataType::Float32 => Num::F32(a.as_primitive::<Float32Type>()),
            DataType::Int64 => Num::I64(a.as_primitive::<Int64Type>()),
            DataType::Int32 => Num::I32(a.as_primitive::<Int32Type>()),
            DataType::Decimal128(_, s) => Num::Dec(a.as_primitive::<Decimal128Type>(), 10f64.powi(-i32::from(*s))),
            _ => Text::of(a).map(Num::Text).unwrap_or(Num::Null),
        }
    }

    /// The value at `i`; null, unparsable or not finite reads as zero (AWS leaves costs empty
    /// on lines that have none).
    pub(super) fn get(&self, i: usize) -> f64 {
        let v = match self {
            Num::F64(a) => a.is_valid(i).then(|| a.value(i)),
            Num::F32(a) => a.is_valid(i).then(|| f64::from(a.value(i))),
            Num::I64(a) => a.is_valid(i).then(|| a.value(i) as f64),
            Num::I32(a) => a.is_valid(i).then(|| f64::from(a.value(i))),
            Num::Dec(a, scale) => a.is_valid(i).then(|| a.value(i) as f64 * scale),
            Num::Text(t) => t.get(i).and_then(|s| s.trim().parse::<f64>().ok()),
            Num::Null => None,
        };
        v.filter(|x| x.is_finite()).unwrap_or(0.0)
    }
}

/// A time column: a timestamp of any unit, or RFC 3339 text.
pub(super) enum Time<'a> {
    Ts(&'a dyn Array, TimeUnit),
    Text(Text<'a>),
    Null,
}

impl<'a> Time<'a> {
    pub(super) fn of(a: &'a ArrayRef) -> Time<'a> {
        match a.data_type() {
            DataType::Timestamp(u, _) => Time::Ts(a.as_ref(), *u),
            _ => Text::of(a).map(Time::Text).unwrap_or(Time::Null),
        }
    }

    pub(super) fn get(&self, i: usize) -> Option<DateTime<Utc>> {
        match self {
            Time::Ts(a, u) => {
                if !a.is_valid(i) {
                    return None;
                }
                ts(*a, *u, i)
            }
            Time::Text(t) => t.get(i).and_then(parse_time),
            Time::Null => None,
        }
    }
}

fn ts(a: &dyn Array, u: TimeUnit, i: usize) -> Option<DateTime<Utc>> {
    match u {
        TimeUnit::Second => DateTime::from_timestamp(a.as_primitive::<TimestampSecondType>().value(i), 0),
        TimeUnit::Millisecond => DateTime::from_timestamp_millis(a.as_primitive::<TimestampMillisecondType>().value(i)),
        TimeUnit::Microsecond => DateTime::from_timestamp_micros(a.as_primitive::<TimestampMicrosecondType>().value(i)),
        TimeUnit::Nanosecond => Some(DateTime::from_timestamp_nanos(a.as_primitive::<TimestampNanosecondType>().value(i))),
    }
}

/// `2026-10-01T00:00:00Z`, `2026-10-01T00:00:00.000Z` or `2026-10-01 00:00:00`.
pub(super) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|t| t.and_utc())
        })
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|t| t.and_utc())
        })
}

pub(super) enum Tags<'a> {
    Map {
        offsets: &'a [i32],
        keys: Text<'a>,
        values: Text<'a>,
    },
    Json(Text<'a>),
}

impl<'a> Tags<'a> {
    pub(super) fn of(a: &'a ArrayRef) -> Option<Tags<'a>> {
        match a.data_type() {
            DataType::Map(..) => {
                let m = a.as_map();
                Some(Tags::Map {
                    offsets: m.value_offsets(),
                    keys: Text::of(m.keys())?,
                    values: Text::of(m.values())?,
                })
            }
            _ => Text::of(a).map(Tags::Json),
        }
    }
}
