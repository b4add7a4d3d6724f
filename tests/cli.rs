//! Tests of the built `peace-lsp` binary: `check`, `explain` and LSP on stdio.
//! Every wait on the child process is bounded; a child that overstays is
//! killed and the test fails.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_peace-lsp");
const WAIT: Duration = Duration::from_secs(10);

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Kills the child on drop unless it has been waited for.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn drain<R: Read + Send + 'static>(mut r: R) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        buf
    })
}

/// Wait for the child with a deadline; kill it and fail on timeout.
fn wait_bounded(guard: &mut Guard, what: &str) -> ExitStatus {
    let deadline = Instant::now() + WAIT;
    let child = guard.0.as_mut().expect("child already waited for");
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                guard.0 = None;
                return status;
            }
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                guard.0 = None;
                panic!("{what}: the process did not exit within {WAIT:?}; killed it");
            }
            Err(e) => panic!("{what}: waiting for the process failed: {e}"),
        }
    }
}

/// Run the binary to completion (bounded), from the crate root.
fn run(args: &[&str]) -> Output {
    run_in(manifest_dir(), args, None)
}

/// Run the binary to completion (bounded) in `dir`, with `input` on stdin.
fn run_in(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Output {
    let child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"));
    let mut guard = Guard(Some(child));
    let child = guard.0.as_mut().unwrap();
    let feeder = child.stdin.take().map(|mut stdin| {
        let input = input.unwrap_or_default().to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })
    });
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let status = wait_bounded(&mut guard, &format!("peace-lsp {args:?}"));
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Output {
        status,
        stdout: String::from_utf8(out.join().unwrap()).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

/// A unique temporary path for this test process.
fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("peace-lsp-cli-{}-{name}", std::process::id()))
}

struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let p = temp_path(name);
        std::fs::write(&p, contents).unwrap();
        TempFile(p)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A temporary folder for this test process, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = temp_path(name);
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn path(&self) -> &Path {
        &self.0
    }
    /// Write a file (and its folders) under the folder.
    fn write(&self, rel: &str, contents: &str) -> &TempDir {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }
    fn run(&self, args: &[&str]) -> Output {
        run_in(&self.0, args, None)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A sentence with one `peacekeeping-as-peacemaking` warning (at column 4).
const CONFLATION: &str = "UN peacekeepers negotiated the Dayton Accords.\n";

/// The paths of the reported findings, in output order.
fn paths(stdout: &str) -> Vec<String> {
    stdout.lines().map(|l| parse_line(l).path).collect()
}

/// One `path:line:col: severity[code]: message` line.
#[derive(Debug)]
struct Reported {
    path: String,
    line: usize,
    column: usize,
    severity: String,
    code: String,
    message: String,
}

fn parse_line(l: &str) -> Reported {
    let bad = || panic!("output line does not match `path:line:col: severity[code]: message`: {l:?}");
    let mut parts = l.splitn(4, ':');
    let (Some(path), Some(line), Some(col), Some(rest)) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        bad()
    };
    let rest = rest.strip_prefix(' ').unwrap_or_else(|| bad());
    let (head, message) = rest.split_once("]: ").unwrap_or_else(|| bad());
    let (severity, code) = head.split_once('[').unwrap_or_else(|| bad());
    let num = |s: &str| s.parse::<usize>().unwrap_or_else(|_| bad());
    Reported {
        path: path.to_string(),
        line: num(line),
        column: num(col),
        severity: severity.to_string(),
        code: code.to_string(),
        message: message.to_string(),
    }
}

/// The text at 1-based `line` and 1-based character `column`.
fn text_at(text: &str, line: usize, column: usize) -> String {
    let l = text
        .split('\n')
        .nth(line - 1)
        .unwrap_or_else(|| panic!("no line {line}"));
    l.trim_end_matches('\r').chars().skip(column - 1).collect()
}

/// The first `"quoted"` word of a message.
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('"')? + 1;
    let len = message[start..].find('"')?;
    Some(&message[start..start + len])
}

// ---------------------------------------------------------------------------
// check
// ---------------------------------------------------------------------------

