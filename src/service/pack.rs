//! A service pack's file: the contract data the model does not carry (which clauses apply to
//! which operations, how to clean up, how the fuzzer writes its calls, which members name
//! resources).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// One clause of the contract.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: String,
    pub summary: String,
    /// The operation groups the clause applies to; empty means every operation a scenario calls.
    #[serde(default)]
    pub applies_to: Vec<String>,
    /// Its definition's anchor in CONTRACT.md (`ct2`, `any-ct2`), from the pack's
    /// `clause_anchors` prefix.
    #[serde(skip)]
    #[schemars(skip)]
    pub anchor: String,
}

impl Clause {
    /// Whether the clause applies to every operation (the general clauses, G1..G3).
    pub fn is_general(&self) -> bool {
        self.applies_to.is_empty()
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub name: String,
    /// The botocore model's uid (`<service>-<api version>`).
    pub model: String,
    pub title: String,
    /// What the anchors of the pack's clause definitions in CONTRACT.md start with: the
    /// token contract of any service (`any-`, the default) or the pack's own section (``).
    #[serde(default = "any_service")]
    pub clause_anchors: String,
    /// What boto3 and the AWS CLI call the service (`boto3.client(NAME)`, `aws NAME ...`).
    pub sdk_name: String,
    pub operation_groups: BTreeMap<String, Vec<String>>,
    /// The groups whose operations are the coverage matrix's columns, in order.
    pub coverage: Vec<String>,
    /// The clause catalogue: the token contract of any service (CONTRACT.md, "Any AWS
    /// service's token operations") unless the pack has its own (the default pack's).
    #[serde(default = "token_clauses")]
    pub clauses: Vec<Clause>,
    #[serde(default)]
    pub resource_name_members: Vec<String>,
    #[serde(default)]
    pub cleanup: Vec<CleanupKind>,
    pub fuzz: Option<FuzzPack>,
    /// The idempotency contract of each operation that takes a token, as its documentation
    /// states it (what `generate` writes scenarios for and the generic reference keeps).
    #[serde(default)]
    pub tokens: Vec<TokenOperation>,
    /// Whether its token points were read from the documentation (a bare pack's come from the
    /// model alone: "unknown" there means not read, not undecided).
    #[serde(default = "documented")]
    pub documented: bool,
    /// The file the pack was read from and its text, for problems at their line.
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Option<Origin>,
}

/// Where a pack was read from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    pub text: std::sync::Arc<str>,
}

/// One operation's token contract. A point the documentation does not state is `unknown`:
/// no scenario is generated for it, and no verdict depends on it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenOperation {
    pub operation: String,
    /// The token member, where the model does not mark it (`idempotencyToken`).
    pub member: Option<String>,
    /// The documentation page the points below come from.
    pub source: String,
    /// What a retry with the same token and parameters answers: `original` (the first
    /// answer), `same M1 M2` (an answer naming the same resource by these members), an error
    /// type, or `unknown`.
    pub retry: String,
    /// The error a retry with the same token and other parameters gets, or `unknown`.
    pub mismatch: String,
    /// How long the token binds (`10m`, `1h`, `24h`), `none` (for ever), or `unknown`.
    pub window: String,
    /// The token's longest length, where the documentation states one the model lacks.
    #[serde(default)]
    pub token_max: Option<u64>,
    /// The documentation says tokens are case sensitive: one that differs only in case is
    /// another token.
    #[serde(default)]
    pub case_sensitive: bool,
    /// What the same request sent twice without a token does: `two` (each is its own), an
    /// error type, or `unknown` (the default: none of the bundled packs' pages says).
    #[serde(default = "unknown_point")]
    pub no_token_twice: String,
    /// The request (scenario JSON, templates allowed); synthesized from the model when absent.
    pub input: Option<Value>,
    /// Members changed for a mismatch; when absent, the first string member the input gives
    /// other than the token is changed.
    pub change: Option<Value>,
    /// Values the first request's answer gives the teardown (`name: path`).
    pub capture: Option<Value>,
    /// Steps that make what the request needs, and undo it (scenario steps).
    #[serde(default)]
    pub setup: Vec<Value>,
    #[serde(default)]
    pub teardown: Vec<Value>,
    /// The read that shows the operation's effect, where the model's listings cannot (a
    /// data-plane write: an `ADD` counter and the read that shows it).
    #[serde(default)]
    pub effect: Option<EffectRead>,
    /// Members the request names a resource by that nothing in the scenario made (an IAM
    /// role's ARN, a VPC's id): values of the right form, found by inference, not by a pack.
    /// A refusal could then be theirs, so nothing is judged on a refusal (CT1).
    #[serde(skip)]
    #[schemars(skip)]
    pub guessed: Vec<String>,
}

/// A read whose identifiers (or values) must be the same after a retry as after the first
/// call: what "nothing more" (CT2) is observed through.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EffectRead {
    pub call: String,
    pub params: Option<Value>,
    /// A JMESPath over the read's answer: what must not change.
    pub ids: String,
}

impl TokenOperation {
    pub fn known(point: &str) -> Option<&str> {
        (point != "unknown").then_some(point)
    }
}

