//! User-facing problems with a source position, rendered once, rustc style, for the console,
//! JUnit and JSON alike:
//!
//! ```text
//! error: unknown operation `CreateWidgt`
//!   --> scenarios/ct2.yaml:7:11
//!    |
//!  7 |   - call: CreateWidgt
//!    |           ^^^^^^^^^^^ not in the Widgets model
//!    = help: did you mean `CreateWidget`?
//! ```

use std::fmt::Write as _;

/// A position in a source file, 1-based.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub fn new(line: u64, column: u64) -> Self {
        Self {
            line: line.min(u32::MAX as u64) as u32,
            column: column.min(u32::MAX as u64) as u32,
        }
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub pos: Option<Pos>,
    pub message: String,
    /// A short note under the carets.
    pub label: Option<String>,
    /// A "did you mean" or how to fix it.
    pub help: Option<String>,
    /// How many characters the carets cover.
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    /// A YAML reader's error, at its line and column, with a "did you mean" for an unknown
    /// field.
    pub fn from_yaml(file: &str, error: &serde_saphyr::Error) -> Self {
        let bare = error.without_snippet();
        let pos = bare
            .location()
            .filter(|l| l.line() > 0)
            .map(|l| Pos::new(l.line(), l.column()));
        let message = bare.to_string();
        // serde's own text: "unknown field `cal`, expected one of `id`, `call`, ...".
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .trim()
            .to_string();
        let help = unknown_field_suggestion(&message);
        Diagnostic::new(file, pos, message).help_opt(help)
    }

    pub fn new(file: &str, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            pos,
            message: message.into(),
            label: None,
            help: None,
            width: 1,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn help_opt(self, help: Option<String>) -> Self {
        match help {
            Some(h) => self.help(h),
            None => self,
        }
    }

    pub fn width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    /// Problems of one input file as one error of the input: about the first's place, its
    /// snippet under it, every other rendered after.
    pub fn into_error(problems: Vec<Diagnostic>, source: &str) -> crate::error::Error {
        use crate::error::{About, Error};
        let Some(first) = problems.first() else {
            return Error::internal("no problem to report");
        };
        let mut message = first.message.clone();
        let rendered = first.render(Some(source));
        // The rendering's snippet and help, without its own first two lines (message, place).
        for line in rendered.lines().skip(2) {
            let _ = write!(message, "\n{line}");
        }
        for other in &problems[1..] {
            let _ = write!(message, "\n{}", other.render(Some(source)).trim_end());
        }
        Error::input(message).about(About::File {
            path: first.file.clone().into(),
            line: first.pos.map(|p| p.line as usize),
            column: first.pos.map(|p| p.column as usize),
        })
    }

    /// `file:line:column`, or just the file.
    pub fn location(&self) -> String {
        match self.pos {
            Some(p) => format!("{}:{}:{}", self.file, p.line, p.column),
            None => self.file.clone(),
        }
    }

    /// The full text with a snippet of `source` (when given), in one style for every output.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = format!("error: {}\n  --> {}\n", self.message, self.location());
        let line_text = self.pos.zip(source).and_then(|(p, src)| {
            src.lines()
                .nth(p.line.saturating_sub(1) as usize)
                .map(|l| (p, l))
        });
        if let Some((pos, text)) = line_text {
            let number = pos.line.to_string();
            let gutter = " ".repeat(number.len());
            let text: String = text.chars().take(200).collect();
            let indent = " ".repeat(pos.column.saturating_sub(1) as usize);
            let _ = writeln!(out, "{gutter} |\n{number} | {text}");
            let _ = write!(out, "{gutter} | {indent}{}", "^".repeat(self.width));
            if let Some(label) = &self.label {
                let _ = write!(out, " {label}");
            }
            out.push('\n');
        } else if let Some(label) = &self.label {
            let _ = writeln!(out, "   = {label}");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "   = help: {help}");
        }
        out
    }
}

fn unknown_field_suggestion(message: &str) -> Option<String> {
    // serde-saphyr words it "unknown field `cal`, expected one of id, call, repeat".
    let rest = message.split("unknown field `").nth(1)?;
    let (field, expected) = rest.split_once('`')?;
    let list = expected
        .split("expected one of")
        .nth(1)
        .or_else(|| expected.split("expected").nth(1))?;
    let candidates: Vec<&str> = list
        .split(',')
        .map(|c| c.trim().trim_matches('`'))
        .filter(|c| !c.is_empty())
        .collect();
    crate::model::closest(field, candidates.iter().copied()).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_snippet_carets_and_help() {
        let src = "name: x\nsteps:\n  - call: CreateEnviromentTemplate\n";
        let d = Diagnostic::new(
            "s.yaml",
            Some(Pos::new(3, 11)),
            "unknown operation `CreateEnviromentTemplate`",
        )
        .label("not in the Proton model")
        .help("did you mean `CreateEnvironmentTemplate`?")
        .width(24);
        let text = d.render(Some(src));
        assert_eq!(
            text,
            "error: unknown operation `CreateEnviromentTemplate`\n  --> s.yaml:3:11\n  |\n3 |   - call: CreateEnviromentTemplate\n  |           ^^^^^^^^^^^^^^^^^^^^^^^^ not in the Proton model\n   = help: did you mean `CreateEnvironmentTemplate`?\n"
        );
    }
}
