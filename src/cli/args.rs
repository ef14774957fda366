//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "proton-conform",
    version,
    about = "Contract-conformance harness for the idempotency contracts of AWS APIs"
)]
pub struct Cli {
    /// The service pack: the model and contract data scenarios are checked against
    #[arg(long, global = true, value_name = "NAME", default_value = proton_conform::service::DEFAULT)]
    pub service: String,
    /// A botocore service model (`service-2.json`) for a service without a bundled pack
    #[arg(long, global = true, value_name = "PATH")]
    pub model: Option<std::path::PathBuf>,
    /// A pack file (the contract data of `src/packs/*.yaml`) for that service
    #[arg(long, global = true, value_name = "PATH")]
    pub pack: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run scenarios against an endpoint (default: the embedded emulator) and report verdicts.
    Run(RunArgs),
    /// List the scenarios a selection holds, without running them.
    List(ListArgs),
    /// Check scenario files against the format and the model, without running them.
    Lint(LintArgs),
    /// Serve the reference emulator.
    Serve(ServeArgs),
    /// Compare two endpoints' redacted answers step by step, or two stored snapshot targets
    Diff(DiffArgs),
    /// Work on reports: `merge` shard JUnit files into one
    Report(ReportArgs),
    /// Delete resources runs left behind (names with a run prefix), nothing else
    Cleanup(CleanupArgs),
    /// Review, accept, reject or prune snapshots (without cargo-insta)
    Snapshots(SnapshotsArgs),
    /// Print a JSON Schema: `scenario` (the scenario file format, for editors)
    Schema(SchemaArgs),
    /// Check a client (SDK, CLI) against the contract: the emulator as its endpoint, faults scripted
    SdkCheck(SdkCheckArgs),
    /// Every token operation of every service, through an SDK: are its four token duties kept?
    SdkSweep(SdkSweepArgs),
    /// Stateful contract fuzzing: random call sequences checked against the oracle
    Fuzz(FuzzArgs),
    /// Print the clause x operation coverage matrix of the scenarios; write it as Markdown and JSON.
    Coverage(CoverageArgs),
    /// Write the scenarios a service pack's token contract gives (with --service NAME).
    Generate(GenerateArgs),
    /// Judge an endpoint (an emulator) on every pack's generated scenarios; write its report.
    Conformance(ConformanceArgs),
}

/// Which scenarios a command works on.
#[derive(Args, Clone)]
pub struct Selection {
    /// Scenario files or folders [default: scenarios]
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Only scenarios whose file or name contains this text
    #[arg(long)]
    pub filter: Option<String>,
    /// Only scenarios with this tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave out scenarios with this tag (repeatable)
    #[arg(long = "exclude-tag", value_name = "TAG")]
    pub exclude_tags: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human output on stderr
    Human,
    /// One JSON event per line on stdout (human output stays on stderr)
    Json,
}

/// Where requests go and how they are signed: shared by `run` and `fuzz`.
#[derive(Args, Clone)]
pub struct EndpointArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// For the embedded emulator: turn on a fault switch (repeatable; `serve --fault list`)
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
}

/// Where requests go and how they are signed: shared by every command that sends them.
#[derive(Args, Clone)]
pub struct ConnectArgs {
    /// Endpoint URL [default: $AWS_ENDPOINT_URL_<SERVICE ID>, else $AWS_ENDPOINT_URL, else the AWS profile's, else the embedded emulator]
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Allow a non-loopback endpoint host (repeatable)
    #[arg(long = "allow-endpoint", value_name = "HOST")]
    pub allow_endpoints: Vec<String>,
    #[command(flatten)]
    pub signing: SigningArgs,
}

