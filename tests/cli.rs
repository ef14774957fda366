//! The real binary, end to end: exit codes, output streams, reports.

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_proton-conform"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_PROTON")
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("proton-conform-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn run_passes_the_corpus_and_writes_junit() {
    let dir = temp_dir("junit");
    let junit = dir.join("junit.xml");
    let o = run(&["run", "--junit", junit.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            " PASS scenarios/environment-template-version/ct2-same-token-returns-original.yaml"
        ),
        "{err}"
    );
    assert!(
        err.contains("summary: ") && err.contains(" 0 failed, 0 errors, 0 skipped"),
        "{err}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testsuite name=\"scenarios/environment-template-version\""),
        "{xml}"
    );
    assert!(xml.contains("failures=\"0\" errors=\"0\""), "{xml}");
}

#[test]
fn another_service_runs_its_generated_scenarios_by_default() {
    let dir = temp_dir("generated-default");
    let results = dir.join("results.json");
    let o = run(&[
        "--service",
        "dynamodb",
        "run",
        "--results",
        results.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(" PASS generated/dynamodb/transact-write-items-ct2.yaml"),
        "{err}"
    );
    assert!(!err.contains("scenarios/"), "{err}");
    // Where `generate` has not written them, the error says how to.
    let o = bin()
        .current_dir(&dir)
        .args(["--service", "dynamodb", "run"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no `generated/dynamodb` folder: write it with `proton-conform --service dynamodb generate`"),
        "{err}"
    );
}

#[test]
fn a_failing_scenario_exits_1_with_a_junit_failure() {
    let dir = temp_dir("fail");
    let junit = dir.join("junit.xml");
    let o = run(&[
        "run",
        "tests/fixtures/failing/same-as.yaml",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(" FAIL tests/fixtures/failing/same-as.yaml"),
        "{err}"
    );
    assert!(
        err.contains("--> tests/fixtures/failing/same-as.yaml:8:5"),
        "{err}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<failure message=\"[CT2] the answer is not the same resource detail"),
        "{xml}"
    );
    assert!(xml.contains("type=\"CT2\""), "{xml}");
}

#[test]
fn a_harness_error_is_a_junit_error() {
    let dir = temp_dir("error");
    let junit = dir.join("junit.xml");
    let o = run(&[
        "run",
        "tests/fixtures/failing/capture-finds-nothing.yaml",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<error message=\"capture `colour`"), "{xml}");
}

#[test]
fn a_typo_is_reported_with_position_and_suggestion_and_exits_2() {
    for (file, location, suggestion) in [
        (
            "typo-operation.yaml",
            "typo-operation.yaml:4:11",
            "did you mean `CreateEnvironmentTemplate`?",
        ),
        ("typo-key.yaml", "typo-key.yaml:4:5", "did you mean `call`?"),
        (
            "typo-member.yaml",
            "typo-member.yaml:5:24",
            "did you mean `displayName`?",
        ),
    ] {
        let path = format!("tests/fixtures/invalid/{file}");
        for command in ["lint", "run"] {
            let o = run(&[command, &path]);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{command} {file}: {err}");
            assert!(err.contains(location), "{command} {file}: {err}");
            assert!(err.contains(suggestion), "{command} {file}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
}

#[test]
fn lint_reports_every_file_at_once() {
    let o = run(&["lint", "tests/fixtures/invalid"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for file in [
        "typo-operation.yaml",
        "typo-key.yaml",
        "typo-member.yaml",
        "not-utf8.yaml",
    ] {
        assert!(err.contains(file), "{file} missing from: {err}");
    }
    assert!(err.contains("the file is not UTF-8"), "{err}");
    assert!(
        err.contains("is listed in `operations` but no step calls it"),
        "{err}"
    );
    assert!(err.contains("5 problem(s) in 5 of 5 file(s)"), "{err}");
}

#[test]
fn an_unreachable_endpoint_exits_3() {
    // Port 9 (discard) on loopback: nothing listens there in a test sandbox.
    let o = run(&["run", "--endpoint", "http://127.0.0.1:9"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("the run could not take place: cannot reach http://127.0.0.1:9"),
        "{err}"
    );
}

#[test]
fn a_remote_endpoint_needs_to_be_allowed() {
    let o = run(&["run", "--endpoint", "https://proton.example.com"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--allow-endpoint proton.example.com"), "{err}");
}

#[test]
fn an_empty_selection_and_bad_usage_exit_2() {
    assert_eq!(
        run(&["run", "--filter", "no-such-scenario-anywhere"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["run", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(
        run(&["run", "--contract-profile", "missing.yaml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn json_events_go_to_stdout_one_per_line() {
    let dir = temp_dir("json");
    let junit = dir.join("junit.xml");
    let o = run(&[
        "run",
        "scenarios/environment-template",
        "--format",
        "json",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.first().unwrap()["event"], "run_started");
    assert_eq!(events.last().unwrap()["event"], "run_finished");
    let finished = events
        .iter()
        .filter(|e| e["event"] == "scenario_finished")
        .count();
    assert_eq!(finished as u64, events[0]["scenarios"].as_u64().unwrap());
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "step_finished" && e["status"] == 200)
    );
}

#[test]
fn list_shows_the_selection() {
    let o = run(&[
        "list",
        "--tag",
        "expiry",
        "--filter",
        "scenarios/environment-template-version/",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().all(|l| l.contains("ct4-")), "{out}");
}

#[test]
fn coverage_of_the_corpus_has_no_gap() {
    let dir = temp_dir("coverage");
    let o = run(&["coverage", "--out", dir.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("no gaps"), "{err}");
    let md = std::fs::read_to_string(dir.join("coverage.md")).unwrap();
    assert!(
        md.starts_with("| clause | CreateEnvironmentTemplateVersion |"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("coverage.json")).unwrap()).unwrap();
    assert_eq!(json["gaps"], serde_json::json!([]));
    assert_eq!(json["matrix"]["rows"].as_array().unwrap().len(), 17);
}

#[test]
fn diff_reports_what_differs_between_two_endpoints_and_nothing_else() {
    let spawn = |extra: &[&str]| {
        let mut child = bin()
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        (child, line.trim().to_string())
    };
    let (clean, clean_url) = spawn(&[]);
    let (faulty, faulty_url) = spawn(&["--fault", "fresh-resource-on-retry"]);
    let dir = temp_dir("diff");
    let out = dir.to_str().unwrap();
    let same = run(&[
        "diff",
        "scenarios/environment-template",
        "--endpoint",
        "embedded",
        "--endpoint",
        &clean_url,
        "--out",
        out,
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(stderr(&same).contains("no differences"));
    let differ = run(&[
        "diff",
        "scenarios/environment-template",
        "--endpoint",
        "embedded",
        "--endpoint",
        &faulty_url,
        "--out",
        out,
    ]);
    let stdout = String::from_utf8_lossy(&differ.stdout);
    assert_eq!(differ.status.code(), Some(1), "{}", stderr(&differ));
    // Timestamps redact alike, so the restamped retry shows as the scenario failing on b,
    // naming the member that moved.
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("on a passed; on b failed at steps")
                && l.contains("environmentTemplate.createdAt")),
        "{stdout}"
    );
    for mut child in [clean, faulty] {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The README's GitHub Actions example, its commands word for word: each shard's run, and the
/// merge (`${{ matrix.shard }}` is the shard's number).
const SHARD_RUN: &str = "run --partition ${{ matrix.shard }}/3 --junit reports/shard-${{ matrix.shard }}/junit.xml --html reports/shard-${{ matrix.shard }}/index.html --results reports/shard-${{ matrix.shard }}/results.json";
const MERGE: &str = "report merge reports/shards/*/results.json --out-dir reports";

#[test]
fn the_documented_sharded_flow_runs_three_shards_and_merges_them() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(SHARD_RUN),
        "the README's shard command changed"
    );
    assert!(readme.contains(MERGE), "the README's merge command changed");
    // A checkout of its own, as each CI job has: its reports/ is the job's.
    let work = temp_dir("shards");
    let root = env!("CARGO_MANIFEST_DIR");
    for part in ["scenarios", "snapshots"] {
        std::os::unix::fs::symlink(format!("{root}/{part}"), work.join(part)).unwrap();
    }
    let in_work = |args: &[String]| {
        bin()
            .current_dir(&work)
            .args(args)
            .output()
            .expect("the binary runs")
    };
    let words =
        |command: &str| -> Vec<String> { command.split_whitespace().map(String::from).collect() };
    for k in 1..=3 {
        let o = in_work(&words(
            &SHARD_RUN.replace("${{ matrix.shard }}", &k.to_string()),
        ));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // The merge job downloads each shard's artifact into a folder of its own.
        std::fs::create_dir_all(work.join("reports/shards")).unwrap();
        std::fs::rename(
            work.join(format!("reports/shard-{k}")),
            work.join(format!("reports/shards/shard-{k}")),
        )
        .unwrap();
    }
    // The shell expands the glob; the first file is also given twice, and counts once.
    let mut merge: Vec<String> = words(MERGE)
        .into_iter()
        .filter(|w| !w.contains('*'))
        .collect();
    for k in [1, 2, 3, 1] {
        merge.insert(2, format!("reports/shards/shard-{k}/results.json"));
    }
    let o = in_work(&merge);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let listed = String::from_utf8(run(&["list"]).stdout)
        .unwrap()
        .lines()
        .count();
    assert!(
        stderr(&o).contains(&format!("merged 3 file(s): {listed} passed, 0 failed")),
        "{}",
        stderr(&o)
    );
    // The merged JUnit holds every scenario once; the page and the coverage are there.
    let report = quick_junit::Report::deserialize_from_str(
        &std::fs::read_to_string(work.join("reports/junit.xml")).unwrap(),
    )
    .unwrap();
    let mut names: Vec<String> = report
        .test_suites
        .iter()
        .flat_map(|s| {
            s.test_cases
                .iter()
                .map(|c| c.classname.as_ref().unwrap().to_string())
        })
        .collect();
    let total = names.len();
    names.sort();
    names.dedup();
    assert_eq!(
        (names.len(), total),
        (listed, listed),
        "a scenario ran in two shards or none"
    );
    let page = std::fs::read_to_string(work.join("reports/index.html")).unwrap();
    assert!(
        page.contains(&format!("{listed} passed, 0 failed")),
        "{page}"
    );
    let coverage = std::fs::read_to_string(work.join("reports/coverage.md")).unwrap();
    assert!(coverage.contains("CT2"), "{coverage}");
    assert!(work.join("reports/coverage.json").exists());
    // A merge with a shard missing is refused, naming it: it would pass part of the run off
    // as all of it.
    let o = in_work(&words(
        "report merge reports/shards/shard-1/results.json reports/shards/shard-3/results.json --out-dir reports/part",
    ));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("shard(s) 2/3 of the partition are missing"),
        "{}",
        stderr(&o)
    );
    // So is a merge of runs of different services.
    let other = work.join("reports/other.json");
    let text = std::fs::read_to_string(work.join("reports/shards/shard-2/results.json")).unwrap();
    std::fs::write(
        &other,
        text.replacen("\"service\": \"proton\"", "\"service\": \"dynamodb\"", 1),
    )
    .unwrap();
    let o = in_work(&words(
        "report merge reports/shards/shard-1/results.json reports/other.json reports/shards/shard-3/results.json --out-dir reports/mixed",
    ));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("different services (dynamodb, proton)"),
        "{}",
        stderr(&o)
    );
    // Overlapping shards are refused.
    let o = in_work(&words(
        "report merge reports/shards/shard-1/results.json reports/results.json --out-dir reports/again",
    ));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("the shards overlap"), "{}", stderr(&o));
    assert_eq!(run(&["run", "--partition", "4/3"]).status.code(), Some(2));
}

#[test]
fn a_failing_shard_still_writes_its_results_and_the_merge_carries_the_failure() {
    let dir = temp_dir("failing-shard");
    let results = dir.join("results.json");
    let o = run(&[
        "run",
        "tests/fixtures/failing/count.yaml",
        "--junit",
        dir.join("j.xml").to_str().unwrap(),
        "--html",
        dir.join("i.html").to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&[
        "report",
        "merge",
        results.to_str().unwrap(),
        "--out-dir",
        dir.join("merged").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(dir.join("merged/index.html")).unwrap();
    assert!(
        page.contains("`templateVersions` holds 1 item(s), expected 5"),
        "{page}"
    );
}

#[test]
fn the_endpoint_comes_from_the_profile_services_section_after_the_environment() {
    let home = temp_dir("awshome");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        "[profile conformance]\nservices = local\n\n[services local]\nproton =\n  endpoint_url = http://127.0.0.1:9\n",
    )
    .unwrap();
    let o = bin()
        .args([
            "run",
            "--profile",
            "conformance",
            "--filter",
            "id2-delete-of-a-template",
        ])
        .env("HOME", &home)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("cannot reach http://127.0.0.1:9"), "{err}");
    // The environment comes first.
    let o = bin()
        .args([
            "run",
            "--profile",
            "conformance",
            "--filter",
            "id2-delete-of-a-template",
        ])
        .env("HOME", &home)
        .env("AWS_ENDPOINT_URL_PROTON", "http://127.0.0.1:7")
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("cannot reach http://127.0.0.1:7"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn fuzz_exits_0_on_the_clean_emulator_and_1_with_a_replayable_counterexample() {
    let clean = run(&["fuzz", "--cases", "8", "--seed", "5"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert!(stderr(&clean).contains("no counterexample in 8 case(s)"));

    let dir = temp_dir("fuzz");
    let found = run(&[
        "fuzz",
        "--cases",
        "64",
        "--seed",
        "5",
        "--fault",
        "ignore-client-tokens",
        "--counterexamples",
        dir.to_str().unwrap(),
    ]);
    let err = stderr(&found);
    assert_eq!(found.status.code(), Some(1), "{err}");
    assert!(err.contains("failing again when rerun"), "{err}");
    let file = dir.join("seed-5.yaml");
    assert!(err.contains(&file.display().to_string()), "{err}");
    // The printed replay command, run as printed, fails again: it carries the fault.
    let printed = err
        .split("replay it with `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no replay command in: {err}"));
    assert!(
        printed.contains("--fault ignore-client-tokens"),
        "{printed}"
    );
    let mut words: Vec<&str> = printed.split_whitespace().collect();
    assert_eq!(words.remove(0), "proton-conform", "{printed}");
    let (junit, html) = (dir.join("r.xml"), dir.join("r.html"));
    words.extend([
        "--junit",
        junit.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    let replayed = run(&words);
    assert_eq!(replayed.status.code(), Some(1), "{}", stderr(&replayed));
    assert!(stderr(&replayed).contains("[CT2]"), "{}", stderr(&replayed));
    // `run` accepts it as is: the clean emulator passes it.
    let replay = run(&[
        "run",
        file.to_str().unwrap(),
        "--junit",
        dir.join("j.xml").to_str().unwrap(),
        "--html",
        dir.join("i.html").to_str().unwrap(),
    ]);
    assert_eq!(replay.status.code(), Some(0), "{}", stderr(&replay));

    let budget = run(&[
        "fuzz",
        "--cases",
        "1000000",
        "--seed",
        "5",
        "--max-seconds",
        "1",
    ]);
    assert_eq!(budget.status.code(), Some(0), "{}", stderr(&budget));
    assert!(
        stderr(&budget).contains("stopped by --max-seconds"),
        "{}",
        stderr(&budget)
    );

    let bad = run(&["fuzz", "--fault", "no-such-switch"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("unknown fault switch"),
        "{}",
        stderr(&bad)
    );
}

/// `run` under a pseudo-terminal (util-linux `script`), with `CI` set or not: what it showed.
fn run_on_a_terminal(ci: bool) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let dir = temp_dir(if ci { "tty-ci" } else { "tty" });
    let command = format!(
        "{} run scenarios/environment-template --junit {} --html {}",
        env!("CARGO_BIN_EXE_proton-conform"),
        dir.join("j.xml").display(),
        dir.join("i.html").display()
    );
    let mut c = Command::new(script);
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["-qec", &command])
        .arg(dir.join("screen"))
        .env_remove("CI")
        .env("NO_COLOR", "1");
    if ci {
        c.env("CI", "true");
    }
    let o = c.output().ok()?;
    assert!(o.status.success(), "{}", stderr(&o));
    Some(std::fs::read_to_string(dir.join("screen")).unwrap_or_default())
}

#[test]
fn a_terminal_shows_a_progress_bar_and_ci_or_a_pipe_does_not() {
    let bar = "7/7 scenarios (7 passed, 0 failed, 0 errors)";
    let Some(screen) = run_on_a_terminal(false) else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    assert!(screen.contains(bar), "{screen}");
    let ci = run_on_a_terminal(true).unwrap();
    assert!(!ci.contains("scenarios ("), "{ci}");
    let piped = run(&[
        "run",
        "scenarios/environment-template",
        "--junit",
        "/dev/null",
        "--html",
        "/dev/null",
    ]);
    assert!(
        !stderr(&piped).contains("scenarios ("),
        "{}",
        stderr(&piped)
    );
}

#[test]
fn small_usage_mistakes_get_a_clear_word() {
    let o = run(&["run", "--jobs", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("must be at least 1"), "{}", stderr(&o));
    let o = run(&["run", "--endpoint", "127.0.0.1:4599"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean http://127.0.0.1:4599"),
        "{}",
        stderr(&o)
    );
    let o = run(&["run", "--contract-profile", "strictt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `strict`?"),
        "{}",
        stderr(&o)
    );
    // Outside a checkout: what the corpus is and where to run from.
    let elsewhere = temp_dir("elsewhere");
    let o = bin().current_dir(&elsewhere).arg("run").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no `scenarios/` folder in"),
        "{}",
        stderr(&o)
    );
    // The dry run shows the run tag the real request carries.
    let o = run(&[
        "run",
        "--dry-run",
        "scenarios/environment-template/ic1-retry-of-an-unmodified-template.yaml",
    ]);
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(out.contains(r#""key":"proton-conform:run""#), "{out}");
}

#[test]
fn verbose_output_is_for_people_and_keeps_scenarios_apart() {
    let dir = temp_dir("verbose");
    let o = run(&[
        "run",
        "scenarios/environment-template",
        "scenarios/model-only/component/ct2-update-same-token-performs-nothing-more.yaml",
        "--verbose",
        "--jobs",
        "8",
        "--junit",
        dir.join("j.xml").to_str().unwrap(),
        "--html",
        dir.join("i.html").to_str().unwrap(),
        "--results",
        dir.join("r.json").to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    for debug in ["Ok(", "Err(", "Matched", "Injection {", "Some("] {
        assert!(
            !err.contains(debug),
            "a Rust debug value {debug:?} in:\n{err}"
        );
    }
    assert!(err.contains("the clock is now"), "{err}");
    assert!(err.contains("matches the stored one"), "{err}");
    // Each scenario's exchanges sit under its own line: every name in a request between two
    // verdict lines carries that scenario's prefix (answers of lists may show others').
    let mut prefix: Option<String> = None;
    for line in err.lines() {
        if line.starts_with(" PASS ") {
            prefix = None;
        } else if let Some(at) = line.find("-> ").and_then(|_| line.find("\"name\":\"pc")) {
            let name = &line[at + 8..];
            let this: String = name.split('-').take(2).collect::<Vec<_>>().join("-");
            match &prefix {
                None => prefix = Some(this),
                Some(p) => assert_eq!(p, &this, "two scenarios' exchanges interleave:\n{err}"),
            }
        }
    }
}

#[test]
fn lint_holds_literal_values_captures_and_templates_to_the_model() {
    let o = run(&["lint", "tests/fixtures/lint"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    // (where, what, help), each as lint prints it.
    let expected: &[(&str, &str, Option<&str>)] = &[
        (
            "constraints.yaml:5:78",
            "status: `PUBLISHD` is not a value of TemplateVersionStatus",
            Some("did you mean `PUBLISHED`?"),
        ),
        (
            "constraints.yaml:8:21",
            "templateName: `bad name!` does not match the pattern",
            None,
        ),
        (
            "constraints.yaml:9:20",
            "clientToken: `has a space` does not match the pattern ^[!-~]*$",
            None,
        ),
        (
            "constraints.yaml:10:15",
            "TemplateVersionSourceInput is a union and takes exactly one of s3, found none",
            None,
        ),
        (
            "constraints.yaml:12:27",
            "maxResults: the value 1000 is above the maximum 100",
            None,
        ),
        (
            "constraints.yaml:16:20",
            "clientToken: a length of 65 is above the maximum 64 of ClientToken",
            None,
        ),
        (
            "constraints.yaml:28:23",
            "capture `major`: `environmentTemplateVersion.majorVersoin` cannot be in the answer",
            Some("did you mean `majorVersion`?"),
        ),
        (
            "invalid-request-unmarked.yaml:7:20",
            "clientToken expands to at least 65 characters, over the maximum 64",
            None,
        ),
        (
            "template-explosion.yaml:5:6",
            "variable `b` expands to at least 81920 bytes, over the 65536-byte cap",
            None,
        ),
    ];
    for (at, what, help) in expected {
        let found = err
            .split("\n\n")
            .find(|block| block.contains(what))
            .unwrap_or_else(|| panic!("lint did not say {what:?}:\n{err}"));
        assert!(
            found.contains(&format!("tests/fixtures/lint/{at}")),
            "{at}:\n{found}"
        );
        if let Some(help) = help {
            assert!(found.contains(help), "{help}:\n{found}");
        }
    }
    // The step marked `invalid_request: true` breaks the same limit on purpose: no problem.
    assert!(!err.contains("constraints.yaml:22"), "{err}");
    assert!(err.contains("11 problem(s) in 3 of 3 file(s)"), "{err}");
}

#[test]
fn a_file_that_is_not_utf8_is_placed_by_line_and_column() {
    let dir = temp_dir("latin1");
    let file = dir.join("latin1.yaml");
    std::fs::write(
        &file,
        b"name: bad bytes\ncontract: [CT1]\nsteps:\n  - call: ListEnvironmentTemplates\n    params: { nextToken: \"caf\xe9\" }\n",
    )
    .unwrap();
    let o = run(&["lint", file.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("latin1.yaml:5:30"), "{err}");
    assert!(err.contains("byte 0xe9"), "{err}");
}

/// A reader that stops reading (`| head`) ends the program quietly, never with a panic: the
/// pipe is closed before the program writes a byte, so the write fails every time.
#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    for args in [
        &["schema", "scenario"][..],
        &["list"],
        &["serve", "--fault", "list"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = bin()
            .args(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("panicked"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// A pack's mistakes are all shown at once, each at its line with what was meant: a typo in
/// `retry:` is not taken for an error type, nor `window: 10 minutes` for a missing fixture.
#[test]
fn a_pack_with_mistakes_is_refused_at_each_line() {
    let dir = temp_dir("bad-pack");
    let pack = dir.join("dynamodb.yaml");
    let text = include_str!("../src/packs/dynamodb.yaml")
        .replacen("retry: original", "retry: orignal", 1)
        .replacen("window: 10m", "window: 10 minutes", 1);
    std::fs::write(&pack, &text).unwrap();
    let o = run(&[
        "--service",
        "dynamodb",
        "--pack",
        pack.to_str().unwrap(),
        "generate",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let line = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        err.contains(&format!(
            "dynamodb.yaml:{}:5: TransactWriteItems: `retry: orignal`",
            line("retry: orignal")
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `original`?"), "{err}");
    assert!(
        err.contains(&format!("dynamodb.yaml:{}:5", line("window: 10 minutes"))),
        "{err}"
    );
}
