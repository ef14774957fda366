//! The HTML report opens in headless Chromium and shows the matrix, coloured by result, and the
//! failures. Skips (saying why) without Chromium, unless PROTON_CONFORM_REQUIRE_TOOLS=1.

use std::io::BufRead;
use std::process::{Command, Stdio};

mod common;
use common::available;

#[test]
fn the_report_renders_in_chromium_with_the_matrix_and_the_failures() {
    if !available("Chromium", "chromium", &["--version"]) {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_proton-conform");
    let mut faulty = Command::new(bin)
        .args(["serve", "--port", "0", "--fault", "ignore-client-tokens"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    std::io::BufReader::new(faulty.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let dir = std::env::temp_dir().join(format!("pc-html-{}", std::process::id()));
    let html = dir.join("index.html");
    let run = Command::new(bin)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "scenarios/environment-template-version",
            "scenarios/environment-template",
        ])
        .args([
            "--endpoint",
            url.trim(),
            "--junit",
            dir.join("junit.xml").to_str().unwrap(),
        ])
        .args(["--html", html.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let _ = faulty.kill();
    let _ = faulty.wait();
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let dom = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", dir.join("chromium").display()),
            "--dump-dom",
            &format!("file://{}", html.display()),
        ])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains(r#"<table id="matrix">"#), "{dom}");
    // Ignored tokens break CT2 on the token create: that cell is red.
    assert!(
        dom.contains(r#"<td class="fail" data-clause="CT2" data-operation="CreateEnvironmentTemplateVersion">"#),
        "{dom}"
    );
    // Named creates keep their contract: green.
    assert!(
        dom.contains(
            r#"<td class="pass" data-clause="IC1" data-operation="CreateEnvironmentTemplate">"#
        ),
        "{dom}"
    );
    assert!(dom.contains(
        r#"<td class="na" data-clause="IC1" data-operation="CreateEnvironmentTemplateVersion">"#
    ));
    assert!(
        dom.contains(r#"<section class="failure">"#) && dom.contains("[CT2]"),
        "{dom}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
