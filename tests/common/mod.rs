//! Shared by the tests of word-processor input and of `report`: running the
//! binary with a bounded wait, temporary folders, and a zip bomb.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_peace-lsp");

pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

/// Run the binary in `dir` with `input` on stdin; kill it and fail after
/// `limit`.
pub fn run_in(dir: &Path, args: &[&str], input: Option<&[u8]>, limit: Duration) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"));
    let feeder = child.stdin.take().map(|mut stdin| {
        let input = input.unwrap_or_default().to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })
    });
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("peace-lsp {args:?} did not exit within {limit:?}; killed it");
            }
        }
    };
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Output {
        status,
        stdout: String::from_utf8(out.join().unwrap()).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

/// A temporary folder, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("peace-lsp-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    /// Write a file (and its folders).
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &TempDir {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(&self.0, args, None, Duration::from_secs(60))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A zip whose entry `name` expands to `size` bytes of zeros (declaring
/// `declared`, which may lie) while the archive stays small: a deflate stream of the same
/// compressed block repeated, and the CRC computed without the data.
pub fn zip_bomb(name: &str, size: u64, declared: u64, others: &[(&str, &[u8])]) -> Vec<u8> {
    use flate2::write::DeflateEncoder;
    use flate2::Compression;
    use std::io::Write;
    const CHUNK: u64 = 1 << 20;
    assert!(
        size.is_multiple_of(CHUNK) && size < u32::MAX as u64,
        "size: a multiple of 1 MiB below 4 GiB"
    );
    // One MiB of zeros as a sequence of non-final blocks ending on a byte
    // boundary (a sync flush), which can be repeated: it refers to nothing
    // before itself.
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(&vec![0u8; CHUNK as usize]).expect("deflate");
    enc.flush().expect("deflate flush");
    let chunk = enc.get_ref().clone();
    let mut data = Vec::with_capacity(chunk.len() * (size / CHUNK) as usize + 2);
    for _ in 0..size / CHUNK {
        data.extend_from_slice(&chunk);
    }
    // An empty final block with fixed Huffman codes.
    data.extend_from_slice(&[0x03, 0x00]);
    let mut one = crc32fast::Hasher::new();
    one.update(&vec![0u8; CHUNK as usize]);
    let mut crc = crc32fast::Hasher::new();
    for _ in 0..size / CHUNK {
        crc.combine(&one);
    }
    let crc = crc.finalize();

    // Write the archive by hand: the other entries stored, then the bomb.
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mut count = 0u16;
    let mut add = |out: &mut Vec<u8>, name: &str, method: u16, crc: u32, csize: u32, usize_: u32, data: &[u8]| {
        let offset = out.len() as u32;
        let mut local = Vec::new();
        local.extend_from_slice(&0x04034b50u32.to_le_bytes());
        local.extend_from_slice(&20u16.to_le_bytes()); // version needed
        local.extend_from_slice(&0u16.to_le_bytes()); // flags
        local.extend_from_slice(&method.to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes()); // time
        local.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
        local.extend_from_slice(&crc.to_le_bytes());
        local.extend_from_slice(&csize.to_le_bytes());
        local.extend_from_slice(&usize_.to_le_bytes());
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes()); // extra length
        local.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&local);
        out.extend_from_slice(data);
        central.extend_from_slice(&0x02014b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        central.extend_from_slice(&local[4..30]);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
        count += 1;
    };
    for (n, d) in others {
        let c = crc32fast::hash(d);
        add(&mut out, n, 0, c, d.len() as u32, d.len() as u32, d);
    }
    add(&mut out, name, 8, crc, data.len() as u32, declared as u32, &data);
    let cd_offset = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x06054b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}
