//! Arrow columns read as values, whatever type a Parquet writer chose: text stored plain, large,
//! as views or dictionary-encoded (pandas' categories, Spark's dictionaries), with any key type.
//! Shared by the readers of Parquet files (the usage table, the bill). Knows nothing of the
//! product.

use arrow_array::cast::AsArray;
use arrow_array::{AnyDictionaryArray, Array, ArrayRef};
use arrow_schema::DataType;

/// A text column, whatever its Arrow encoding.
pub enum Text<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    /// The dictionary (for its nulls), each row's key as a position in the values, the values.
    Dict(&'a dyn AnyDictionaryArray, Vec<usize>, Box<Text<'a>>),
}

impl<'a> Text<'a> {
    /// The column as text; `None` when it holds something else.
    pub fn of(a: &'a ArrayRef) -> Option<Text<'a>> {
        Self::of_dyn(a.as_ref())
    }

    fn of_dyn(a: &'a dyn Array) -> Option<Text<'a>> {
        match a.data_type() {
            DataType::Utf8 => Some(Text::Utf8(a.as_string::<i32>())),
            DataType::LargeUtf8 => Some(Text::Large(a.as_string::<i64>())),
            DataType::Utf8View => Some(Text::View(a.as_string_view())),
            DataType::Dictionary(..) => {
                let d = a.as_any_dictionary_opt()?;
                let values = Text::of_dyn(d.values().as_ref())?;
                Some(Text::Dict(d, d.normalized_keys(), Box::new(values)))
            }
            _ => None,
        }
    }

    /// Whether `t` is a text type this reads.
    pub fn is_text(t: &DataType) -> bool {
        match t {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
            DataType::Dictionary(_, v) => Self::is_text(v),
            _ => false,
        }
    }

    /// Row `i`'s text; `None` where it is null.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Text::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Text::View(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Dict(d, keys, v) => {
                if d.is_valid(i) {
                    v.get(keys[i])
                } else {
                    None
                }
            }
        }
    }
}
