//! The reliability suite (issue 10): each situation a hostile or unlucky
//! client can create, over stdio against the built binary. Every wait is
//! bounded by a generous safety timeout; no test asserts a tight timing.
#![cfg(unix)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The binary under test: this build's, or `PEACE_LSP_TEST_BIN` (to show
/// what an older build does in each situation).
fn bin() -> String {
    std::env::var("PEACE_LSP_TEST_BIN")
        .ok()
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_peace-lsp").to_string())
}
/// Upper bound for any single wait.
const WAIT: Duration = Duration::from_secs(20);
const CONFLATION: &str = "UN peacekeepers negotiated the Dayton Accords.";

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Lets a test stop the client from reading the server's output.
#[derive(Default)]
struct Gate {
    closed: Mutex<bool>,
    changed: Condvar,
}

impl Gate {
    fn set(&self, closed: bool) {
        *self.closed.lock().unwrap() = closed;
        self.changed.notify_all();
    }
    fn pass(&self) {
        let mut closed = self.closed.lock().unwrap();
        while *closed {
            closed = self.changed.wait(closed).unwrap();
        }
    }
}

/// A server process and a client for it.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    frames: mpsc::Receiver<Value>,
    /// Frames received and not yet consumed.
    inbox: Vec<Value>,
    stderr: Arc<Mutex<Vec<u8>>>,
    gate: Arc<Gate>,
    next_id: i64,
    /// Answer the server's requests (showDocument: success; others: null).
    answer_requests: bool,
}

fn read_frames(out: impl Read, tx: mpsc::Sender<Value>, gate: Arc<Gate>) {
    let mut r = BufReader::new(out);
    loop {
        gate.pass();
        let mut length = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                }
            }
        }
        let mut body = vec![0; length.expect("the server sent a frame without Content-Length")];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let v: Value = serde_json::from_slice(&body).expect("the server sent a body that is not JSON");
        if tx.send(v).is_err() {
            return;
        }
    }
}

impl Server {
    fn start() -> Server {
        Server::start_with(&[])
    }

    fn start_with(env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(bin())
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start peace-lsp");
        let (tx, rx) = mpsc::channel();
        let gate = Arc::new(Gate::default());
        let out = child.stdout.take().unwrap();
        let g = Arc::clone(&gate);
        std::thread::spawn(move || read_frames(out, tx, g));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Server {
            stdin: child.stdin.take(),
            child,
            frames: rx,
            inbox: Vec::new(),
            stderr,
            gate,
            next_id: 1,
            answer_requests: false,
        }
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        stdin.write_all(bytes).expect("write to the server");
        stdin.flush().expect("flush to the server");
    }

