#!/usr/bin/env python3
"""The second hardening round's attacks, replayed against a release build on
loopback, printing what each reaches: memory, disk, open files, answers and
latency. Standard library only; every server and socket it starts it stops.

    cargo build --release && python3 benches/attack_figures.py [target/release/parley]
"""

import base64
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

BINARY = sys.argv[1] if len(sys.argv) > 1 else "target/release/parley"
PORT = 20191
PW = "brewfictus-demo"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def du(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def deleted_bytes(pid):
    total = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").endswith("(deleted)"):
                total += os.stat(f"/proc/{pid}/fd/{fd}").st_size
        except OSError:
            pass
    return total


def call(method, path, body=None, headers=None, basic=None):
    headers = dict(headers or {})
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic}:{PW}".encode()).decode()
        headers["X-CSRF"] = "false"
    data = None
    if isinstance(body, dict):
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif body is not None:
        data = body
    req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def multipart(files):
    boundary = "figuresboundary"
    out = b""
    for name, content in files:
        if name == "contents":
            out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"contents\"\r\n\r\n".encode() + content + b"\r\n"
            continue
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"f.bin\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def raw(request, rcvbuf=None):
    s = socket.create_connection(("127.0.0.1", PORT))
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.sendall(request)
    return s


def upgrade(query):
    s = raw((f"GET /api/v1/realtime/websocket?{query}&vsn=1.0.0 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = s.recv(4096)
    return s if b" 101 " in head else None


def send_text(s, text):
    data = text.encode()
    mask = os.urandom(4)
    length = struct.pack("!B", 0x80 | len(data)) if len(data) < 126 else struct.pack("!BH", 0x80 | 126, len(data))
    s.sendall(b"\x81" + length + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


class Drain(threading.Thread):
    """Reads a socket until it closes, counting the bytes."""

    def __init__(self, s):
        super().__init__(daemon=True)
        self.s, self.bytes = s, 0
        self.start()

    def run(self):
        try:
            while chunk := self.s.recv(65536):
                self.bytes += len(chunk)
        except OSError:
            pass


def healthz_ms(until):
    times = []
    while time.time() < until:
        t = time.perf_counter()
        call("GET", "/healthz")
        times.append((time.perf_counter() - t) * 1000)
        time.sleep(0.05)
    return times


def main():
    data = tempfile.mkdtemp(prefix="parley-figures-")
    server = subprocess.Popen(
        [BINARY, "serve", "--demo", "--data-dir", data, "--bind", f"127.0.0.1:{PORT}",
         "--upload-bytes-per-hour", "1048576", "--max-buffered-text-bytes", "10485760"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                if call("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        pid = server.pid
        figures(pid, data)
    finally:
        server.terminate()
        server.wait(10)


def figures(pid, data):
    # 1. Three sockets declaring 300 MiB frames, 8 MiB of each sent.
    before = rss_kib(pid)
    socks = [upgrade(f"fingerprint_id={uuid.uuid4()}") for _ in range(3)]
    closed = 0
    for s in socks:
        s.sendall(struct.pack("!BBQ", 0x81, 0x80 | 127, 300 << 20) + b"\0\0\0\0")
        try:
            for _ in range(8):
                s.sendall(b"a" * (1 << 20))
        except OSError:
            closed += 1
    time.sleep(0.5)
    print(f"1 ws frames: RSS +{(rss_kib(pid) - before) // 1024} MiB; {closed} of 3 sockets closed by the server")
    for s in socks:
        s.close()

    # 2. Ten new fingerprints each uploading 600 KiB against a 1 MiB/h allowance.
    attachments = os.path.join(data, "attachments")
    before, codes = du(attachments), []
    blob = os.urandom(600 * 1024)
    for _ in range(10):
        body, kind = multipart([("content", blob)])
        codes.append(call("POST", "/api/v1/files", body, {"X-Fingerprint-ID": str(uuid.uuid4()), "Content-Type": kind})[0])
    print(f"2 uploads: answers {codes}; attachments +{(du(attachments) - before) // 1024} KiB")

    # 3. Thirty unread download_all responses of a message with 10 files of 512 KiB.
    status, conv = call("POST", "/api/v1/conversations", {"subject": "Zip", "contents": "Hi"}, basic="caryn@atmospherecoffee.com")
    body, kind = multipart([("contents", b"files")] + [("files[]", os.urandom(512 * 1024)) for _ in range(10)])
    cid = conv["data"]["id"]
    # Staff post the files (staff have no upload allowance); the customer downloads them.
    status, msg = call("POST", f"/api/v1/conversations/{cid}/messages", body, {"Content-Type": kind}, basic="simon@brewfictus.com")
    assert status == 201, (status, msg)
    token = base64.b64encode(f"caryn@atmospherecoffee.com:{PW}".encode()).decode()
    socks = [raw(f"GET /api/v1/conversations/{cid}/messages/{msg['data']['id']}/download_all HTTP/1.1\r\nHost: x\r\n"
                 f"Authorization: Basic {token}\r\n\r\n".encode(), rcvbuf=4096) for _ in range(30)]
    time.sleep(3)
    print(f"3 download_all: {deleted_bytes(pid) // 1024} KiB of temporary files held by 30 unread responses; "
          f"{len(os.listdir(f'/proc/{pid}/fd'))} open fds")
    for s in socks:
        s.close()

    # 5. Fifteen 1 MiB bodies, all but their last bytes sent, against a 10 MiB text budget, then an agent's reply.
    socks = []
    for _ in range(15):
        s = raw(b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1048576\r\n\r\n" + b"{\"contents\": \"" + b"a" * (1048576 - 15))
        socks.append(s)
    time.sleep(1)
    agent = call("POST", f"/api/v1/conversations/{cid}/messages", {"contents": "Still answering"}, basic="simon@brewfictus.com")[0]
    start = time.time()
    answers = {}
    for s in socks:
        s.settimeout(max(0.1, 45 - (time.time() - start)))
        try:
            status = s.recv(4096)[9:12].decode() or "closed"
        except OSError:
            status = "no answer"
        answers[status] = answers.get(status, 0) + 1
        s.close()
    print(f"5 slow bodies: agent reply {agent}; the 15 bodies answered {answers}, the last after {time.time() - start + 1:.0f} s")

    # 6. One device, 100 Phoenix sockets, typing toggles for 10 s from every open one.
    fp = str(uuid.uuid4())
    status, conv = call("POST", "/api/v1/conversations", {"subject": "Typing", "contents": "Hi", "name": "T", "email": "t@example.org"},
                        {"X-Fingerprint-ID": fp})
    channel = conv["data"]["realtime_channel"]
    socks = [s for s in (upgrade(f"fingerprint_id={fp}") for _ in range(100)) if s]
    drains = [Drain(s) for s in socks]
    for s in socks:
        send_text(s, json.dumps({"topic": channel, "event": "phx_join", "payload": {}, "ref": "1"}))
    time.sleep(1)
    cpu, until, toggles = cpu_seconds(pid), time.time() + 10, 0
    lat = []
    probe = threading.Thread(target=lambda: lat.extend(healthz_ms(until)))
    probe.start()
    while time.time() < until:
        for s in socks:
            send_text(s, json.dumps({"topic": channel, "event": "update-presence-meta",
                                     "payload": {"is_typing": (toggles // len(socks)) % 2 == 0}, "ref": "x"}))
            toggles += 1
    probe.join()
    used = cpu_seconds(pid) - cpu
    fanned = sum(d.bytes for d in drains)
    print(f"6 typing: {len(socks)} of 100 sockets opened; {toggles} toggles in 10 s used {used:.1f} s of CPU, "
          f"{fanned / 1e6:.1f} MB fanned out; /healthz median {statistics.median(lat):.1f} ms, max {max(lat):.1f} ms")
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