/// How requests are signed: shared by every command that sends them to an endpoint.
#[derive(Args, Clone)]
pub struct SigningArgs {
    /// Sign requests with SigV4 (the default for a non-loopback endpoint)
    #[arg(long, conflicts_with = "no_sign")]
    pub sign: bool,
    /// Never sign requests
    #[arg(long)]
    pub no_sign: bool,
    /// The AWS credentials profile to sign with
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The region to sign for [default: AWS_REGION, else the profile's]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub endpoint: EndpointArgs,
    /// Print the requests the scenarios would send first, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Contract profile: `strict`, `lenient`, or a profile file
    #[arg(long, default_value = "strict", value_name = "NAME|PATH")]
    pub contract_profile: String,
    /// Where to write the JUnit report
    #[arg(long, default_value = "reports/junit.xml", value_name = "PATH")]
    pub junit: PathBuf,
    /// Where to write the HTML report
    #[arg(long, default_value = "reports/index.html", value_name = "PATH")]
    pub html: PathBuf,
    /// Where to write every verdict as JSON (what `report merge` joins across shards)
    #[arg(long, default_value = "reports/results.json", value_name = "PATH")]
    pub results: PathBuf,
    /// Event stream format on stdout
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Scenarios run at once (1 or more)
    #[arg(long, default_value_t = 8, value_parser = at_least_one)]
    pub jobs: usize,
    /// At most this many requests per second to the endpoint (0: no limit)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub max_rps: u32,
    /// Run only shard K of N (1-based), split deterministically by scenario file
    #[arg(long, value_name = "K/N")]
    pub partition: Option<String>,
    /// The run id (it seeds every prefix and token); default: a fresh one
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,
    /// Per-request timeout, in seconds
    #[arg(long, default_value_t = 30)]
    pub request_timeout: u64,
    /// Show every exchange
    #[arg(long, short)]
    pub verbose: bool,
    /// Write snapshots as they are now instead of comparing
    #[arg(long)]
    pub update_snapshots: bool,
    /// Whose recording the snapshots are [default: `emulator` for the embedded emulator; snapshots
    /// are off for other endpoints unless this is given]
    #[arg(long, value_name = "NAME")]
    pub snapshot_target: Option<String>,
    /// Where snapshots live
    #[arg(long, default_value = "snapshots", value_name = "DIR")]
    pub snapshot_dir: PathBuf,
}

#[derive(Args)]
pub struct SdkCheckArgs {
    /// SDK scenario files or folders [default: scenarios/sdk]
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// A shipped driver: boto3, awscli, rust, js (repeatable)
    #[arg(long = "driver", value_name = "NAME")]
    pub drivers: Vec<String>,
    /// Any client command instead (run with `sh -c`; see the README for the driver protocol)
    #[arg(long, value_name = "CMD")]
    pub client: Option<String>,
    /// For --client: the client's maximum attempts per call
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub client_max_attempts: u32,
    /// Where to write the JUnit report
    #[arg(long, default_value = "reports/sdk-junit.xml", value_name = "PATH")]
    pub junit: PathBuf,
    /// Where to write the HTML report
    #[arg(long, default_value = "reports/sdk.html", value_name = "PATH")]
    pub html: PathBuf,
    /// Where to write the driver x clause table (Markdown)
    #[arg(long, default_value = "reports/sdk-table.md", value_name = "PATH")]
    pub table: PathBuf,
    /// Also put the table into this file between `<!-- sdk-table:start -->` and `<!-- sdk-table:end -->`
    #[arg(long, value_name = "PATH")]
    pub update_readme: Option<PathBuf>,
    /// Show every step
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Args)]
pub struct SdkSweepArgs {
    /// A shipped driver: boto3, awscli, js, rust (repeatable)
    #[arg(long = "driver", value_name = "NAME")]
    pub drivers: Vec<String>,
    /// Any driver command in batch mode (run with `sh -c`; see ARCHITECTURE.md), as NAME=CMD
    #[arg(long, value_name = "NAME=CMD")]
    pub client: Vec<String>,
    /// Only these operations: a file of `service Operation` lines (`#` starts a comment)
    #[arg(long, value_name = "PATH")]
    pub sample: Option<PathBuf>,
    /// The models of --client drivers: `botocore` (every installed service) or `packs`
    #[arg(long, default_value = "botocore", value_name = "SET")]
    pub client_models: String,
    /// Calls at a time, each with its own endpoint and driver process (the SDKs mostly sleep
    /// in their retry backoff, so more than the cores)
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub jobs: usize,
    /// Where to write the Markdown report
    #[arg(long, default_value = "reports/sdk-sweep.md", value_name = "PATH")]
    pub out: PathBuf,
    /// Where to write the JSON summary (what each SDK did not keep, by operation)
    #[arg(long, default_value = "reports/sdk-sweep.json", value_name = "PATH")]
    pub summary: PathBuf,
    /// Where to write the JUnit report (a testcase per SDK and operation)
    #[arg(
        long,
        default_value = "reports/sdk-sweep-junit.xml",
        value_name = "PATH"
    )]
    pub junit: PathBuf,
}