    fn send(&mut self, v: Value) {
        self.send_raw(&frame(v.to_string().as_bytes()));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The first frame matching `pred` within `limit` (others stay in the inbox).
    fn wait_for(&mut self, what: &str, limit: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.inbox.iter().position(&pred) {
            return self.inbox.remove(i);
        }
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.frames.recv_timeout(left) {
                Ok(v) if pred(&v) => return v,
                Ok(v) if self.answer_requests && v.get("method").is_some() && v.get("id").is_some() => {
                    let result = if v["method"] == "window/showDocument" {
                        json!({"success": true})
                    } else {
                        Value::Null
                    };
                    self.send(json!({"jsonrpc": "2.0", "id": v["id"], "result": result}));
                    self.inbox.push(v);
                }
                Ok(v) => self.inbox.push(v),
                Err(_) => panic!(
                    "no {what} within {limit:?}; received: {:?}\nstderr: {}",
                    self.inbox.iter().map(short).collect::<Vec<_>>(),
                    self.stderr()
                ),
            }
        }
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), WAIT, |v| {
            v.get("method").is_none() && v["id"] == id
        })
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let r = self.response(id);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    fn initialize(&mut self, params: Value) {
        let mut p = json!({"processId": null, "rootUri": null, "capabilities": {}});
        if let (Some(p), Some(extra)) = (p.as_object_mut(), params.as_object()) {
            p.extend(extra.clone());
        }
        self.request("initialize", p);
        self.notify("initialized", json!({}));
    }

    fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": version, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// The publish for `uri` at `version` (earlier ones for it are dropped).
    fn publish(&mut self, uri: &str, version: i64, limit: Duration) -> Vec<Value> {
        let p = self.wait_for(&format!("publish of {uri} v{version}"), limit, |v| {
            v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == uri
                && v["params"]["version"] == version
        });
        self.inbox
            .retain(|v| !(v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri));
        p["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    }

    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The exit code, waiting at most `limit` (then the process is killed
    /// and the test fails).
    fn exit_code(&mut self, limit: Duration) -> i32 {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the server did not exit within {limit:?}; stderr: {}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stderr(&self) -> String {
        let s = self.stderr.lock().unwrap();
        let cut = s.len().min(2000);
        String::from_utf8_lossy(&s[..cut]).into_owned()
    }

    /// A field of /proc/PID/status in KiB (VmRSS, VmHWM) or a count (Threads).
    fn status(&self, field: &str) -> u64 {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        text.lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.gate.set(false);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    s.chars().take(300).collect()
}

fn is_error(code: i64) -> impl Fn(&Value) -> bool {
    move |v: &Value| v.get("method").is_none() && v["error"]["code"] == code
}

fn uri(name: &str) -> String {
    format!("file:///reliability/{name}")
}

// ---------------------------------------------------------------------------
// Lifecycle

const WATCHING_CLIENT: &str =
    r#"{"capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}"#;

/// Row 1: the client never answers `client/registerCapability`; `exit` (or
/// the end of input) still ends the server, with 1.
#[test]
fn unanswered_register_capability_does_not_keep_the_server() {
    for by_eof in [false, true] {
        let mut s = Server::start();
        s.initialize(serde_json::from_str(WATCHING_CLIENT).unwrap());
        s.wait_for("client/registerCapability", WAIT, |v| {
            v["method"] == "client/registerCapability"
        });
        if by_eof {
            s.close_stdin();
        } else {
            s.notify("exit", Value::Null);
        }
        assert_eq!(s.exit_code(Duration::from_secs(10)), 1, "by_eof: {by_eof}");
    }
}

/// Row 2: `exit`, or closing stdin, right after `initialized`.
#[test]
fn exit_or_eof_right_after_initialized() {
    for by_eof in [false, true] {
        let mut s = Server::start();
        let capabilities = serde_json::from_str::<Value>(WATCHING_CLIENT).unwrap()["capabilities"].clone();
        let mut caps = capabilities.clone();
        caps["workspace"]["configuration"] = json!(true);
        s.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": caps}),
        );
        let mut bytes = frame(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        if !by_eof {
            bytes.extend(frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
        }
        s.send_raw(&bytes);
        if by_eof {
            s.close_stdin();
        }
        assert_eq!(s.exit_code(Duration::from_secs(10)), 1, "by_eof: {by_eof}");
    }
}

/// Row 3: `shutdown` and `exit` written back to back exit with 0.
#[test]
fn shutdown_and_exit_back_to_back_exit_0() {
    for _ in 0..5 {
        let mut s = Server::start();
        s.initialize(json!({}));
        let mut bytes = frame(br#"{"jsonrpc":"2.0","id":99,"method":"shutdown"}"#);
        bytes.extend(frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
        s.send_raw(&bytes);
        assert_eq!(s.exit_code(Duration::from_secs(10)), 0);
    }
}

/// The editor process named in `initialize` dies: the server follows.
#[test]
fn exits_when_the_editor_dies() {
    let mut editor = Command::new("sleep").arg("60").spawn().expect("start sleep");
    let mut s = Server::start();
    s.initialize(json!({"processId": editor.id()}));
    let u = uri("parent.txt");
    s.open(&u, 1, CONFLATION);
    s.publish(&u, 1, WAIT);
    editor.kill().unwrap();
    editor.wait().unwrap();
    assert_eq!(s.exit_code(Duration::from_secs(15)), 1);
}

/// SIGTERM ends the server cleanly.
#[test]
fn sigterm_ends_the_server() {
    let mut s = Server::start_with(&[("PEACE_LSP_LOG", "debug")]);
    s.initialize(json!({}));
    unsafe {
        libc::kill(s.pid(), libc::SIGTERM);
    }
    let code = s.exit_code(Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(300)); // the last of stderr
    assert_eq!(code, 0, "stderr: {}", s.stderr());
}

// ---------------------------------------------------------------------------
// Transport

/// Row 4: ids between 2^63 and 2^64-1 (and beyond) are answered with an
/// error; a client response with one is dropped; the server stays up.
#[test]
fn ids_outside_i64_are_errors() {
    let mut s = Server::start();
    s.initialize(json!({}));
    for id in ["9223372036854775808", "18446744073709551615", "1e30", "1.5"] {
        let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{{}}}}"#);
        s.send_raw(&frame(body.as_bytes()));
        let e = s.wait_for(&format!("-32600 for id {id}"), WAIT, is_error(-32600));
        assert!(e["id"].is_number(), "{e}");
        let response = format!(r#"{{"jsonrpc":"2.0","id":{id},"result":null}}"#);
        s.send_raw(&frame(response.as_bytes()));
    }
    let u = uri("ids.txt");
    s.open(&u, 1, CONFLATION);
    assert_eq!(s.publish(&u, 1, WAIT).len(), 1);
    assert!(s.hover(&u, 0, 5).is_object());
    s.request("shutdown", Value::Null);
    s.notify("exit", Value::Null);
    assert_eq!(s.exit_code(Duration::from_secs(10)), 0);
}

/// Row 5: a bad header is answered with -32700 once, and every later valid
/// frame is served (the bad frame's body glued to the next header too).
#[test]
fn bad_headers_are_answered_once_and_the_session_goes_on() {
    let cases: &[&[u8]] = &[
        b"Content-Type: application/json\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"x\"}",
        b"Content-Length: -12\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        b"Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        b"Content-Length: 184467440737095516150\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        b"Content-Length: 5\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"shutdown\"}",
        b"no colon here\r\n\r\n{\"jsonrpc\":\"2.0\"}",
    ];
    for case in cases {
        let mut s = Server::start();
        s.initialize(json!({}));
        s.send_raw(case);
        s.wait_for("-32700", WAIT, is_error(-32700));
        for _ in 0..20 {
            let id = s.send_request("peace/noSuchMethod", json!({}));
            let r = s.response(id);
            assert_eq!(r["error"]["code"], -32601, "{}: {r}", String::from_utf8_lossy(case));
        }
        assert!(
            !s.inbox.iter().any(is_error(-32700)),
            "-32700 more than once for {}",
            String::from_utf8_lossy(case)
        );
        s.request("shutdown", Value::Null);
        s.notify("exit", Value::Null);
        assert_eq!(s.exit_code(Duration::from_secs(10)), 0);
    }
}

/// Row 6: a header line of 64 MiB without a newline: memory stays bounded,
/// the error quotes none of it, and the session resynchronises.
#[test]
fn endless_header_line_is_bounded_and_not_echoed() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let rss_before = s.status("VmRSS");
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..64 {
        s.send_raw(&chunk);
    }
    s.send_raw(b"\r\n\r\n");
    let e = s.wait_for("-32700", WAIT, is_error(-32700));
    let message = e["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.len() < 200,
        "the error echoes the input: {} bytes",
        message.len()
    );
    let id = s.send_request("peace/noSuchMethod", json!({}));
    assert_eq!(s.response(id)["error"]["code"], -32601);
    let grew = s.status("VmHWM").saturating_sub(rss_before);
    assert!(grew < 32 * 1024, "memory grew by {grew} KiB for a 64 MiB header line");
    assert!(s.stderr().len() < 2000, "stderr: {}", s.stderr());
    // An oversize body is skipped, not held, and answered.
    let size = 65 * 1024 * 1024;
    s.send_raw(format!("Content-Length: {size}\r\n\r\n").as_bytes());
    for _ in 0..65 {
        s.send_raw(&chunk);
    }
    s.wait_for("-32600 for the oversize body", WAIT, is_error(-32600));
    let grew = s.status("VmHWM").saturating_sub(rss_before);
    assert!(grew < 32 * 1024, "memory grew by {grew} KiB for a 65 MiB body");
    let id = s.send_request("peace/noSuchMethod", json!({}));
    assert_eq!(s.response(id)["error"]["code"], -32601);
}

/// Row 7: the client stops reading while sending 400 edits; unsent
/// publishes are replaced by newer ones, memory stays bounded, and the last
/// version is published once the client reads again.
#[test]
fn a_client_that_stops_reading_does_not_grow_the_server() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let u = uri("stalled.txt");
    let text = format!("{CONFLATION} ").repeat(1000);
    s.open(&u, 1, &text);
    s.publish(&u, 1, WAIT);
    let rss_before = s.status("VmRSS");
    s.gate.set(true);
    for v in 2..=401 {
        s.change(&u, v, &format!("{text}{v}"));
    }
    // Long enough for every version to have been analysed, were they all.
    std::thread::sleep(Duration::from_secs(5));
    let grew = s.status("VmRSS").saturating_sub(rss_before);
    s.gate.set(false);
    let mut publishes = 0;
    let last = loop {
        let p = s.wait_for("publishes", Duration::from_secs(60), |v| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == u.as_str()
        });
        publishes += 1;
        if p["params"]["version"] == 401 {
            break p;
        }
    };
    assert_eq!(last["params"]["diagnostics"].as_array().map(Vec::len), Some(1000));
    eprintln!("stalled client: {publishes} publishes, grew {grew} KiB");
    assert!(publishes <= 3, "{publishes} publishes for 400 edits: none was replaced");
    assert!(
        grew < 24 * 1024,
        "memory grew by {grew} KiB while the client did not read"
    );
}

// ---------------------------------------------------------------------------
// Untrusted workspaces

/// A temporary folder, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("peace-lsp-rel-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn file_uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

const GLOSSARY: &str = r#"[[term]]
id = "zebra-force"
label = "Zebra Force"
kind = "actor"
concept = "peacekeeping"
variants = ["zebraforce"]
short = "A made-up force for a test."
explanation = "It exists only in this test."
sources = ["This test"]
"#;

/// A server started in `root` (as the workspace folder).
fn started_in(root: &Path, extra: Value) -> Server {
    let mut s = Server::start();
    let mut params = json!({"rootUri": file_uri(root), "workspaceFolders": [{"uri": file_uri(root), "name": "w"}]});
    if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    s.initialize(params);
    s
}

fn error_message(s: &mut Server, what: &str) -> String {
    let m = s.wait_for(what, WAIT, |v| {
        v["method"] == "window/showMessage" && v["params"]["type"] == 1
    });
    m["params"]["message"].as_str().unwrap_or_default().to_string()
}

/// Row: project files name glossaries only inside the project folder: `..`,
/// absolute paths, links out of it, devices and FIFOs are refused, and the
/// server goes on.
#[test]
fn glossaries_outside_the_project_are_refused() {
    let top = Dir::new("glossaries");
    let elsewhere = top.write("elsewhere/course.toml", GLOSSARY);
    let w = top.0.join("w");
    std::fs::create_dir_all(&w).unwrap();
    std::os::unix::fs::symlink(&elsewhere, w.join("link.toml")).unwrap();
    let fifo = w.join("fifo.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let inside = w.join("inside.toml");
    std::fs::write(&inside, GLOSSARY).unwrap();
    let cases = [
        ("inside.toml", None),
        ("../elsewhere/course.toml", Some("..")),
        (elsewhere.to_str().unwrap(), Some("outside")),
        ("link.toml", Some("outside")),
        ("/dev/stdin", Some("outside")),
        ("/dev/zero", Some("outside")),
        ("fifo.toml", Some("not a regular file")),
    ];
    for (glossary, refused) in cases {
        std::fs::write(w.join(".peace-lsp.toml"), format!("glossaries = [{glossary:?}]\n")).unwrap();
        let mut s = started_in(&w, json!({}));
        let u = file_uri(&w.join("essay.txt"));
        s.open(&u, 1, "The zebraforce arrived.");
        match refused {
            Some(why) => {
                let m = error_message(&mut s, &format!("an error for {glossary}"));
                assert!(m.contains(why), "{glossary}: {m}");
                assert!(!m.contains("It exists only"), "{glossary}: the file's text leaks: {m}");
                s.publish(&u, 1, WAIT);
                assert!(s.hover(&u, 0, 6).is_null(), "{glossary}: its terms are used");
            }
            None => {
                s.publish(&u, 1, WAIT);
                let h = s.hover(&u, 0, 6);
                assert!(h.to_string().contains("Zebra Force"), "{glossary}: {h}");
            }
        }
        s.request("shutdown", Value::Null);
        s.notify("exit", Value::Null);
        assert_eq!(s.exit_code(Duration::from_secs(10)), 0);
    }
}

/// Row: `check` on a FIFO or a device is a clear error, not a hang.
#[test]
fn check_refuses_fifos_and_devices() {
    let d = Dir::new("check-fifo");
    let fifo = d.0.join("essay.md");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for path in [fifo.to_str().unwrap(), "/dev/zero"] {
        let out = run_cli(&["check", path], None);
        assert_eq!(out.0, Some(2), "{path}: {}", out.2);
        assert!(out.2.contains("not a regular file"), "{path}: {}", out.2);
    }
}

/// Runs the CLI with a safety timeout: (exit code, stdout, stderr).
fn run_cli(args: &[&str], stdin: Option<&[u8]>) -> (Option<i32>, String, String) {
    let mut child = Command::new(bin())
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let (Some(mut i), Some(bytes)) = (child.stdin.take(), stdin) {
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = i.write_all(&bytes);
        });
    }
    let deadline = Instant::now() + WAIT;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("peace-lsp {args:?} did not exit within {WAIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Row: link settings from a project file are http(s) only.
#[test]
fn rules_base_url_is_http_only() {
    for (url, ok) in [
        ("command:workbench.action.quit?", false),
        ("javascript:alert(1)//", false),
        ("file:///etc/passwd#", false),
        ("https://example.org/rules/", true),
    ] {
        let w = Dir::new("links");
        w.write(".peace-lsp.toml", &format!("rules-base-url = {url:?}\n"));
        let mut s = started_in(&w.0, json!({}));
        let u = file_uri(&w.0.join("essay.txt"));
        s.open(&u, 1, CONFLATION);
        let diags = s.publish(&u, 1, WAIT);
        let href = diags[0]["codeDescription"]["href"].as_str().unwrap_or("").to_string();
        if ok {
            assert!(href.starts_with(url), "{href}");
        } else {
            let m = error_message(&mut s, url);
            assert!(m.contains("rules-base-url"), "{m}");
            assert!(!href.starts_with(url), "{url} used as a link: {href}");
        }
    }
}

/// Row: the Explain file is never written through a planted link.
#[test]
fn explain_file_is_not_written_through_a_link() {
    let target = Dir::new("explain-target");
    let victim = target.write("victim.txt", "precious");
    let mut s = Server::start();
    s.answer_requests = true;
    s.initialize(json!({"capabilities": {"window": {"showDocument": {"support": true}}}}));
    let dir = std::env::temp_dir().join("peace-lsp");
    std::fs::create_dir_all(&dir).unwrap();
    let planted = dir.join(format!("explain-{}.md", s.pid()));
    let _ = std::fs::remove_file(&planted);
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let r = s.request(
        "workspace/executeCommand",
        json!({"command": "peace-lsp.explain", "arguments": [{"term": "peacekeeping"}]}),
    );
    assert!(r.as_str().is_some_and(|t| t.contains("eacekeeping")), "{r}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let meta = std::fs::symlink_metadata(&planted).unwrap();
    assert!(meta.is_file(), "the link was kept");
    let _ = std::fs::remove_file(&planted);
}

/// Row: "turn off this rule" for a document outside the workspace edits
/// nothing; inside, it edits the workspace's project file.
#[test]
fn disable_rule_stays_in_the_workspace() {
    let top = Dir::new("disable");
    let w = top.0.join("w");
    std::fs::create_dir_all(&w).unwrap();
    let mut s = started_in(&w, json!({}));
    let outside = file_uri(&top.0.join("outside.txt"));
    let id = s.send_request(
        "workspace/executeCommand",
        json!({"command": "peace-lsp.disableRule", "arguments": [{"code": "peacekeeping-as-peacemaking", "uri": outside}]}),
    );
    let r = s.response(id);
    assert!(r.get("error").is_some(), "{r}");
    assert!(!top.0.join(".peace-lsp.toml").exists(), "wrote above the workspace");
    let inside = file_uri(&w.join("essay.txt"));
    s.request(
        "workspace/executeCommand",
        json!({"command": "peace-lsp.disableRule", "arguments": [{"code": "peacekeeping-as-peacemaking", "uri": inside}]}),
    );
    let text = std::fs::read_to_string(w.join(".peace-lsp.toml")).unwrap();
    assert!(text.contains("peacekeeping-as-peacemaking"), "{text}");
}

// ---------------------------------------------------------------------------
// Clear errors

/// Row: an absurd debounce-ms, an unknown --language and invalid
/// initializationOptions are errors, not silently accepted.
#[test]
fn absurd_settings_are_errors() {
    let w = Dir::new("debounce");
    w.write(".peace-lsp.toml", "debounce-ms = 9223372036854775807\n");
    let mut s = started_in(&w.0, json!({}));
    let u = file_uri(&w.0.join("essay.txt"));
    s.open(&u, 1, CONFLATION);
    let m = error_message(&mut s, "the debounce error");
    assert!(m.contains("debounce-ms"), "{m}");
    assert_eq!(s.publish(&u, 1, WAIT).len(), 1, "the document is still checked");

    let mut s = Server::start();
    s.initialize(json!({"initializationOptions": {"debounceMs": "soon"}}));
    let m = error_message(&mut s, "the initializationOptions error");
    assert!(m.contains("initializationOptions"), "{m}");

    let (code, _, err) = run_cli(&["check", "--language", "cobol", "--stdin"], Some(b"text"));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("cobol"), "{err}");
}

// ---------------------------------------------------------------------------
// Linear time and bounded work

/// Rows: run-on text, deep LaTeX nesting and thousands of environments are
/// analysed in linear time (each took minutes or never finished).
#[test]
fn pathological_documents_are_published() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let docs = [
        ("runon.txt", "plaintext", "peacekeeping ".repeat(80_000)),
        (
            "claims.txt",
            "plaintext",
            "peacekeepers negotiated the accords and ".repeat(6_000),
        ),
        ("nested.tex", "latex", "\\section{".repeat(200_000)),
        ("lists.tex", "latex", "\\begin{itemize}\n".repeat(20_000)),
    ];
    for (name, language, text) in &docs {
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(name), "languageId": language, "version": 1, "text": text}}),
        );
    }
    for (name, _, _) in &docs {
        s.publish(&uri(name), 1, Duration::from_secs(90));
    }
}

