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
    let child = Command::new(BIN)
        .args(args)
        .current_dir(manifest_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"));
    let mut guard = Guard(Some(child));
    let child = guard.0.as_mut().unwrap();
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let status = wait_bounded(&mut guard, &format!("peace-lsp {args:?}"));
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
fn check_directory_missing_and_binary_files_exit_2() {
    let dir = temp_path("dir");
    std::fs::create_dir_all(&dir).unwrap();
    let missing = temp_path("missing.md");
    let binary = TempFile::new("binary.txt", b"peacekeeping\0\0\x01\x02binary\0data");
    for path in [dir.to_str().unwrap(), missing.to_str().unwrap(), binary.path()] {
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
    let _ = std::fs::remove_dir(&dir);
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
            Some(0),
            "{}: exit status after shutdown + exit; stderr: {stderr}",
            s.label
        );
    }
}

#[test]
fn stdio_exits_1_without_shutdown() {
    for args in [&["--stdio"][..], &["lsp"], &[]] {
        let mut s = StdioServer::spawn(args);
        initialize(&mut s);
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
            Some(1),
            "{}: exit status after exit without shutdown; stderr: {stderr}",
            s.label
        );
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
