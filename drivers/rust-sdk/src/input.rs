//! Reading an operation's JSON input into the SDK's typed builders. The type of each member
//! comes from its setter (`set_name(Option<String>)`), so a call lists only which JSON member
//! goes to which setter; a member no setter takes is an error, never dropped.

use std::cell::RefCell;
use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// A value the driver can read from JSON.
pub trait FromJson: Sized {
    fn from_json(value: &Value) -> Result<Self, String>;
}

impl FromJson for String {
    fn from_json(value: &Value) -> Result<Self, String> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("expected a string, got {value}"))
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Result<Self, String> {
        value
            .as_bool()
            .ok_or_else(|| format!("expected a boolean, got {value}"))
    }
}

impl FromJson for i32 {
    fn from_json(value: &Value) -> Result<Self, String> {
        value
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| format!("expected a 32-bit integer, got {value}"))
    }
}

impl FromJson for i64 {
    fn from_json(value: &Value) -> Result<Self, String> {
        value
            .as_i64()
            .ok_or_else(|| format!("expected an integer, got {value}"))
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Result<Self, String> {
        value
            .as_array()
            .ok_or_else(|| format!("expected a list, got {value}"))?
            .iter()
            .map(T::from_json)
            .collect()
    }
}

/// The members of a JSON object, each taken at most once; `finish` refuses the ones left.
pub struct Members<'a> {
    object: &'a Map<String, Value>,
    taken: RefCell<BTreeSet<&'a str>>,
}

impl<'a> Members<'a> {
    pub fn new(value: &'a Value) -> Result<Self, String> {
        let object = value
            .as_object()
            .ok_or_else(|| format!("expected an object, got {value}"))?;
        Ok(Members {
            object,
            taken: RefCell::new(BTreeSet::new()),
        })
    }

    /// The member `name` read as the setter's type; `None` where the input has none.
    pub fn take<T: FromJson>(&self, name: &'a str) -> Result<Option<T>, String> {
        self.taken.borrow_mut().insert(name);
        match self.object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::from_json(value)
                .map(Some)
                .map_err(|e| format!("member {name}: {e}")),
        }
    }

    /// An error naming the members no setter took.
    pub fn finish(self) -> Result<(), String> {
        let taken = self.taken.borrow();
        let left: Vec<&str> = self
            .object
            .keys()
            .map(String::as_str)
            .filter(|name| !taken.contains(name))
            .collect();
        if left.is_empty() {
            Ok(())
        } else {
            Err(format!("no setter for member(s) {}", left.join(", ")))
        }
    }
}

/// One call: each listed JSON member through its setter, then sent.
macro_rules! call {
    ($request:expr, $params:expr, { $($member:literal => $setter:ident),* $(,)? }) => {{
        let members = Members::new($params)?;
        let request = $request $(.$setter(members.take($member)?))*;
        members.finish()?;
        Ok(outcome(request.send().await))
    }};
}

/// A structure read through its builder; `fallible` where `build()` checks required members.
macro_rules! structure {
    (fallible $type:path { $($member:literal => $setter:ident),* $(,)? }) => {
        impl FromJson for $type {
            fn from_json(value: &Value) -> Result<Self, String> {
                let members = Members::new(value)?;
                let builder = <$type>::builder() $(.$setter(members.take($member)?))*;
                members.finish()?;
                builder.build().map_err(|e| e.to_string())
            }
        }
    };
    (infallible $type:path { $($member:literal => $setter:ident),* $(,)? }) => {
        impl FromJson for $type {
            fn from_json(value: &Value) -> Result<Self, String> {
                let members = Members::new(value)?;
                let builder = <$type>::builder() $(.$setter(members.take($member)?))*;
                members.finish()?;
                Ok(builder.build())
            }
        }
    };
}

/// A union: the one member set names the variant.
macro_rules! union {
    ($type:path { $($member:literal => $variant:ident),* $(,)? }) => {
        impl FromJson for $type {
            fn from_json(value: &Value) -> Result<Self, String> {
                let members = Members::new(value)?;
                $(if let Some(inner) = members.take($member)? {
                    members.finish()?;
                    return Ok(<$type>::$variant(inner));
                })*
                Err(format!("expected one member of the union, got {value}"))
            }
        }
    };
}

/// An enumeration, from its wire value (an unknown value is kept as the SDK keeps it).
macro_rules! enumeration {
    ($type:path) => {
        impl FromJson for $type {
            fn from_json(value: &Value) -> Result<Self, String> {
                Ok(<$type>::from(String::from_json(value)?.as_str()))
            }
        }
    };
}

pub(crate) use {call, enumeration, structure, union};