/// Row: a glossary with 16,000 invalid entries is reported quickly, and
/// other documents are served meanwhile.
#[test]
fn huge_invalid_glossary_is_reported_and_blocks_nothing() {
    let w = Dir::new("big-glossary");
    let entries: String = (0..16_000)
        .map(|i| format!("[[term]]\nid = \"t{i}\"\nlabel = \"T\"\nkind = \"bogus\"\nconcept = \"peacekeeping\"\nvariants = [\"zz{i}\"]\nshort = \"x\"\nexplanation = \"y\"\nsources = [\"s\"]\n\n"))
        .collect();
    w.write("course.toml", &entries);
    w.write("sub/.peace-lsp.toml", "glossaries = [\"../course.toml\"]\n");
    w.write(".peace-lsp.toml", "glossaries = [\"course.toml\"]\n");
    let mut s = started_in(&w.0, json!({}));
    let plain = uri("plain.txt");
    s.open(&plain, 1, CONFLATION);
    s.publish(&plain, 1, WAIT);
    let u = file_uri(&w.0.join("essay.txt"));
    s.open(&u, 1, CONFLATION);
    assert!(s.hover(&plain, 0, 5).is_object(), "a hover elsewhere is answered");
    let m = error_message(&mut s, "the glossary error");
    assert!(m.contains("unknown kind") && m.contains("15999 more"), "{m}");
    s.publish(&u, 1, Duration::from_secs(90));
}