#[test]
fn check_essay_reports_three_findings_at_the_flagged_words() {
    let out = run(&["check", "examples/essay.md"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", out.stderr);
    let essay = std::fs::read_to_string(manifest_dir().join("examples/essay.md")).unwrap();
    let reported: Vec<Reported> = out.stdout.lines().map(parse_line).collect();
    let mut got: Vec<&str> = reported.iter().map(|r| r.code.as_str()).collect();
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "peacekeeping-as-peacemaking",
            "peacemaking-as-peacekeeping",
            "terms-as-synonyms"
        ],
        "stdout:\n{}",
        out.stdout
    );
    for r in &reported {
        assert_eq!(r.path, "examples/essay.md");
        assert_eq!(r.severity, "warning", "{r:?}");
        assert!(!r.message.trim().is_empty(), "{r:?}");
        let expected = match r.code.as_str() {
            "peacekeeping-as-peacemaking" => "peacekeepers",
            "peacemaking-as-peacekeeping" => "peacemaking",
            _ => "peacekeeping",
        };
        let at = text_at(&essay, r.line, r.column);
        assert!(
            at.to_lowercase().starts_with(expected),
            "{r:?} points at {at:?}, not at {expected:?}"
        );
        if let Some(word) = quoted(&r.message) {
            assert!(
                at.to_lowercase().starts_with(&word.to_lowercase()),
                "{r:?}: message names {word:?} but points at {at:?}"
            );
        }
    }
}

