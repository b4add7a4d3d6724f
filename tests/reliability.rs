//! The reliability suite (issue 10): each situation a hostile or unlucky
//! client can create, over stdio against the built binary. Every wait is
//! bounded by a generous safety timeout; no test asserts a tight timing.
#![cfg(unix)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_peace-lsp");
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
        let mut child = Command::new(BIN)
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
        let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": serde_json::from_str::<Value>(WATCHING_CLIENT).unwrap()["capabilities"]}});
        let mut bytes = frame(init.to_string().as_bytes());
        bytes.extend(frame(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#));
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
    let mut s = Server::start();
    s.initialize(json!({}));
    unsafe {
        libc::kill(s.pid(), libc::SIGTERM);
    }
    assert_eq!(s.exit_code(Duration::from_secs(10)), 0);
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
    let text = format!("{CONFLATION} ").repeat(400);
    s.open(&u, 1, &text);
    s.publish(&u, 1, WAIT);
    let rss_before = s.status("VmRSS");
    s.gate.set(true);
    for v in 2..=401 {
        s.change(&u, v, &format!("{text}{v}"));
    }
    std::thread::sleep(Duration::from_millis(500));
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
    assert_eq!(last["params"]["diagnostics"].as_array().map(Vec::len), Some(400));
    assert!(
        publishes < 100,
        "{publishes} publishes for 400 edits: none was replaced"
    );
    assert!(
        grew < 64 * 1024,
        "memory grew by {grew} KiB while the client did not read"
    );
}