/// Row: hovers and code actions waiting on a slow document never hold up
/// a hover on another one.
#[test]
fn requests_on_a_slow_document_do_not_hold_up_others() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let quick = uri("quick.txt");
    s.open(&quick, 1, CONFLATION);
    s.publish(&quick, 1, WAIT);
    let slow = uri("slow.txt");
    s.open(&slow, 1, &"peacekeepers negotiated the accords and ".repeat(12_000));
    let mut waiting = Vec::new();
    for _ in 0..4 {
        waiting.push(s.send_request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": slow}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 5}}, "context": {"diagnostics": []}}),
        ));
        waiting.push(s.send_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": slow}, "position": {"line": 0, "character": 3}}),
        ));
    }
    let id = s.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": quick}, "position": {"line": 0, "character": 5}}),
    );
    s.wait_for("the quick hover", Duration::from_secs(60), |v| {
        v.get("method").is_none() && v["id"] == id
    });
    let code_actions_done = waiting
        .iter()
        .step_by(2)
        .filter(|&&w| s.inbox.iter().any(|v| v["id"] == w))
        .count();
    assert_eq!(code_actions_done, 0, "the quick hover waited for the slow document");
    s.publish(&slow, 1, Duration::from_secs(90));
}

/// Row: keystrokes into a slow document: outdated versions are dropped
/// (never all analysed in turn) and the last one is published.
#[test]
fn outdated_versions_are_dropped() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let u = uri("typing.txt");
    let text = "peacekeepers negotiated the accords and ".repeat(12_000);
    s.open(&u, 1, &text);
    for v in 2..=11 {
        std::thread::sleep(Duration::from_millis(100));
        s.change(&u, v, &format!("{text}{v}"));
    }
    let mut published = Vec::new();
    loop {
        let p = s.wait_for("publishes", Duration::from_secs(120), |v| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == u.as_str()
        });
        published.push(p["params"]["version"].as_i64().unwrap_or(0));
        if published.last() == Some(&11) {
            break;
        }
    }
    assert!(published.len() < 5, "versions analysed in turn: {published:?}");
}

