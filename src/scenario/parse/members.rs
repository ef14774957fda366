//! Request members against the operation's input shape, and the templates inside them.

use super::converter::Converter;
use crate::model::{self, ShapeKind};
use crate::scenario::node::{Node, NodeValue};
use crate::scenario::template::{Reference, Template};

impl Converter<'_> {
    /// Every string in `node` must be a valid template whose names are defined by now.
    pub(super) fn templates_in(&mut self, node: &Node) {
        match &node.value {
            NodeValue::Str(text) => match Template::parse(text) {
                Err(e) => {
                    self.error(node.pos, format!("invalid template: {}", e.message));
                }
                Ok(t) => {
                    for expr in t.exprs() {
                        if let Reference::Name(name) = &expr.reference
                            && !self.defined.contains(name)
                        {
                            let help =
                                model::closest(name, self.defined.iter().map(String::as_str))
                                    .map(str::to_string);
                            let d =
                                self.error(node.pos, format!("`${{{name}}}` is not defined here"));
                            d.label = Some("no variable or earlier capture has this name".into());
                            d.help = help.map(|h| format!("did you mean `{h}`?"));
                        }
                    }
                }
            },
            NodeValue::Seq(items) => items.iter().for_each(|i| self.templates_in(i)),
            NodeValue::Map(entries) => entries.iter().for_each(|(_, v)| self.templates_in(v)),
            _ => {}
        }
    }

    /// Checks `node` against a model shape: member names (with suggestions) and value kinds.
    pub(super) fn members(&mut self, node: &Node, shape_name: &str, context: &str) {
        self.members_of(node, shape_name, context, true);
    }

    /// `with` of a `repeat` replaces some members: its top level need not be complete.
    pub(super) fn partial_members(&mut self, node: &Node, shape_name: &str, context: &str) {
        self.members_of(node, shape_name, context, false);
    }

    pub(super) fn members_of(
        &mut self,
        node: &Node,
        shape_name: &str,
        context: &str,
        complete: bool,
    ) {
        let Some(shape) = self.model().shape(shape_name) else {
            return;
        };
        if node.as_str().is_some_and(|s| s.contains("${")) {
            // A templated value is checked once expanded, before sending; only a length it
            // must exceed is known now.
            if let (Some(max), Some(len), false) =
                (shape.max, self.min_len(node), self.breaks_schema)
                && shape.kind == ShapeKind::String
                && len as f64 > max
            {
                let d = self.error(
                    node.pos,
                    format!("{context} expands to at least {len} characters, over the maximum {max} of {shape_name}"),
                );
                d.help = Some("shorten it (`| len(N)` cuts a reference), or mark the step `invalid_request: true` if it breaks this on purpose".into());
            }
            return;
        }
        if !self.breaks_schema {
            for (message, help) in
                crate::scenario::constraints::broken(node, shape, shape_name, context)
            {
                let d = self.error(node.pos, message);
                d.help = help.or_else(|| {
                    Some(
                        "or mark the step `invalid_request: true` if it breaks this on purpose"
                            .into(),
                    )
                });
            }
        }
        match shape.kind {
            ShapeKind::Structure => {
                let Some(entries) = node.entries() else {
                    self.error(
                        node.pos,
                        format!(
                            "{context} expects a mapping ({shape_name}), found {}",
                            node.kind()
                        ),
                    );
                    return;
                };
                for required in shape.required.iter().filter(|_| complete) {
                    if !entries.iter().any(|(k, _)| &k.name == required) {
                        self.error(
                            node.pos,
                            format!(
                                "{context}: missing required member `{required}` of {shape_name}"
                            ),
                        );
                    }
                }
                for (key, value) in entries {
                    match shape.members.get(&key.name) {
                        Some(member) => self.members(value, &member.shape, &key.name),
                        None => {
                            let help =
                                model::closest(&key.name, shape.members.keys().map(String::as_str));
                            let known: Vec<&str> =
                                shape.members.keys().map(String::as_str).collect();
                            let d = self.error(
                                key.pos,
                                format!("unknown member `{}` in {shape_name}", key.name),
                            );
                            d.width = key.name.len();
                            d.label = Some(format!("expected one of {}", known.join(", ")));
                            d.help = help.map(|h| format!("did you mean `{h}`?"));
                        }
                    }
                }
            }
            ShapeKind::List => match &node.value {
                NodeValue::Seq(items) => {
                    if let Some(member) = &shape.member {
                        items
                            .iter()
                            .for_each(|i| self.members(i, &member.shape, context));
                    }
                }
                _ => {
                    self.error(
                        node.pos,
                        format!("{context} expects a list, found {}", node.kind()),
                    );
                }
            },
            ShapeKind::Map => match (&node.value, &shape.value) {
                (NodeValue::Map(entries), Some(value)) => {
                    entries
                        .iter()
                        .for_each(|(_, v)| self.members(v, &value.shape, context));
                }
                _ => {
                    self.error(
                        node.pos,
                        format!("{context} expects a mapping, found {}", node.kind()),
                    );
                }
            },
            ShapeKind::String | ShapeKind::Blob => {
                if !matches!(node.value, NodeValue::Str(_)) {
                    let d = self.error(
                        node.pos,
                        format!("{context} expects a string, found {}", node.kind()),
                    );
                    if matches!(
                        node.value,
                        NodeValue::Int(_) | NodeValue::Float(_) | NodeValue::Bool(_)
                    ) {
                        d.help =
                            Some("quote the value: the model types this member as a string".into());
                    }
                }
            }
            ShapeKind::Integer
            | ShapeKind::Long
            | ShapeKind::Byte
            | ShapeKind::Short
            | ShapeKind::BigInteger => {
                if !matches!(node.value, NodeValue::Int(_)) {
                    self.error(
                        node.pos,
                        format!("{context} expects an integer, found {}", node.kind()),
                    );
                }
            }
            ShapeKind::Boolean => {
                if !matches!(node.value, NodeValue::Bool(_)) {
                    self.error(
                        node.pos,
                        format!("{context} expects a boolean, found {}", node.kind()),
                    );
                }
            }
            ShapeKind::Timestamp | ShapeKind::Double | ShapeKind::Float | ShapeKind::BigDecimal => {
                if !matches!(node.value, NodeValue::Int(_) | NodeValue::Float(_)) {
                    self.error(
                        node.pos,
                        format!("{context} expects a number, found {}", node.kind()),
                    );
                }
            }
        }
    }
}