#[derive(Args)]
pub struct FuzzArgs {
    #[command(flatten)]
    pub endpoint: EndpointArgs,
    /// Contract profile: `strict`, `lenient`, or a profile file
    #[arg(long, default_value = "strict", value_name = "NAME|PATH")]
    pub contract_profile: String,
    /// Call sequences to generate
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub cases: u32,
    /// Seed of the generator [default: a fresh one, printed]
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Stop generating new cases after this many seconds
    #[arg(long, value_name = "T")]
    pub max_seconds: Option<u64>,
    /// The longest sequence of calls in one case
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub max_calls: usize,
    /// Leave out environments' asynchronous deletes (they deploy environments)
    #[arg(long)]
    pub no_environments: bool,
    /// Where a counterexample is written, as a scenario `run` replays
    #[arg(long, default_value = "reports/counterexamples", value_name = "DIR")]
    pub counterexamples: PathBuf,
    /// Per-request timeout, in seconds
    #[arg(long, default_value_t = 30)]
    pub request_timeout: u64,
}

#[derive(Args)]
pub struct SnapshotsArgs {
    #[command(subcommand)]
    pub action: SnapshotsAction,
    /// Where snapshots live
    #[arg(long, default_value = "snapshots", value_name = "DIR", global = true)]
    pub dir: PathBuf,
}