/// Rows: many documents edited at once: threads stay within cores + 8, and
/// closing them gives the memory back.
#[test]
fn many_documents_bounded_threads_and_memory_freed() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let idle = s.status("VmRSS");
    let text = format!("{CONFLATION} Peacekeepers monitor the ceasefire line. ").repeat(200);
    let n = 20;
    let mut peak_threads = 0;
    for d in 0..n {
        s.open(&uri(&format!("many{d}.txt")), 1, &text);
    }
    for v in 2..=5 {
        for d in 0..n {
            s.change(&uri(&format!("many{d}.txt")), v, &format!("{text} {v}"));
        }
        peak_threads = peak_threads.max(s.status("Threads"));
    }
    for d in 0..n {
        s.publish(&uri(&format!("many{d}.txt")), 5, Duration::from_secs(120));
        peak_threads = peak_threads.max(s.status("Threads"));
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    assert!(peak_threads <= cores + 8, "{peak_threads} threads on {cores} cores");
    for d in 0..n {
        s.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(&format!("many{d}.txt"))}}),
        );
    }
    for d in 0..n {
        let u = uri(&format!("many{d}.txt"));
        s.wait_for("the close publish", WAIT, |v| {
            v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == u.as_str()
                && v["params"].get("version").is_none_or(Value::is_null)
        });
    }
    std::thread::sleep(Duration::from_millis(500));
    let after = s.status("VmRSS");
    assert!(
        after < idle + 30 * 1024,
        "RSS {after} KiB after closing everything, {idle} KiB idle"
    );
}

