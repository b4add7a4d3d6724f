#!/usr/bin/env python3
"""Load on the language server over stdio: open DOCS documents of SIZE bytes,
send EDITS quick full-text edits to each, wait until every last version is
published, close everything. Samples /proc/PID/status (VmRSS, Threads) every
50 ms and prints idle RSS, peak RSS, peak threads, RSS after closing all, and
the time from the last edit to the last publish.

Usage: bench/lsp-load.py [DOCS] [SIZE] [EDITS] [BINARY]
  e.g. bench/lsp-load.py 100 45000 20    and    bench/lsp-load.py 40 1000000 5
"""
import json
import os
import subprocess
import sys
import threading
import time

docs = int(sys.argv[1]) if len(sys.argv) > 1 else 100
size = int(sys.argv[2]) if len(sys.argv) > 2 else 45_000
edits = int(sys.argv[3]) if len(sys.argv) > 3 else 20
binary = sys.argv[4] if len(sys.argv) > 4 else "target/release/peace-lsp"

here = os.path.dirname(os.path.abspath(__file__))
essay = open(os.path.join(here, "..", "examples", "essay.md")).read().split("\n---\n")[-1]
clean = open(os.path.join(here, "..", "examples", "clean.txt")).read()
unit = essay + "\n\n" + clean + "\n\n"
text = (unit * (size // len(unit) + 1))[:size]

proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
lock = threading.Lock()
published = {}  # uri -> last version published
responses = {}
done = threading.Event()


def reader():
    out = proc.stdout
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
        msg = json.loads(out.read(length))
        with lock:
            if msg.get("method") == "textDocument/publishDiagnostics":
                p = msg["params"]
                published[p["uri"]] = p.get("version")
            elif "id" in msg and "method" not in msg:
                responses[msg["id"]] = msg
            elif "id" in msg:  # a server request: answer null
                send({"jsonrpc": "2.0", "id": msg["id"], "result": None})


def send(msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def status():
    fields = {}
    with open(f"/proc/{proc.pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "Threads"):
                fields[k] = int(v.split()[0])
    return fields


peak = {"VmRSS": 0, "Threads": 0}


def sampler():
    while not done.is_set():
        try:
            s = status()
        except OSError:
            return
        for k in peak:
            peak[k] = max(peak[k], s.get(k, 0))
        time.sleep(0.05)


def wait(pred, limit=1200):
    end = time.time() + limit
    while time.time() < end:
        with lock:
            if pred():
                return True
        time.sleep(0.01)
    raise SystemExit("timed out")


threading.Thread(target=reader, daemon=True).start()
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}})
wait(lambda: 1 in responses)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
time.sleep(0.5)
cold = status()["VmRSS"]
# Idle means after the built-in database is loaded: one small document
# analysed and closed.
warm = "file:///load/warm.md"
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": warm, "languageId": "markdown", "version": 1, "text": unit[:2000]}}})
wait(lambda: published.get(warm) == 1)
send({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": warm}}})
wait(lambda: warm in published and published[warm] is None)
time.sleep(1.0)
idle = status()["VmRSS"]
threading.Thread(target=sampler, daemon=True).start()
uris = [f"file:///load/doc{i}.md" for i in range(docs)]
start = time.time()
for u in uris:
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": u, "languageId": "markdown", "version": 1, "text": text}}})
for v in range(2, edits + 2):
    for u in uris:
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": u, "version": v}, "contentChanges": [{"text": text + f" edit {v}"}]}})
last_edit = time.time()
# A hover on another document while the others are busy.
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": "file:///load/quick.md", "languageId": "markdown", "version": 1,
                                  "text": "UN peacekeeping began in 1948."}}})
t = time.time()
send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
      "params": {"textDocument": {"uri": "file:///load/quick.md"}, "position": {"line": 0, "character": 5}}})
wait(lambda: 2 in responses)
hover = time.time() - t
wait(lambda: all(published.get(u) == edits + 1 for u in uris))
settled = time.time() - last_edit
time.sleep(0.5)
held = status()["VmRSS"]
for u in uris + ["file:///load/quick.md"]:
    send({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": u}}})
wait(lambda: all(published.get(u, 0) is None for u in uris))
time.sleep(1.0)
after = status()["VmRSS"]
done.set()
send({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
wait(lambda: 3 in responses)
send({"jsonrpc": "2.0", "method": "exit"})
code = proc.wait(timeout=10)
print(f"{docs} docs x {size} B x {edits} edits: idle {cold / 1024:.0f} MiB before any analysis, {idle / 1024:.0f} MiB after one, peak {peak['VmRSS'] / 1024:.0f} MiB, "
      f"{held / 1024:.0f} MiB with all analysed, {peak['Threads']} threads at most, {after / 1024:.0f} MiB after closing all; "
      f"hover elsewhere {hover * 1000:.0f} ms; last publish {settled:.1f} s after the last edit "
      f"({time.time() - start:.1f} s in all); exit {code}")
