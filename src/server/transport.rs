//! Framing between the client and tower-lsp-server.
//!
//! tower-lsp-server stops reading after a frame whose body it cannot decode
//! (its framed reader ends on the first error), so one bad frame would cost
//! the user their server. We read the client's frames ourselves, answer a
//! body that is not JSON with `-32700 Parse error` and a JSON value that is
//! not a JSON-RPC message with `-32600 Invalid Request`, and pass only valid
//! frames on. Output from the framework and our own error responses are
//! written whole, frame by frame, by one writer task.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::UnboundedSender;

/// Largest body accepted (the server also has a document size guard).
const MAX_FRAME: usize = 256 * 1024 * 1024;

pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let v = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    frame(v.to_string().as_bytes())
}

/// Read one frame's body; `Ok(None)` at end of input. A header without a
/// usable Content-Length yields `Err(message)` and the reader resynchronises
/// at the next header block.
async fn read_frame<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> std::io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        if r.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !saw_header {
                continue; // stray blank line between frames
            }
            break;
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                match value.trim().parse::<usize>() {
                    Ok(n) if n <= MAX_FRAME => length = Some(n),
                    _ => bad_header = Some(format!("bad Content-Length: {}", value.trim())),
                }
            }
        } else {
            bad_header = Some(format!("malformed header line: {text}"));
        }
    }
    match (length, bad_header) {
        (Some(n), None) => {
            let mut body = vec![0; n];
            r.read_exact(&mut body).await?;
            Ok(Some(Ok(body)))
        }
        (_, Some(e)) => Ok(Some(Err(e))),
        (None, None) => Ok(Some(Err("missing Content-Length header".into()))),
    }
}

/// Whether a JSON value is a JSON-RPC 2.0 request, notification or response.
fn is_message(v: &Value) -> bool {
    let Some(o) = v.as_object() else { return false };
    if o.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return false;
    }
    let id_ok = o
        .get("id")
        .is_none_or(|id| id.is_null() || id.is_string() || id.is_i64() || id.is_u64());
    let params_ok = o
        .get("params")
        .is_none_or(|p| p.is_object() || p.is_array() || p.is_null());
    match o.get("method") {
        Some(m) => m.is_string() && id_ok && params_ok,
        None => o.contains_key("id") && (o.contains_key("result") || o.contains_key("error")),
    }
}

/// Copy valid frames from the client to the framework; answer bad ones.
pub async fn filter_input<R, W>(input: R, mut to_framework: W, replies: UnboundedSender<Vec<u8>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    loop {
        let body = match read_frame(&mut reader).await {
            Ok(None) => break,
            Err(e) => {
                tracing::error!("reading input: {e}");
                break;
            }
            Ok(Some(Err(header_error))) => {
                tracing::warn!("{header_error}");
                let _ = replies.send(error_frame(
                    Value::Null,
                    -32700,
                    &format!("Parse error: {header_error}"),
                ));
                continue;
            }
            Ok(Some(Ok(body))) => body,
        };
        match serde_json::from_slice::<Value>(&body) {
            Err(e) => {
                tracing::warn!("unparseable frame: {e}");
                let _ = replies.send(error_frame(Value::Null, -32700, &format!("Parse error: {e}")));
            }
            Ok(v) if !is_message(&v) => {
                let id = v
                    .get("id")
                    .cloned()
                    .filter(|i| i.is_string() || i.is_number())
                    .unwrap_or(Value::Null);
                tracing::warn!("invalid JSON-RPC message");
                let _ = replies.send(error_frame(id, -32600, "Invalid Request: not a JSON-RPC 2.0 message"));
            }
            Ok(_) => {
                if to_framework.write_all(&frame(&body)).await.is_err() || to_framework.flush().await.is_err() {
                    break; // the framework has stopped (after exit)
                }
            }
        }
    }
}

/// Forward whole frames from the framework's output to the writer.
pub async fn forward_output<R: AsyncRead + Unpin>(from_framework: R, out: UnboundedSender<Vec<u8>>) {
    let mut reader = BufReader::new(from_framework);
    while let Ok(Some(Ok(body))) = read_frame(&mut reader).await {
        if out.send(frame(&body)).is_err() {
            break;
        }
    }
}

/// Write frames to the client in the order they arrive.
pub async fn write_frames<W: AsyncWrite + Unpin>(mut rx: tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>, mut out: W) {
    while let Some(f) = rx.recv().await {
        if out.write_all(&f).await.is_err() || out.flush().await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_messages() {
        assert!(is_message(
            &json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})
        ));
        assert!(is_message(&json!({"jsonrpc":"2.0","method":"initialized"})));
        assert!(is_message(&json!({"jsonrpc":"2.0","id":"a","result":null})));
        assert!(!is_message(&json!({"jsonrpc":"2.0","id":1})));
        assert!(!is_message(&json!({"id":1,"method":"x"})));
        assert!(!is_message(&json!([1, 2])));
        assert!(!is_message(&json!({"jsonrpc":"2.0","method":5})));
        assert!(!is_message(&json!({"jsonrpc":"2.0","id":{},"method":"x"})));
    }

    #[tokio::test]
    async fn reads_frames_and_reports_bad_headers() {
        let data = b"Content-Length: 2\r\n\r\n{}Content-Length: x\r\n\r\nContent-Length: 1\r\n\r\n1".to_vec();
        let mut r = BufReader::new(&data[..]);
        assert_eq!(read_frame(&mut r).await.unwrap().unwrap().unwrap(), b"{}");
        assert!(read_frame(&mut r).await.unwrap().unwrap().is_err());
        assert_eq!(read_frame(&mut r).await.unwrap().unwrap().unwrap(), b"1");
        assert!(read_frame(&mut r).await.unwrap().is_none());
    }
}