/// One kind of resource `cleanup` deletes.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CleanupKind {
    pub list: String,
    /// One listing per entry (an operation whose list is split by a required filter).
    #[serde(default = "one_empty_listing")]
    pub list_params: Vec<Value>,
    /// The member holding the resource's name (the run prefix is looked for there).
    pub name: String,
    pub delete: String,
    /// The delete's input member <- the listed item's member.
    pub key: BTreeMap<String, String>,
    /// Polled until ResourceNotFoundException after the delete (asynchronous deletes).
    pub gone: Option<String>,
    /// Deleted first, each listed with the parent's name.
    pub versions: Option<CleanupVersions>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CleanupVersions {
    pub list: String,
    /// The list's input member that takes the parent's name.
    pub parent: String,
    pub delete: String,
    pub key: BTreeMap<String, String>,
}

fn unknown_point() -> String {
    "unknown".into()
}

fn one_empty_listing() -> Vec<Value> {
    vec![Value::Object(Default::default())]
}

/// How the fuzzer writes the oracle's abstract calls: operations and scenario text
/// with `{{name}}` holes.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FuzzPack {
    pub token_create: FuzzCall,
    pub token_delete: FuzzCall,
    pub token_list: FuzzCall,
    pub token_vars: String,
    pub token_setup: String,
    pub token_teardown: String,
    pub named: String,
    pub named_create: FuzzCall,
    pub named_update: FuzzCall,
    pub named_delete: FuzzCall,
    pub async_named: String,
    pub async_delete: FuzzCall,
    pub async_before: String,
    pub async_after: String,
    pub async_operations: Vec<String>,
    pub async_vars: String,
    pub async_setup: String,
    pub async_teardown_each: String,
    pub async_teardown: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FuzzCall {
    pub operation: String,
    pub params: String,
    pub capture: Option<String>,
    /// For a list: the member holding the items.
    pub items: Option<String>,
}

/// The JSON Schema of a pack file, for editors (kept as `src/packs/pack.schema.json`).
pub fn pack_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(Pack)).unwrap_or_default()
}

impl Pack {
    pub fn parse(text: &str) -> Result<Pack, crate::error::Error> {
        Self::parse_file(text, "pack")
    }

    /// A pack file's text; a problem is an error at its line and column in `file`.
    pub fn parse_file(text: &str, file: &str) -> Result<Pack, crate::error::Error> {
        let mut pack: Pack = serde_saphyr::from_str(text).map_err(|e| {
            crate::diagnostic::Diagnostic::into_error(
                vec![crate::diagnostic::Diagnostic::from_yaml(file, &e)],
                text,
            )
        })?;
        pack.origin = Some(Origin {
            file: file.to_string(),
            text: text.into(),
        });
        Ok(pack)
    }

    /// The operations of a group (none for an unknown group).
    pub fn group(&self, name: &str) -> &[String] {
        self.operation_groups
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Every operation the pack names, for checking against the model.
    pub fn named_operations(&self) -> impl Iterator<Item = &str> {
        let groups = self.operation_groups.values().flatten();
        let cleanup = self.cleanup.iter().flat_map(|k| {
            let versions = k.versions.iter().flat_map(|v| [&v.list, &v.delete]);
            [&k.list, &k.delete]
                .into_iter()
                .chain(&k.gone)
                .chain(versions)
        });
        let fuzz = self.fuzz.iter().flat_map(|f| {
            [
                &f.token_create,
                &f.token_delete,
                &f.token_list,
                &f.named_create,
                &f.named_update,
                &f.named_delete,
                &f.async_delete,
            ]
            .map(|c| &c.operation)
            .into_iter()
            .chain(&f.async_operations)
        });
        let tokens = self
            .tokens
            .iter()
            .flat_map(|t| std::iter::once(&t.operation).chain(t.effect.iter().map(|e| &e.call)));
        groups
            .chain(cleanup)
            .chain(fuzz)
            .chain(tokens)
            .map(String::as_str)
    }
}

/// The clauses of any service's token operations.
const TOKEN_CLAUSES: &str = r#"
  - id: CT1
    summary: a token past the model's length limit is refused
    applies_to: [tokens]
  - id: CT2
    summary: "same token, same parameters: the documented retry answer, nothing more"
    applies_to: [tokens]
  - id: CT3
    summary: "same token, other parameters: the documented error"
    applies_to: [tokens]
  - id: CT4
    summary: "past the token's documented window, a request is a new one"
    applies_to: [tokens]
  - id: CT6
    summary: "the same request twice without a token: what the documentation says it does"
    applies_to: [tokens]
  - id: G2
    summary: every response body conforms to the model
  - id: G3
    summary: errors are errors of the protocol, of a declared or protocol-level type
"#;

fn token_clauses() -> Vec<Clause> {
    serde_saphyr::from_str(TOKEN_CLAUSES).expect("the token clause catalogue is valid YAML")
}

fn documented() -> bool {
    true
}

fn any_service() -> String {
    "any-".into()
}

/// `template` with each `{{name}}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}