#[test]
fn check_clean_file_exits_zero_silently() {
    let out = run(&["check", "examples/clean.txt"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        out.stdout,
        out.stderr
    );
    assert_eq!(out.stdout, "", "no output expected");
}

#[test]
fn check_columns_count_characters() {
    let f = TempFile::new(
        "emoji.txt",
        "😀 UN peacekeepers negotiated the Dayton Accords.\n".as_bytes(),
    );
    let out = run(&["check", f.path()]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", out.stderr);
    let lines: Vec<Reported> = out.stdout.lines().map(parse_line).collect();
    assert_eq!(lines.len(), 1, "stdout: {}", out.stdout);
    let r = &lines[0];
    assert_eq!((r.path.as_str(), r.line, r.column), (f.path(), 1, 6), "{r:?}");
    assert_eq!(r.code, "peacekeeping-as-peacemaking");
}

#[test]
fn check_missing_and_binary_files_exit_2() {
    let missing = temp_path("missing.md");
    let binary = TempFile::new("binary.txt", b"peacekeeping\0\0\x01\x02binary\0data");
    for path in [missing.to_str().unwrap(), binary.path()] {
        let out = run(&["check", path]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "check {path}: stdout {} stderr {}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stderr.contains(path),
            "stderr does not name {path}: {:?}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "check {path}");
    }
    // A bad file among good ones still exits 2 but checks the others.
    let out = run(&["check", "examples/essay.md", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        out.stdout.lines().count(),
        3,
        "the good file is still checked: {}",
        out.stdout
    );
}

#[test]
fn check_empty_directory_is_walked_and_clean() {
    // A folder is walked now, not rejected: an empty one has nothing to report.
    let dir = TempDir::new("empty");
    let out = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("checked 0 files"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------
// check: folders, configuration, formats, exit codes
// ---------------------------------------------------------------------------

/// The summary line on stderr.
fn summary(stderr: &str) -> &str {
    let re = regex::Regex::new(r"^checked \d+ files? in \d+\.\d\ds: ").unwrap();
    stderr
        .lines()
        .find(|l| re.is_match(l))
        .unwrap_or_else(|| panic!("no summary line on stderr: {stderr:?}"))
}

#[test]
fn check_walks_folders_respecting_gitignore_hidden_files_and_extensions() {
    let dir = TempDir::new("walk");
    dir.write(".gitignore", "ignored.md\nbuild/\n")
        .write("ignored.md", CONFLATION)
        .write("build/out.md", CONFLATION)
        .write(".hidden/secret.md", CONFLATION)
        .write("notes.rs", CONFLATION)
        .write("a.md", CONFLATION)
        .write("sub/b.txt", CONFLATION)
        .write("sub/c.tex", CONFLATION)
        .write("sub/.ignore", "skipped.txt\n")
        .write("sub/skipped.txt", CONFLATION);
    // Not a git repository: .gitignore still counts. No PATHS means `.`.
    for args in [&["check"][..], &["check", "."]] {
        let out = dir.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", out.stderr);
        assert_eq!(paths(&out.stdout), ["a.md", "sub/b.txt", "sub/c.tex"], "{args:?}");
        assert!(
            summary(&out.stderr).starts_with("checked 3 files in "),
            "{}",
            out.stderr
        );
    }
    let out = dir.run(&["check", "sub"]);
    assert_eq!(paths(&out.stdout), ["sub/b.txt", "sub/c.tex"]);
    assert!(!out.stdout.contains('\x1b'), "no colors when stdout is not a terminal");
    // Files named explicitly are checked even when ignored or of unknown type.
    let out = dir.run(&["check", "ignored.md", "notes.rs"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert_eq!(paths(&out.stdout), ["ignored.md", "notes.rs"]);
}

#[test]
fn check_applies_include_and_exclude_globs_of_the_project_file() {
    let dir = TempDir::new("globs");
    dir.write(".peace-lsp.toml", "exclude = [\"drafts\", \"*.tex\"]\n")
        .write("a.md", CONFLATION)
        .write("drafts/d.md", CONFLATION)
        .write("sub/b.txt", CONFLATION)
        .write("sub/c.tex", CONFLATION);
    let out = dir.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert_eq!(paths(&out.stdout), ["a.md", "sub/b.txt"]);
    // An excluded file named on the command line is checked.
    let out = dir.run(&["check", "drafts/d.md"]);
    assert_eq!(paths(&out.stdout), ["drafts/d.md"], "{}", out.stderr);

    // `include` keeps only matching files; globs are relative to the
    // project file's folder, wherever `check` runs.
    dir.write(".peace-lsp.toml", "include = [\"sub/*.txt\", \"drafts\"]\n");
    let out = dir.run(&["check"]);
    assert_eq!(paths(&out.stdout), ["drafts/d.md", "sub/b.txt"], "{}", out.stderr);
    let out = run_in(&dir.path().join("sub"), &["check"], None);
    assert_eq!(paths(&out.stdout), ["b.txt"], "{}", out.stderr);
}

#[test]
fn check_in_parallel_prints_what_one_file_at_a_time_prints() {
    let mut files = Vec::new();
    for d in ["examples", "docs/rules", "tests/corpus"] {
        for e in std::fs::read_dir(manifest_dir().join(d)).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            if [".md", ".tex", ".txt"].iter().any(|x| name.ends_with(x)) {
                files.push(format!("{d}/{name}"));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let one_by_one: String = files.iter().map(|f| run(&["check", f]).stdout).collect();
    for _ in 0..2 {
        let all = run(&["check", "examples", "docs/rules", "tests/corpus"]);
        assert_eq!(all.status.code(), Some(1), "{}", all.stderr);
        assert!(all.stdout.lines().count() >= 20, "{}", all.stdout);
        assert_eq!(all.stdout, one_by_one);
        assert!(
            summary(&all.stderr).starts_with(&format!("checked {} files", files.len())),
            "{}",
            all.stderr
        );
    }
}

#[test]
fn check_json_has_positions_text_and_fixes() {
    let out = run(&["check", "--format", "json", "examples/essay.md"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON document");
    let essay = std::fs::read_to_string(manifest_dir().join("examples/essay.md")).unwrap();
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), 3, "{v:#}");
    for f in items {
        assert_eq!(f["path"], "examples/essay.md");
        assert_eq!(f["severity"], "warning");
        for key in ["code", "message", "text"] {
            assert!(f[key].as_str().is_some_and(|s| !s.is_empty()), "{key} in {f}");
        }
        let n = |key: &str| f[key].as_u64().unwrap_or_else(|| panic!("{key} in {f}")) as usize;
        let (line, column, end_line, end_column) = (n("line"), n("column"), n("end_line"), n("end_column"));
        let text = f["text"].as_str().unwrap();
        assert!(text_at(&essay, line, column).starts_with(text), "{f}");
        if end_line == line {
            assert_eq!(end_column - column, text.chars().count(), "{f}");
        }
        let fixes = f["fixes"].as_array().expect("fixes");
        assert!(!fixes.is_empty(), "{f}");
        for fix in fixes {
            assert!(fix["title"].is_string(), "{fix}");
            for e in fix["edits"].as_array().expect("edits") {
                for key in ["line", "column", "end_line", "end_column"] {
                    assert!(e[key].as_u64().is_some_and(|x| x >= 1), "{key} in {e}");
                }
                assert!(e["text"].is_string(), "{e}");
            }
        }
    }
    // The summary is on stderr, so stdout stays machine-readable.
    assert!(summary(&out.stderr).contains("3 findings"), "{}", out.stderr);
}

#[test]
fn check_github_prints_workflow_commands() {
    let re = regex::Regex::new(
        r"^::(error|warning|notice) file=([^,:\r\n]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=peace-lsp ([a-z-]+)::([^\r\n]+)$",
    )
    .unwrap();
    let out = run(&["check", "--format", "github", "examples"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let human = run(&["check", "examples"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), human.stdout.lines().count());
    for (l, h) in lines.iter().zip(human.stdout.lines()) {
        let c = re
            .captures(l)
            .unwrap_or_else(|| panic!("not a workflow command: {l:?}"));
        let h = parse_line(h);
        assert_eq!(
            (&c[2], c[3].parse().unwrap(), c[4].parse().unwrap(), &c[7]),
            (h.path.as_str(), h.line, h.column, h.code.as_str())
        );
        let level = match h.severity.as_str() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(&c[1], level, "{l}");
        assert_eq!(&c[8], h.message, "{l}");
    }
    assert!(
        lines.iter().any(|l| l.starts_with("::notice ")),
        "information -> notice"
    );
    // Property values escape `,` `:` and `%`.
    let dir = TempDir::new("github");
    dir.write("odd, name: 100%.md", CONFLATION);
    let out = dir.run(&["check", "--format", "github", "odd, name: 100%.md"]);
    assert!(
        out.stdout
            .starts_with("::warning file=odd%2C name%3A 100%25.md,line=1,col=4,"),
        "{}",
        out.stdout
    );
    assert!(re.is_match(out.stdout.trim_end()), "{}", out.stdout);
}

#[test]
fn check_sarif_validates_against_the_official_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(manifest_dir().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles offline");
    assert!(
        !validator.is_valid(&json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": []}]})),
        "the schema checks something (a driver needs a name)"
    );
    let out = run(&["check", "--format", "sarif", "examples/"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let sarif: Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON document");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));

    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    assert_eq!(run0["tool"]["driver"]["name"], "peace-lsp");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    let human = run(&["check", "examples/"]);
    assert_eq!(results.len(), human.stdout.lines().count());
    assert!(results.len() >= 5);
    for (r, h) in results.iter().zip(human.stdout.lines().map(parse_line)) {
        assert_eq!(r["ruleId"], h.code.as_str());
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        assert!(rule["shortDescription"]["text"].is_string(), "{rule}");
        let level = if h.severity == "information" || h.severity == "hint" {
            "note"
        } else {
            h.severity.as_str()
        };
        assert_eq!(r["level"], level);
        assert_eq!(r["message"]["text"], h.message.as_str());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], h.path.as_str());
        assert_eq!(loc["region"]["startLine"], h.line);
        assert_eq!(loc["region"]["startColumn"], h.column);
    }
}

#[test]
fn check_fail_on_sets_the_exit_threshold() {
    // examples/essay.md has three warnings and nothing else.
    for (fail_on, code) in [
        (None, 1),
        (Some("error"), 0),
        (Some("warning"), 1),
        (Some("information"), 1),
        (Some("never"), 0),
    ] {
        let mut args = vec!["check", "examples/essay.md"];
        if let Some(f) = fail_on {
            args.extend(["--fail-on", f]);
        }
        let out = run(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", out.stderr);
        assert_eq!(
            out.stdout.lines().count(),
            3,
            "findings are printed whatever --fail-on says"
        );
    }
    // Levels from the configuration count: a hint fails only --fail-on hint.
    let dir = TempDir::new("failon");
    dir.write(".peace-lsp.toml", "[rules]\npeacekeeping-as-peacemaking = \"hint\"\n")
        .write("a.md", CONFLATION);
    assert_eq!(dir.run(&["check", "--fail-on", "information"]).status.code(), Some(0));
    assert_eq!(dir.run(&["check", "--fail-on", "hint"]).status.code(), Some(1));
    // Errors exit 2 even with --fail-on never.
    let out = run(&["check", "--fail-on", "never", "no-such-file.md"]);
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
}

#[test]
fn check_reads_stdin_with_a_filename() {
    let out = run_in(
        manifest_dir(),
        &["check", "--stdin", "--stdin-filename", "essay.md"],
        Some(CONFLATION.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let r = parse_line(out.stdout.trim_end());
    assert_eq!(
        (r.path.as_str(), r.line, r.column, r.code.as_str()),
        ("essay.md", 1, 4, "peacekeeping-as-peacemaking")
    );
    // The file name gives the format: inside a Markdown code block the
    // sentence is not prose, in plain text it is.
    let fenced = format!("```\n{CONFLATION}```\n");
    for (name, count) in [("essay.md", 0), ("essay.txt", 1)] {
        let out = run_in(
            manifest_dir(),
            &["check", "--stdin", "--stdin-filename", name],
            Some(fenced.as_bytes()),
        );
        assert_eq!(out.stdout.lines().count(), count, "{name}: {}", out.stdout);
    }
    // --stdin takes no paths.
    let out = run_in(manifest_dir(), &["check", "--stdin", "examples/essay.md"], Some(b""));
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
}

#[test]
fn check_exits_2_naming_the_file_and_line_of_a_broken_config() {
    let dir = TempDir::new("badconfig");
    dir.write(".peace-lsp.toml", "[rules]\nterms-as-synonyms = \"loud\"\n")
        .write("a.md", CONFLATION);
    for args in [&["check"][..], &["check", "a.md"]] {
        let out = dir.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", out.stderr);
        let line = out
            .stderr
            .lines()
            .find(|l| l.starts_with("peace-lsp: error: "))
            .unwrap_or_else(|| panic!("no error line: {}", out.stderr));
        assert!(line.contains(".peace-lsp.toml:2:") && line.contains("loud"), "{line}");
        assert_eq!(
            out.stderr.matches("peace-lsp: error:").count(),
            1,
            "reported once: {}",
            out.stderr
        );
    }
    // A broken glossary is named with its line too.
    dir.write(".peace-lsp.toml", "glossaries = [\"g.toml\"]\n")
        .write("g.toml", "[[term]]\nid = \"x\"\nlabel = \"X\"\nkind = \"weapon\"\n");
    let out = dir.run(&["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("g.toml:"), "{}", out.stderr);
}

#[test]
fn check_uses_the_rule_levels_and_glossaries_of_the_config() {
    let dir = TempDir::new("config");
    dir.write("a.md", CONFLATION)
        .write("b.md", "MINURCA negotiated the peace agreement.\n");
    let out = dir.run(&["check"]);
    assert_eq!(paths(&out.stdout), ["a.md"], "without config: {}", out.stderr);

    dir.write(".peace-lsp.toml", "[rules]\npeacekeeping-as-peacemaking = \"off\"\n");
    let out = dir.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "");

    dir.write(".peace-lsp.toml", "[rules]\npeacekeeping-as-peacemaking = \"error\"\n");
    let out = dir.run(&["check", "--fail-on", "error"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert_eq!(parse_line(out.stdout.trim_end()).severity, "error");

    dir.write(
        "course/terms.toml",
        "[[term]]\nid = \"minurca\"\nlabel = \"MINURCA\"\nkind = \"mission\"\nconcept = \"peacekeeping\"\n\
         variants = [\"MINURCA\"]\nshort = \"UN mission in the Central African Republic, 1998 to 2000.\"\n\
         explanation = \"A small mission.\"\nsources = [\"Course reader\"]\nfacts = [\"1998: established\"]\n",
    )
    .write(".peace-lsp.toml", "glossaries = [\"course/terms.toml\"]\n");
    let out = dir.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let reported: Vec<Reported> = out.stdout.lines().map(parse_line).collect();
    assert_eq!(reported.len(), 2, "{}", out.stdout);
    assert_eq!(
        (reported[1].path.as_str(), reported[1].code.as_str()),
        ("b.md", "peacekeeping-as-peacemaking"),
        "the glossary's mission is a peacekeeping actor"
    );
}

#[test]
fn check_skips_files_over_max_document_bytes_with_a_note() {
    let dir = TempDir::new("maxbytes");
    dir.write(".peace-lsp.toml", "max-document-bytes = 20\n")
        .write("big.md", CONFLATION)
        .write("small.md", "Peacekeeping.\n");
    let out = dir.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("peace-lsp: note: skipping big.md"),
        "{}",
        out.stderr
    );
    assert!(summary(&out.stderr).contains("1 file skipped"), "{}", out.stderr);
}

#[test]
fn check_usage_errors_exit_2() {
    for args in [
        &["check", "--format", "xml", "examples/essay.md"][..],
        &["check", "--fail-on", "loud", "examples/essay.md"],
        &["check", "--stdin-filename", "a.md", "examples/essay.md"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
    }
}

// ---------------------------------------------------------------------------
// docs/peace-lsp.schema.json
// ---------------------------------------------------------------------------

#[test]
fn config_schema_covers_every_key_and_accepts_a_full_config() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(manifest_dir().join("docs/peace-lsp.schema.json")).unwrap())
            .expect("docs/peace-lsp.schema.json is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    let validator = jsonschema::draft7::new(&schema).expect("a valid draft-07 schema");

    // The keys `Options::from_toml` accepts: the KEYS list in src/config.
    let config_src = std::fs::read_to_string(manifest_dir().join("src/config/mod.rs")).unwrap();
    let start = config_src
        .find("const KEYS: &[&str] = &[")
        .expect("KEYS in src/config/mod.rs");
    let list = &config_src[start..start + config_src[start..].find("];").unwrap()];
    let keys: Vec<&str> = list.split('"').skip(1).step_by(2).collect();
    assert!(keys.len() >= 9, "{keys:?}");
    let props: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = keys.clone();
    want.sort_unstable();
    let mut have = props.clone();
    have.sort_unstable();
    assert_eq!(have, want, "schema properties vs KEYS");

    // Every rule code, and no other.
    let mut codes = peace_lsp::config::known_codes();
    codes.sort_unstable();
    codes.dedup();
    let mut rule_props: Vec<&str> = schema["properties"]["rules"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    rule_props.sort_unstable();
    assert_eq!(rule_props, codes);

    let full = r#"
glossaries = ["course/terms.toml"]
include = ["chapters/**/*.md", "*.tex"]
exclude = ["drafts"]
max-document-bytes = 2000000
debounce-ms = 300
rules-base-url = "https://example.org/peace-lsp/rules/"
completion = true
completion-citations = false
semantic-tokens = true
summary-lens = true

[rules]
peacekeeping-as-peacemaking = "error"
peacemaking-as-peacekeeping = "warning"
terms-as-synonyms = "off"
peacekeeping-as-enforcement = "information"
peacemaking-as-enforcement = "hint"
peacebuilding-as-peacekeeping = "information"
peacekeeping-before-ceasefire = "warning"
unused-suppression = "off"

[exceptions]
peacekeeping-as-peacemaking = ["good offices of the force commander"]

[[cue]]
id = "course-pm"
concept = "peacemaking"
role = "act"
weight = 0.6
words = ["shuttled between"]
followed_by = ["capitals"]
within = 4
"#;
    let options = peace_lsp::config::Options::from_toml(Path::new(".peace-lsp.toml"), full);
    assert!(options.is_ok(), "the example is a valid config: {options:?}");
    let value: Value = serde_json::to_value(toml::from_str::<toml::Value>(full).unwrap()).unwrap();
    for key in &keys {
        assert!(value.get(key).is_some(), "the example sets {key}");
    }
    let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");

    // What the project file may not say, the schema rejects too.
    let from_toml = |text: &str| peace_lsp::config::Options::from_toml(Path::new(".peace-lsp.toml"), text);
    for bad in [
        "[rules]\nterms-as-synonyms = \"loud\"\n",
        "[rules]\nno-such-rule = \"off\"\n",
        "[exceptions]\nno-such-rule = [\"x\"]\n",
        "colour = \"blue\"\n",
        "max-document-bytes = \"big\"\n",
        "[[cue]]\nid = \"x\"\nconcept = \"peacemaking\"\nrole = \"act\"\nwords = [\"x\"]\nweigth = 2\n",
    ] {
        assert!(from_toml(bad).is_err(), "the CLI accepts {bad:?}");
        let value: Value = serde_json::to_value(toml::from_str::<toml::Value>(bad).unwrap()).unwrap();
        assert!(!validator.is_valid(&value), "the schema accepts {bad:?}");
    }
    // A cue role is checked when the database is built; the schema knows
    // the roles already.
    let bad_role = "[[cue]]\nid = \"x\"\nconcept = \"peacemaking\"\nrole = \"verb\"\nwords = [\"x\"]\n";
    let value: Value = serde_json::to_value(toml::from_str::<toml::Value>(bad_role).unwrap()).unwrap();
    assert!(!validator.is_valid(&value), "the schema accepts role = \"verb\"");
}

// ---------------------------------------------------------------------------
// explain
// ---------------------------------------------------------------------------

#[test]
fn explain_known_term() {
    for args in [&["explain", "blue helmets"][..], &["explain", "blue", "helmets"]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", out.stderr);
        assert!(out.stdout.contains("Blue helmets"), "{}", out.stdout);
        assert!(
            out.stdout.contains("Popular name for UN peacekeepers"),
            "definition missing: {}",
            out.stdout
        );
    }
}

/// Piped, `explain` prints Markdown (for files and other programs);
/// `--format markdown` says so explicitly; `--format terminal` lays it out
/// for a terminal (no Markdown markers, the comparison as aligned columns,
/// lines within `COLUMNS`), without styles when the output is not a terminal.
#[test]
fn explain_prints_markdown_when_piped_and_renders_for_a_terminal() {
    let piped = run(&["explain", "peacekeeping"]);
    assert_eq!(piped.status.code(), Some(0), "{}", piped.stderr);
    assert!(piped.stdout.starts_with("**Peacekeeping**"), "{}", piped.stdout);
    assert!(
        piped.stdout.contains("\n|---|---|---|"),
        "a Markdown table: {}",
        piped.stdout
    );
    let markdown = run(&["explain", "peacekeeping", "--format", "markdown"]);
    assert_eq!(markdown.stdout, piped.stdout);

    let out = Command::new(BIN)
        .args(["explain", "peacekeeping", "--format", "terminal"])
        .env("COLUMNS", "64")
        .output()
        .expect("runs");
    let rendered = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(rendered.starts_with("Peacekeeping · concept\n"), "{rendered}");
    assert!(!rendered.contains("**") && !rendered.contains("|---"), "{rendered}");
    assert!(!rendered.contains('\x1b'), "no styles into a pipe: {rendered:?}");
    assert!(rendered.contains("─┼─"), "the comparison table is drawn: {rendered}");
    assert!(rendered.lines().all(|l| l.chars().count() <= 64), "{rendered}");
}

/// On a real terminal (a pseudo-terminal made by util-linux `script`) the
/// default is the terminal rendering, with bold as ANSI styles.
#[test]
fn explain_on_a_terminal_renders_bold_and_tables() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIP: no `script` (util-linux) to make a pseudo-terminal");
        return;
    }
    let out = Command::new("script")
        .args(["-qec", &format!("{BIN} explain peacekeeping"), "/dev/null"])
        .env("COLUMNS", "70")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(out.status.success(), "{text}");
    assert!(
        text.starts_with("\x1b[1mPeacekeeping\x1b[22m"),
        "bold on a terminal: {text:?}"
    );
    assert!(!text.contains("**"), "{text}");
    assert!(text.contains("─┼─"), "{text}");
}

#[test]
fn explain_unknown_term_suggests() {
    let out = run(&["explain", "peacekeepin"]);
    assert_ne!(out.status.code(), Some(0), "stdout: {}", out.stdout);
    assert!(out.stderr.contains("peacekeeping"), "no suggestion: {:?}", out.stderr);
}

// ---------------------------------------------------------------------------
// LSP on stdio
// ---------------------------------------------------------------------------

enum Event {
    Frame(Value),
    /// Bytes on stdout that are not a well-formed frame.
    Junk(String),
}

fn frame(v: &Value) -> Vec<u8> {
    let body = v.to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// Parse stdout strictly: only `Content-Length`/`Content-Type` headers, CRLF
/// line ends, and JSON bodies.
fn read_stdout<R: Read>(r: R, tx: mpsc::Sender<Event>) {
    let mut r = std::io::BufReader::new(r);
    let junk = |tx: &mpsc::Sender<Event>, what: String, r: &mut std::io::BufReader<R>| {
        let mut rest = Vec::new();
        let _ = r.read_to_end(&mut rest);
        let _ = tx.send(Event::Junk(format!(
            "{what}; rest: {:?}",
            String::from_utf8_lossy(&rest)
        )));
    };
    loop {
        let mut length = None;
        let mut first = true;
        loop {
            let mut line = Vec::new();
            let n = std::io::BufRead::read_until(&mut r, b'\n', &mut line).unwrap_or(0);
            if n == 0 {
                if !first || !line.is_empty() {
                    let _ = tx.send(Event::Junk(format!(
                        "truncated header {:?}",
                        String::from_utf8_lossy(&line)
                    )));
                }
                return;
            }
            first = false;
            let text = String::from_utf8_lossy(&line).into_owned();
            let Some(text) = text.strip_suffix("\r\n") else {
                return junk(&tx, format!("header line without CRLF: {text:?}"), &mut r);
            };
            if text.is_empty() {
                break;
            }
            match text.split_once(": ") {
                Some((name, v)) if name.eq_ignore_ascii_case("content-length") => length = v.parse::<usize>().ok(),
                Some((name, _)) if name.eq_ignore_ascii_case("content-type") => {}
                _ => return junk(&tx, format!("not a header: {text:?}"), &mut r),
            }
        }
        let Some(n) = length else {
            return junk(&tx, "frame without Content-Length".into(), &mut r);
        };
        let mut body = vec![0; n];
        if r.read_exact(&mut body).is_err() {
            let _ = tx.send(Event::Junk("truncated body".into()));
            return;
        }
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => {
                if tx.send(Event::Frame(v)).is_err() {
                    return;
                }
            }
            Err(_) => {
                return junk(
                    &tx,
                    format!("non-JSON body {:?}", String::from_utf8_lossy(&body)),
                    &mut r,
                )
            }
        }
    }
}

struct StdioServer {
    guard: Guard,
    stdin: Option<ChildStdin>,
    events: mpsc::Receiver<Event>,
    frames: Vec<Value>,
    junk: Vec<String>,
    reader: Option<JoinHandle<()>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    label: String,
}

impl StdioServer {
    fn spawn(args: &[&str]) -> StdioServer {
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(manifest_dir())
            // The most verbose logging: it must all go to stderr.
            .env("PEACE_LSP_LOG", "trace")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || read_stdout(stdout, tx));
        let stderr = drain(child.stderr.take().unwrap());
        StdioServer {
            stdin: child.stdin.take(),
            guard: Guard(Some(child)),
            events: rx,
            frames: Vec::new(),
            junk: Vec::new(),
            reader: Some(reader),
            stderr: Some(stderr),
            label: format!("peace-lsp {args:?}"),
        }
    }

    fn send(&mut self, v: Value) {
        let stdin = self.stdin.as_mut().expect("stdin closed");
        stdin
            .write_all(&frame(&v))
            .and_then(|_| stdin.flush())
            .unwrap_or_else(|e| panic!("{}: writing to stdin: {e}", self.label));
    }

    /// Wait (bounded) for the response to request `id`.
    fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(Event::Frame(v)) => {
                    self.frames.push(v.clone());
                    if v.get("method").is_none() && v["id"] == id {
                        return v;
                    }
                }
                Ok(Event::Junk(j)) => {
                    panic!("{}: not a frame on stdout: {j}", self.label);
                }
                Err(_) => panic!(
                    "{}: no response to request {id} within {WAIT:?}; frames: {:?}",
                    self.label, self.frames
                ),
            }
        }
    }

    /// Wait for the exit (keeping stdin open, as an editor would), then
    /// collect the rest of stdout; returns the exit status.
    fn finish(&mut self) -> ExitStatus {
        let status = wait_bounded(&mut self.guard, &self.label);
        self.stdin = None;
        // The process is gone, so stdout reaches end of file.
        self.reader.take().unwrap().join().unwrap();
        while let Ok(e) = self.events.try_recv() {
            match e {
                Event::Frame(v) => self.frames.push(v),
                Event::Junk(j) => self.junk.push(j),
            }
        }
        status
    }

    fn stderr(&mut self) -> String {
        self.stderr
            .take()
            .map(|h| String::from_utf8_lossy(&h.join().unwrap()).into_owned())
            .unwrap_or_default()
    }
}

fn initialize(s: &mut StdioServer) {
    s.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
    let resp = s.response(1);
    assert_eq!(
        resp["result"]["capabilities"]["hoverProvider"], true,
        "{}: initialize response {resp}",
        s.label
    );
    s.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
}

/// Send `exit`, then check that stdout carried only frames and the exit
/// status is `code`.
fn exit_expecting(s: &mut StdioServer, code: i32, when: &str) {
    s.send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let status = s.finish();
    let stderr = s.stderr();
    assert!(
        s.junk.is_empty(),
        "{}: stdout carried more than frames: {:?}",
        s.label,
        s.junk
    );
    assert_eq!(
        status.code(),
        Some(code),
        "{}: exit status {when}; stderr: {stderr}",
        s.label
    );
}

#[test]
fn stdio_serves_lsp_and_exits_0_after_shutdown() {
    for args in [&["--stdio"][..], &["lsp"], &[]] {
        let mut s = StdioServer::spawn(args);
        initialize(&mut s);
        s.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file:///tmp/stdio.txt", "languageId": "plaintext", "version": 1,
            "text": "UN peacekeepers negotiated the Dayton Accords."}}}),
        );
        s.send(
            json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": "file:///tmp/stdio.txt"}, "position": {"line": 0, "character": 5}}}),
        );
        let hover = s.response(2);
        assert!(hover.get("error").is_none(), "{}: hover {hover}", s.label);
        s.send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown", "params": null}));
        let resp = s.response(3);
        assert!(resp.get("error").is_none(), "{}: shutdown {resp}", s.label);
        exit_expecting(&mut s, 0, "after shutdown + exit");
    }
}

#[test]
fn stdio_exits_1_without_shutdown() {
    for args in [&["--stdio"][..], &["lsp"], &[]] {
        let mut s = StdioServer::spawn(args);
        initialize(&mut s);
        exit_expecting(&mut s, 1, "after exit without shutdown");
    }
}

#[test]
fn stdio_survives_a_bad_frame() {
    let mut s = StdioServer::spawn(&["--stdio"]);
    initialize(&mut s);
    s.stdin
        .as_mut()
        .unwrap()
        .write_all(b"Content-Length: 5\r\n\r\n{oops")
        .unwrap();
    s.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    let resp = s.response(2);
    assert!(resp.get("error").is_none(), "shutdown after a bad frame: {resp}");
    assert!(
        s.frames.iter().any(|f| f["error"]["code"] == -32700),
        "no -32700 response to the bad frame: {:?}",
        s.frames
    );
    s.send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let status = s.finish();
    assert!(s.junk.is_empty(), "{:?}", s.junk);
    assert_eq!(status.code(), Some(0));
}

#[test]
fn stdio_exits_1_when_stdin_closes() {
    let mut s = StdioServer::spawn(&["--stdio"]);
    initialize(&mut s);
    s.stdin = None;
    let status = s.finish();
    assert!(s.junk.is_empty(), "{:?}", s.junk);
    assert_eq!(
        status.code(),
        Some(1),
        "end of input without shutdown; stderr: {}",
        s.stderr()
    );
}