#[derive(Subcommand, Clone)]
pub enum SnapshotsAction {
    /// Show each pending snapshot's differences from the stored one
    Review {
        /// Only pending snapshots whose path or scenario file contains one of these
        filters: Vec<String>,
    },
    /// Make pending snapshots the stored ones
    Accept {
        /// Only pending snapshots whose path or scenario file contains one of these
        filters: Vec<String>,
        /// Say what would be accepted, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Drop pending snapshots
    Reject {
        /// Only pending snapshots whose path or scenario file contains one of these
        filters: Vec<String>,
        /// Say what would be dropped, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete stored snapshots of the given scenarios that their `snapshot` steps no longer
    /// produce; snapshots of scenarios elsewhere are never touched
    Prune {
        /// Scenario files or folders whose snapshots to consider [default: scenarios]
        paths: Vec<PathBuf>,
        /// Say what would be deleted, change nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Output format on stdout: one file per line, or one JSON object per scenario
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// A count that must be positive (`--jobs 0` would run nothing, silently).
fn at_least_one(text: &str) -> Result<usize, proton_conform::error::Error> {
    use proton_conform::error::Error;
    match text.parse::<usize>() {
        Ok(0) => Err(Error::input("must be at least 1")),
        Ok(n) => Ok(n),
        Err(e) => Err(Error::input(e.to_string())),
    }
}

#[derive(Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 4566)]
    pub port: u16,
    /// Address to bind
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Virtual seconds a template version stays REGISTRATION_IN_PROGRESS
    #[arg(long, default_value_t = 2)]
    pub register_seconds: u64,
    /// Virtual seconds environments and services take to deploy
    #[arg(long, default_value_t = 10)]
    pub deploy_seconds: u64,
    /// Virtual seconds an asynchronous delete stays in progress
    #[arg(long, default_value_t = 10)]
    pub delete_seconds: u64,
    /// Verify SigV4 signatures, with the test credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
    #[arg(long)]
    pub verify_sigv4: bool,
    /// Turn on a fault switch (repeatable); `--fault list` prints them
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Move the clock only through the control API (a run's waits and `advance` steps), never
    /// with wall time, as the embedded emulator does: answers then never depend on how fast
    /// requests come
    #[arg(long)]
    pub manual_clock: bool,
}

#[derive(Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Folder for coverage.md and coverage.json
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub out: std::path::PathBuf,
}

#[derive(Args)]
pub struct ConformanceArgs {
    /// The endpoint's name in the report (`moto`)
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The Markdown report [default: conformance/<name>.md]
    #[arg(long, value_name = "PATH")]
    pub out: Option<std::path::PathBuf>,
    /// Folder for the HTML and JUnit reports of each pack [default: reports/conformance/<name>]
    #[arg(long, value_name = "DIR")]
    pub reports: Option<std::path::PathBuf>,
    /// Judge only these services (comma-separated: bundled packs or botocore's service names;
    /// default: every service with a token operation). `--service NAME [--pack PATH]` judges
    /// one service with a pack of one's own
    #[arg(long, value_name = "NAMES", value_delimiter = ',', alias = "packs")]
    pub services: Vec<String>,
    /// Leave these services out (comma-separated): one the endpoint cannot serve where it runs
    /// (LocalStack's DynamoDB without its Java download)
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub except: Vec<String>,
    /// The run id (names and tokens carry it) [default: a fresh one per run]
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,
    /// Scenarios run at once (each mostly waits for the endpoint)
    #[arg(long, default_value_t = 4, value_parser = at_least_one)]
    pub jobs: usize,
    /// Whether the global `--service`, `--pack` or `--model` was given: that one service is
    /// then judged
    #[arg(skip)]
    pub one_service: bool,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// Folder for the scenario files [default: generated/<service>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<std::path::PathBuf>,
}

#[derive(Args)]
pub struct SchemaArgs {
    /// Which schema
    #[arg(value_enum)]
    pub which: SchemaKind,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// The scenario file format
    Scenario,
    /// The service pack format (`--pack PATH`, `src/packs/*.yaml`)
    Pack,
}

#[derive(Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// The two endpoints to run the scenarios against (a URL, or `embedded`)
    #[arg(long = "endpoint", value_name = "URL", num_args = 1)]
    pub endpoints: Vec<String>,
    /// Instead of running: two snapshot targets already recorded under --snapshot-dir
    #[arg(
        long = "target",
        value_name = "NAME",
        num_args = 1,
        conflicts_with = "endpoints"
    )]
    pub targets: Vec<String>,
    /// Allow a non-loopback endpoint host (repeatable)
    #[arg(long = "allow-endpoint", value_name = "HOST")]
    pub allow_endpoints: Vec<String>,
    #[arg(long, default_value = "snapshots", value_name = "DIR")]
    pub snapshot_dir: PathBuf,
    /// Where the two runs' recordings go
    #[arg(long, default_value = "reports/diff", value_name = "DIR")]
    pub out: PathBuf,
    /// The run id both sides use (default: a new one, the same on both sides)
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub action: ReportAction,
}

#[derive(Subcommand)]
pub enum ReportAction {
    /// Merge JUnit files (e.g. the shards of `run --partition`) into one
    Merge {
        /// The shards' `results.json` files (from `run --results`); JUnit files are merged as
        /// JUnit only
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where the merged reports go: junit.xml, index.html, results.json, coverage.md and
        /// coverage.json (with JUnit inputs: junit.xml only)
        #[arg(long, default_value = "reports", value_name = "DIR")]
        out_dir: PathBuf,
    },
}

#[derive(Args)]
pub struct CleanupArgs {
    /// The run whose resources to delete (its prefix is `pc<ID>-`)
    #[arg(long, value_name = "ID", conflicts_with = "older_than")]
    pub run_id: Option<String>,
    /// Delete resources of any run created longer ago than this (e.g. 2h)
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Print what would be deleted, and delete nothing
    #[arg(long)]
    pub dry_run: bool,
}