/// Row: a suppression comment shown as code is not a directive, and a rule
/// id written in prose or a table cell is a name, not a use of its terms.
#[test]
fn code_and_rule_ids_are_text() {
    let doc = "UN peacekeepers negotiated the Dayton Accords. Write `<!-- peace-lsp-disable -->` to silence it.\n\n\
               The peacekeeping-as-peacemaking rule flags this.\n\n\
               | rule | what |\n|---|---|\n| terms-as-synonyms | peacekeeping-as-peacemaking |\n";
    let (code, out, err) = run_cli(
        &["check", "--stdin", "--stdin-filename", "essay.md", "--fail-on", "error"],
        Some(doc.as_bytes()),
    );
    assert_eq!(code, Some(0), "{out}{err}");
    let findings: Vec<&str> = out.lines().filter(|l| l.contains("essay.md:")).collect();
    assert_eq!(findings.len(), 1, "{out}");
    assert!(
        findings[0].starts_with("essay.md:1:4: warning[peacekeeping-as-peacemaking]"),
        "{out}"
    );
}

/// Inputs the fuzz targets found: each once panicked in the analysis.
#[test]
fn fuzz_findings_stay_fixed() {
    for (name, text) in [
        ("a.tex", "\n\t\\end{\u{FFFD}"),
        ("a.md", "<B--peacemaking-as-peacekeeping"),
    ] {
        let (code, out, err) = run_cli(&["check", "--stdin", "--stdin-filename", name], Some(text.as_bytes()));
        assert_eq!(code, Some(0), "{name}: {out}{err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}
