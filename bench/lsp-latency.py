#!/usr/bin/env python3
"""Latency of the language server as an editor sees it, against its peers.

Drives each server over stdio like an editor: initialize, open a generated
Markdown essay, then type one character per `didChange` in the middle of a
paragraph and wait for the diagnostics of each new version. Reports, per
document size and server, open -> first diagnostics, edit -> diagnostics p50
and p95, and peak RSS (VmHWM). Servers alternate within each round, so a
busy machine slows them alike; the ratios at the end are peace-lsp's
against each peer's in the same run.

Peers are used when found: `typos-lsp` and `harper-ls` on PATH or in
`--peers DIR/bin` (install them there with
`cargo install --locked --root DIR typos-lsp@0.1.57 harper-ls@3.0.0`).
harper-ls is slow on large documents; it runs up to `--harper-max` bytes.

Usage: bench/lsp-latency.py [--binary target/release/peace-lsp]
         [--peers DIR] [--sizes 10000,100000,1000000] [--rounds 3]
         [--edits 20] [--harper-max 100000]
Not run by CI: it measures, it does not pass or fail.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def essay(size):
    """The generated essay of the criterion bench, cut at a paragraph."""
    body = open(os.path.join(ROOT, "examples", "essay.md")).read().split("\n---\n")[-1]
    clean = open(os.path.join(ROOT, "examples", "clean.txt")).read()
    out, i = ["---\ntitle: benchmark\n---\n"], 0
    while sum(map(len, out)) < size + 5000:
        i += 1
        out.append(f"\n## Part {i}\n\n{body}\n\n{clean}\n")
    text = "".join(out)
    cut = text.rfind("\n\n", 0, size)
    return text[: cut + 1] if cut > 0 else text[:size]


class Server:
    def __init__(self, name, argv):
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=(None if os.environ.get("LSP_LATENCY_STDERR") else subprocess.DEVNULL))
        self.cond = threading.Condition()
        self.responses = {}
        self.published = []  # (time, uri, version)
        self.next_id = 0
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.partition(b":")
                if k.lower() == b"content-length":
                    length = int(v)
            body = out.read(length)
            at = time.perf_counter()  # the whole message is in
            msg = json.loads(body)
            with self.cond:
                if msg.get("method") == "textDocument/publishDiagnostics":
                    p = msg["params"]
                    self.published.append((at, p["uri"], p.get("version")))
                elif "id" in msg and "method" not in msg:
                    self.responses[msg["id"]] = msg
                elif "id" in msg:  # a request from the server: answer null
                    self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
                self.cond.notify_all()

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method, params, timeout=120):
        self.next_id += 1
        i = self.next_id
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        with self.cond:
            self.cond.wait_for(lambda: i in self.responses, timeout)
            return self.responses.get(i)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_publish(self, uri, since, version, timeout=120):
        """Time of the first publish for `uri` after index `since` with
        `version` (or any, for a server that does not send versions)."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                for at, u, v in self.published[since:]:
                    if u == uri and (v is None or version is None or v == version):
                        return at
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def peak_rss_mib(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def close(self):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def session(name, argv, text, edits, workdir):
    """One server, one document: open, then `edits` one-character edits."""
    s = Server(name, argv)
    uri = "file://" + os.path.join(workdir, "essay.md")
    caps = {
        "textDocument": {
            "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
            "synchronization": {"didSave": False},
        },
        "general": {"positionEncodings": ["utf-16"]},
        # As VS Code and Neovim: configuration files are watched for the server.
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
    }
    init = s.request(
        "initialize",
        {"processId": os.getpid(), "rootUri": "file://" + workdir, "capabilities": caps, "workspaceFolders": None},
    )
    sync = (init or {}).get("result", {}).get("capabilities", {}).get("textDocumentSync", 1)
    change_kind = sync.get("change", 1) if isinstance(sync, dict) else sync
    s.notify("initialized", {})
    since = len(s.published)
    t0 = time.perf_counter()
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    at = s.wait_publish(uri, since, 1)
    open_ms = (at - t0) * 1000 if at else float("nan")
    # Type in the middle of a paragraph: after a word near the middle.
    lines = text.split("\n")
    mid = len(lines) // 2
    while mid < len(lines) and not (lines[mid][:1].isalpha() and len(lines[mid]) > 40):
        mid += 1
    line = lines[mid] if mid < len(lines) else ""
    col = line.find(" ", len(line) // 2)
    col = col if col > 0 else 0
    typed = "peacekeepers negotiated "
    latencies = []
    doc_lines = lines[:]
    for k in range(edits):
        ch = typed[k % len(typed)]
        version = k + 2
        if change_kind == 2:
            change = {
                "range": {"start": {"line": mid, "character": col + k}, "end": {"line": mid, "character": col + k}},
                "text": ch,
            }
        else:
            l = doc_lines[mid]
            doc_lines[mid] = l[: col + k] + ch + l[col + k :]
            change = {"text": "\n".join(doc_lines)}
        if change_kind == 2:
            l = doc_lines[mid]
            doc_lines[mid] = l[: col + k] + ch + l[col + k :]
        since = len(s.published)
        t0 = time.perf_counter()
        s.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        at = s.wait_publish(uri, since, version)
        if at is None:
            break
        latencies.append((at - t0) * 1000)
    rss = s.peak_rss_mib()
    s.close()
    return open_ms, latencies, rss


def find(name, peers):
    if peers:
        p = os.path.join(peers, "bin", name)
        if os.access(p, os.X_OK):
            return p
    return shutil.which(name)


def pct(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "peace-lsp"))
    ap.add_argument("--peers", default=None)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--harper-max", type=int, default=100_000)
    ap.add_argument("--baseline", default=None,
                    help="another peace-lsp build (of main, say) run in the same rounds, alternating")
    a = ap.parse_args()
    servers = [("peace-lsp", [a.binary])]
    if a.baseline:
        servers.append(("baseline", [a.baseline]))
    typos = find("typos-lsp", a.peers)
    harper = find("harper-ls", a.peers)
    if typos:
        servers.append(("typos-lsp", [typos]))
    if harper:
        servers.append(("harper-ls", [harper, "--stdio"]))
    workdir = os.path.abspath(os.path.join(ROOT, "target", "lsp-latency"))
    os.makedirs(workdir, exist_ok=True)
    rows = {}
    for size in [int(x) for x in a.sizes.split(",")]:
        text = essay(size)
        for r in range(a.rounds):
            order = servers[r % len(servers) :] + servers[: r % len(servers)]
            for name, argv in order:
                if name == "harper-ls" and size > a.harper_max:
                    continue
                open_ms, lat, rss = session(name, argv, text, a.edits, workdir)
                row = rows.setdefault((size, name), {"open": [], "lat": [], "rss": []})
                row["open"].append(open_ms)
                row["lat"].extend(lat)
                row["rss"].append(rss)
                print(f"  {size:>8} B  {name:<10} round {r + 1}: open {open_ms:8.1f} ms, "
                      f"edit p50 {pct(lat, 0.5):8.2f} ms ({len(lat)} edits)", file=sys.stderr)
    print("| document | server | open -> first diagnostics (median) | edit -> diagnostics p50 | p95 | peak RSS |")
    print("|---|---|---|---|---|---|")
    for (size, name), row in rows.items():
        print(f"| {size / 1000:g} KB | {name} | {statistics.median(row['open']):.1f} ms | "
              f"{pct(row['lat'], 0.5):.2f} ms | {pct(row['lat'], 0.95):.2f} ms | {max(row['rss']):.0f} MiB |")
    print()
    for (size, name), row in rows.items():
        if name == "peace-lsp":
            continue
        ours = rows.get((size, "peace-lsp"))
        if not ours:
            continue
        ratio = pct(row["lat"], 0.5) / pct(ours["lat"], 0.5)
        print(f"{size / 1000:g} KB: peace-lsp edit p50 is {ratio:.1f}x faster than {name}'s")
        if name == "baseline":
            ratio = statistics.median(row["open"]) / statistics.median(ours["open"])
            print(f"{size / 1000:g} KB: peace-lsp open is {ratio:.2f}x faster than the baseline's")


if __name__ == "__main__":
    main()
