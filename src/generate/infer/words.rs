//! What an operation's name says: its verb, what it acts on, and the operations that make and
//! undo that.

use crate::model::Model;

use super::fill::{answer_path, own_identifier};

/// The verbs that make a resource, and those that undo what each makes.
const UNDO: &[(&str, &[&str])] = &[
    ("Create", &["Delete"]),
    ("Register", &["Deregister"]),
    ("Start", &["Stop"]),
    ("Run", &["Stop", "Terminate"]),
    ("Put", &["Delete"]),
    ("Request", &["Delete"]),
    ("Allocate", &["Release"]),
    ("Launch", &["Terminate"]),
    ("Import", &["Delete"]),
];

/// An operation's verb (its first word), what it acts on, and that thing's last word
/// (`CreateHttpNamespace`: `Create`, `HttpNamespace`, `Namespace`).
pub fn parts(operation: &str) -> (&str, &str, &str) {
    let split = |text: &str, from_end: bool| {
        let mut uppers = text
            .char_indices()
            .skip(1)
            .filter(|(_, c)| c.is_ascii_uppercase())
            .map(|(i, _)| i);
        if from_end {
            uppers.last()
        } else {
            uppers.next()
        }
    };
    let (verb, rest) = operation.split_at(split(operation, false).unwrap_or(operation.len()));
    let last = split(rest, true).map_or(rest, |i| &rest[i..]);
    (verb, rest, last)
}

/// Whether the operation makes a resource.
pub fn makes(operation: &str) -> bool {
    UNDO.iter().any(|(v, _)| *v == parts(operation).0)
}

/// The operation that undoes what `operation` makes (`DeleteX` for `CreateX`, else for the
/// last word of X).
pub fn undoer<'m>(model: &'m Model, operation: &str) -> Option<&'m str> {
    let (verb, rest, last) = parts(operation);
    let enders = UNDO.iter().find(|(v, _)| *v == verb)?.1;
    enders
        .iter()
        .flat_map(|e| [format!("{e}{rest}"), format!("{e}{last}")])
        .find_map(|name| {
            model
                .operations
                .get_key_value(&name)
                .map(|(k, _)| k.as_str())
        })
}

/// The operation that makes what `operation` acts on (`CreateX` for `UpdateX`), if it is not
/// one that makes things itself.
pub fn maker<'m>(model: &'m Model, operation: &str) -> Option<&'m str> {
    if makes(operation) {
        return None;
    }
    let (_, rest, last) = parts(operation);
    ["Create", "Register", "Put"]
        .iter()
        .flat_map(|v| [format!("{v}{rest}"), format!("{v}{last}")])
        .find_map(|name| {
            model
                .operations
                .get_key_value(&name)
                .map(|(k, _)| k.as_str())
        })
}

/// The operation that makes what `member` names (`ServiceId`: `CreateService`, whose answer
/// carries `Service.Id`), other than `asking`: one whose verb makes things and whose answer
/// has the member, the one named after the member's noun first.
pub fn producer<'m>(model: &'m Model, member: &str, asking: &str) -> Option<&'m str> {
    let noun = ["Id", "Arn", "ARN", "Identifier", "Name"]
        .iter()
        .find_map(|end| member.strip_suffix(end))
        .filter(|n| !n.is_empty())?;
    let mut found: Vec<(bool, &str)> = model
        .operations
        .keys()
        .map(String::as_str)
        .filter(|op| *op != asking && makes(op))
        .filter(|op| {
            let last = parts(op).2;
            answer_path(model, op, member).is_some()
                || (last.eq_ignore_ascii_case(noun)
                    && own_identifier(model, op, &member[noun.len()..]).is_some())
        })
        .map(|op| (!parts(op).1.eq_ignore_ascii_case(noun), op))
        .collect();
    found.sort();
    found.first().map(|(_, op)| *op)
}
