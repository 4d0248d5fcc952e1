#!/usr/bin/env python3
"""A loopback HTTP peer for VideoProviderKit's real-socket tests (python3 standard library only).

It plays three hosts at once, so tests can prove what reached where:

  api   http://127.0.0.1:<port>   the gateway (a minimal kyyReactApiServer under any path prefix)
  api2  http://127.0.0.1:<port>   a second gateway, for fallback tests
  cdn   http://127.0.0.2:<port>   "another host" serving videos (127.0.0.1 on another port when
                                  127.0.0.2 cannot be bound; still another origin)
  proxy http://127.0.0.1:<port>   a forward proxy: it answers absolute-form requests
                                  (`GET http://host/path`) itself, as if it were that host, and logs
                                  them with the absolute URL as their path

plus a closed port (bound, never listening: connections are refused), and a "not TLS" port on 127.0.0.1
that answers whatever arrives with a plain-text HTTP 400 and closes: an https client's TLS handshake
fails there before any byte of its request is written.

When ready it prints one JSON line on stdout:
  {"api": URL, "api2": URL, "cdn": URL, "proxy": URL, "closedPort": N, "notTLSPort": N, "pid": N}
and exits when its stdin closes, or on SIGTERM/SIGINT.

Behaviours (any host; `path` below is the URL path, query parameters after `?`):
  ANY  /echo...                     answers JSON: server, method, path, headers, bodyLength, bodySha256,
                                    bodyBase64 (bodies up to 1 MiB), transferEncoding. Bodies are read
                                    in 1 MiB pieces into a hash: uploads of any size are fine.
  GET  /bytes?n=N&seed=S&type=T     N bytes of a deterministic pattern (1 MiB blocks of SHA-256 counter
                                    output keyed by S, each block starting with its 8-byte index),
                                    streamed with a Content-Length; `T` is the Content-Type.
  GET  /zeros?n=N                   N zero bytes with a Content-Length, sent from one cached block
                                    without copying (the fastest this peer serves, for benchmarks).
  GET  /videos/<name>               `videoBytes` (see /__config) of the pattern with seed "video",
                                    as video/mp4.
  GET  /redirect?to=URL&status=302  a redirect to URL (relative or absolute, any scheme).
  GET  /redirect-loop?hop=K         a redirect to /redirect-loop?hop=K+1, forever.
  GET  /drip?n=N&everyMs=M&type=T   headers promising N bytes (Content-Type T, default video/mp4), then one
                                    byte every M ms (default 1000) until N are sent or the client leaves:
                                    an answer that never goes silent long enough to trip an idle timeout.
  POST <prefix>/v1/grok/videos      kyyReactApiServer submit: needs `Authorization: Bearer ...` and a JSON
                                    object body; creates a task and answers {id, object, created, model,
                                    status: "queued", error: null}.
  GET  <prefix>/v1/result/<id>      kyyReactApiServer status: "processing" for the first `pollsBeforeDone`
                                    polls, then "completed" with video_url = `videoURL` or
                                    <cdn>/videos/<id>.mp4. Unknown ids: 404.

Control (not logged):
  GET  /__log                       {"requests": [entry...], "tasksCreated": N}; an entry has seq, server,
                                    method, path, headers ([[name, value]...] as received), bodyLength,
                                    bodySha256, transferEncoding, outcome, and createdTask for submissions.
  POST /__script                    {"path": P, "method": M?, "server": S?, "responses": [action...]}:
                                    the next requests whose path starts with P (and method/server match)
                                    each take the next action, in order; then normal behaviour resumes.
                                    An action is a canned answer {"status", "headers"?, "contentType"?,
                                    "body"? or "bodyBase64"?}, or {"fault": F} with F one of the faults
                                    below. With "createTask": true on a kyy submit, the task is created
                                    first (the vendor took the money) and then the action answers.
                                    "delayMs" delays any action. With "echoKey": true, every "{{key}}" in
                                    the body becomes the request's bearer token and "{{task}}" the task
                                    the action created (a hostile server quoting the key back).
                                    Faults:
                                      reset          read the request, then RST with no answer at all
                                      reset-headers  read the request, send half a status/header block, RST
                                      reset-body     send headers with Content-Length `declaredLength`
                                                     (default 65536), `sendBytes` (default 1024) body
                                                     bytes, then RST
                                      close          read the request, then close cleanly with no answer
                                      stall          read the request, never answer (until the client
                                                     closes, the peer stops, or `seconds` pass)
                                      drip           answer `status` (200) with Content-Length
                                                     `declaredLength` (65536), then one byte every
                                                     `everyMs` (1000) until the client leaves or
                                                     `seconds` (120) pass
                                    Hostile answers (the outcome logged says how many body bytes went out):
                                      {"stream": N|null, "framing": "length"|"chunked"|"close",
                                       "declaredLength": N?, "status": S?}
                                                     N zero bytes (null: without end, until the client
                                                     closes), framed by Content-Length (the declared
                                                     length defaults to N, or 2^40 without end), chunked
                                                     encoding, or the connection's close
                                      {"gzipBomb": N, "status": S?, "framing": "chunked"?}
                                                     a gzip body (Content-Encoding: gzip, with its
                                                     Content-Length, or chunked) that inflates to N zero
                                                     bytes; about N/1000 bytes on the wire
                                      {"headerFlood": true}
                                                     a status line, then header lines without end
                                    A canned answer with "gzip": true is sent gzip-compressed.
  POST /__config                    {"videoBytes": N, "pollsBeforeDone": K, "videoURL": URL|null}
  GET  /__filehash?path=P           {"size", "sha256"} of a local file (so tests need no SHA-256 of
                                    their own), or 404
  GET  /__pattern?n=N&seed=S        {"size", "sha256"} of the pattern /bytes would serve
"""

import base64
import hashlib
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 1 << 20
KEEP_BODY = 1 << 20
LOG_BODY = 64 << 10
VERBOSE = bool(os.environ.get("LOOPBACK_PEER_VERBOSE"))


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.log = []
        self.rules = []
        self.tasks = {}
        self.tasks_created = 0
        self.config = {"videoBytes": 1 << 20, "pollsBeforeDone": 1, "videoURL": None}
        self.urls = {}
        self.stop = threading.Event()
        self.blocks = {}

    def take_action(self, server, method, path):
        with self.lock:
            for rule in self.rules:
                if not path.startswith(rule["path"]):
                    continue
                if rule.get("method") and rule["method"].upper() != method:
                    continue
                if rule.get("server") and rule["server"] != server:
                    continue
                action = rule["responses"].pop(0)
                if not rule["responses"]:
                    self.rules.remove(rule)
                return action
        return None

    def block(self, seed):
        with self.lock:
            cached = self.blocks.get(seed)
        if cached is not None:
            return cached
        out = bytearray()
        key = seed.encode()
        counter = 0
        while len(out) < CHUNK:
            out += hashlib.sha256(key + counter.to_bytes(8, "big")).digest()
            counter += 1
        block = bytes(out[:CHUNK])
        with self.lock:
            self.blocks[seed] = block
        return block


STATE = State()
ZEROS = bytes(4 << 20)


def pattern_pieces(n, seed):
    block = STATE.block(seed)
    index = 0
    sent = 0
    while sent < n:
        piece = index.to_bytes(8, "big") + block[8:]
        take = min(CHUNK, n - sent)
        yield piece if take == CHUNK else piece[:take]
        sent += take
        index += 1


def gzip_bomb(inflated):
    """A gzip member that inflates to `inflated` zero bytes (a multiple of 1 MiB), about a thousandth of
    that on the wire: one deflated 1 MiB block, repeated (after a full flush each block encodes alike),
    with the real CRC-32 and length."""
    with STATE.lock:
        cached = STATE.blocks.get(("bomb", inflated))
    if cached is not None:
        return cached
    block = bytes(CHUNK)
    count = max(1, inflated // CHUNK)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    unit = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    body = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + first + unit * (count - 1) + final
            + struct.pack("<II", crc & 0xFFFFFFFF, (count * CHUNK) & 0xFFFFFFFF))
    with STATE.lock:
        STATE.blocks[("bomb", inflated)] = body
    return body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LoopbackPeer/1"

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm holds the second
        # until the client's delayed ACK, and every small answer takes tens of milliseconds.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):
        if VERBOSE:
            sys.stderr.write("[%s] %s\n" % (self.server.name, format % args))

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    # MARK: plumbing

    def dispatch(self):
        try:
            self.route()
        except (ConnectionError, OSError, ValueError) as error:
            if VERBOSE:
                sys.stderr.write("[%s] connection ended: %r\n" % (self.server.name, error))
            self.close_connection = True

    def read_body(self, entry):
        digest = hashlib.sha256()
        kept = bytearray()
        total = 0

        def feed(data):
            nonlocal total
            digest.update(data)
            total += len(data)
            if total <= KEEP_BODY:
                kept.extend(data)

        def feed_exactly(remaining):
            while remaining:
                data = self.rfile.read(min(remaining, CHUNK))
                if not data:
                    raise ConnectionError("body ended early")
                feed(data)
                remaining -= len(data)

        encoding = self.headers.get("Transfer-Encoding", "")
        if "chunked" in encoding.lower():
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise ConnectionError("body ended early")
                size = int(line.split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                feed_exactly(size)
                self.rfile.readline()
        else:
            feed_exactly(int(self.headers.get("Content-Length") or 0))
        body = bytes(kept) if total <= KEEP_BODY else None
        with STATE.lock:
            entry["bodyLength"] = total
            entry["bodySha256"] = digest.hexdigest()
            if body is not None and total <= LOG_BODY:
                entry["bodyBase64"] = base64.b64encode(body).decode()
        return body

    def answer(self, status, body=b"", content_type="application/json", headers=None, entry=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
        if entry is not None:
            self.outcome(entry, "answered %d" % status)

    def answer_json(self, status, value, entry=None, headers=None):
        self.answer(status, json.dumps(value).encode(), headers=headers, entry=entry)

    def outcome(self, entry, text):
        with STATE.lock:
            entry["outcome"] = text

    def reset(self):
        """Ends the connection with a TCP RST (SO_LINGER 0), as a crashing proxy would."""
        self.close_connection = True
        connection = self.connection
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        os.close(connection.detach())

    # MARK: routing

    def route(self):
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path
        query = {key: values[-1] for key, values in urllib.parse.parse_qs(parsed.query).items()}
        if path.startswith("/__"):
            return self.control(path, query)
        entry = {
            "server": self.server.name,
            "method": self.command,
            "path": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "transferEncoding": self.headers.get("Transfer-Encoding"),
            "outcome": "receiving",
        }
        with STATE.lock:
            entry["seq"] = len(STATE.log)
            STATE.log.append(entry)
        body = self.read_body(entry)
        action = STATE.take_action(self.server.name, self.command, path)
        if action is not None:
            created = None
            if action.get("createTask") and path.endswith("/v1/grok/videos"):
                # The vendor created (and may bill) the task before the answer went wrong.
                created, _ = self.create_task(body, entry)
            return self.scripted(action, entry, created)
        if path == "/echo" or path.startswith("/echo/"):
            echo = {key: entry.get(key) for key in ("server", "method", "path", "headers", "transferEncoding")}
            echo["bodyLength"] = entry["bodyLength"]
            echo["bodySha256"] = entry["bodySha256"]
            if body is not None:
                echo["bodyBase64"] = base64.b64encode(body).decode()
            return self.answer_json(200, echo, entry)
        if path == "/bytes" and self.command == "GET":
            return self.pattern(int(query.get("n", "0")), query.get("seed", "bytes"),
                                query.get("type", "application/octet-stream"), entry)
        if path == "/zeros" and self.command == "GET":
            return self.zeros(int(query.get("n", "0")), entry)
        if path.startswith("/videos/") and self.command == "GET":
            with STATE.lock:
                size = STATE.config["videoBytes"]
            return self.pattern(size, "video", "video/mp4", entry)
        if path == "/redirect":
            return self.answer(int(query.get("status", "302")), b"", None, {"Location": query.get("to", "/")}, entry)
        if path == "/drip" and self.command == "GET":
            return self.drip(200, int(query.get("n", "1048576")), int(query.get("everyMs", "1000")),
                             query.get("type", "video/mp4"), 3600, entry)
        if path == "/redirect-loop":
            hop = int(query.get("hop", "0")) + 1
            return self.answer(302, b"", None, {"Location": "/redirect-loop?hop=%d" % hop}, entry)
        if path.endswith("/v1/grok/videos") and self.command == "POST":
            return self.kyy_submit(body, entry)
        if "/v1/result/" in path and self.command == "GET":
            task_id = urllib.parse.unquote(path.rsplit("/v1/result/", 1)[1])
            return self.kyy_status(task_id, entry)
        return self.answer_json(404, {"code": 404, "message": "no route for %s %s" % (self.command, path)}, entry)

    def pattern(self, size, seed, content_type, entry):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        for piece in pattern_pieces(size, seed):
            self.wfile.write(piece)
        self.outcome(entry, "answered 200 (%d bytes)" % size)

    def zeros(self, size, entry):
        """`size` zero bytes from one cached block, sent without copying: as fast as python can put bytes
        on a socket, so a benchmark measures the client rather than this peer."""
        view = memoryview(ZEROS)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.wfile.flush()
        sent = 0
        while sent < size:
            take = min(len(ZEROS), size - sent)
            self.connection.sendall(view[:take])
            sent += take
        self.outcome(entry, "answered 200 (%d bytes)" % size)

    def drip(self, status, declared, every_ms, content_type, seconds, entry):
        """Headers promising `declared` bytes, then one byte per `every_ms` until done or abandoned."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        self.wfile.flush()
        deadline = time.monotonic() + seconds
        sent = 0
        self.outcome(entry, "dripping")
        try:
            while sent < declared and not STATE.stop.is_set() and time.monotonic() < deadline:
                self.wfile.write(b" " if content_type.startswith("application/json") else b"\x00")
                self.wfile.flush()
                sent += 1
                if STATE.stop.wait(every_ms / 1000.0):
                    break
        finally:
            self.outcome(entry, "dripped %d bytes" % sent)
            self.close_connection = True

    def scripted(self, action, entry, created=None):
        fault = action.get("fault")
        if action.get("delayMs"):
            time.sleep(float(action["delayMs"]) / 1000)
        if "stream" in action:
            return self.stream(action, entry)
        if "gzipBomb" in action:
            data = gzip_bomb(int(action["gzipBomb"]))
            if action.get("framing") == "chunked":
                return self.chunked(int(action.get("status", 200)), data, {"Content-Encoding": "gzip"}, entry)
            return self.answer(int(action.get("status", 200)), data, action.get("contentType", "application/json"),
                               {"Content-Encoding": "gzip"}, entry)
        if action.get("headerFlood"):
            return self.header_flood(entry)
        if fault is None:
            body = action.get("body", "")
            data = base64.b64decode(action["bodyBase64"]) if "bodyBase64" in action else body.encode()
            if action.get("echoKey"):
                authorization = self.headers.get("Authorization") or ""
                key = authorization[len("Bearer "):] if authorization.startswith("Bearer ") else authorization
                data = data.replace(b"{{key}}", key.encode()).replace(b"{{task}}", (created or "").encode())
            headers = dict(action.get("headers") or {})
            if action.get("gzip"):
                compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
                data = compressor.compress(data) + compressor.flush()
                headers["Content-Encoding"] = "gzip"
            return self.answer(int(action.get("status", 200)), data, action.get("contentType", "application/json"),
                               headers, entry)
        self.outcome(entry, "fault " + fault)
        if fault == "reset":
            self.reset()
        elif fault == "reset-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: applica")
            time.sleep(0.05)
            self.reset()
        elif fault == "reset-body":
            declared = int(action.get("declaredLength", 65536))
            sent = int(action.get("sendBytes", 1024))
            self.send_response(200)
            self.send_header("Content-Type", action.get("contentType", "application/json"))
            self.send_header("Content-Length", str(declared))
            self.end_headers()
            prefix = b'{"id": "video_partial", "object": "video", "status": "queued", "padding": "'
            self.wfile.write((prefix + b"x" * max(0, sent - len(prefix)))[:sent])
            time.sleep(0.05)
            self.reset()
        elif fault == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault == "drip":
            self.drip(int(action.get("status", 200)), int(action.get("declaredLength", 65536)),
                      int(action.get("everyMs", 1000)), action.get("contentType", "application/json"),
                      float(action.get("seconds", 120)), entry)
        elif fault == "stall":
            deadline = time.monotonic() + float(action.get("seconds", 120))
            while not STATE.stop.is_set() and time.monotonic() < deadline:
                readable, _, _ = select.select([self.connection], [], [], 0.1)
                if readable:
                    try:
                        if not self.connection.recv(1, socket.MSG_PEEK):
                            break
                    except OSError:
                        break
                    time.sleep(0.1)
            self.outcome(entry, "fault stall (ended)")
            self.close_connection = True
        else:
            self.answer_json(500, {"message": "unknown fault %s" % fault}, entry)

    def stream(self, action, entry):
        """Zero bytes, `action["stream"]` of them or without end, framed as asked; stops when the client
        goes away."""
        total = action["stream"]
        framing = action.get("framing", "length")
        block = bytes(CHUNK)
        sent = 0
        self.close_connection = True
        self.send_response(int(action.get("status", 200)))
        self.send_header("Content-Type", action.get("contentType", "application/json"))
        if framing == "length":
            declared = action.get("declaredLength", total if total is not None else 1 << 40)
            self.send_header("Content-Length", str(declared))
        elif framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            while (total is None or sent < total) and not STATE.stop.is_set():
                piece = block if total is None else block[:min(CHUNK, total - sent)]
                if framing == "chunked":
                    self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
                sent += len(piece)
            if framing == "chunked":
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        finally:
            self.outcome(entry, "streamed %d bytes" % sent)

    def chunked(self, status, data, headers, entry):
        """`data` with chunked framing (no Content-Length), 64 KiB a chunk."""
        self.close_connection = True
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        try:
            for start in range(0, len(data), 65536):
                piece = data[start:start + 65536]
                self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
                sent += len(piece)
            self.wfile.write(b"0\r\n\r\n")
        finally:
            self.outcome(entry, "streamed %d bytes" % sent)

    def header_flood(self, entry):
        self.close_connection = True
        sent = 0
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            line = b"X-Flood: " + b"a" * 1000 + b"\r\n"
            while not STATE.stop.is_set():
                self.wfile.write(line * 64)
                sent += len(line) * 64
        finally:
            self.outcome(entry, "flooded %d header bytes" % sent)

    # MARK: kyyReactApiServer

    def kyy_submit(self, body, entry):
        if not (self.headers.get("Authorization") or "").startswith("Bearer "):
            return self.answer_json(401, {"code": 401, "message": "missing or malformed Authorization"}, entry)
        try:
            request = json.loads(body.decode()) if body is not None else None
        except ValueError:
            request = None
        if not isinstance(request, dict) or not isinstance(request.get("model"), str):
            return self.answer_json(400, {"code": 400, "message": "body must be a JSON object with a model"}, entry)
        task_id, created = self.create_task(body, entry)
        return self.answer_json(200, {"id": task_id, "object": "video", "created": created,
                                      "model": request["model"], "status": "queued", "error": None}, entry)

    def create_task(self, body, entry):
        try:
            model = json.loads(body.decode()).get("model")
        except (ValueError, AttributeError):
            model = None
        task_id = "video_" + str(uuid.uuid4())
        created = int(time.time())
        with STATE.lock:
            STATE.tasks[task_id] = {"model": model, "polls": 0, "created": created}
            STATE.tasks_created += 1
            entry["createdTask"] = task_id
        return task_id, created

    def kyy_status(self, task_id, entry):
        with STATE.lock:
            task = STATE.tasks.get(task_id)
            if task is not None:
                task["polls"] += 1
                done = task["polls"] > STATE.config["pollsBeforeDone"]
                video_url = STATE.config["videoURL"] or "%s/videos/%s.mp4" % (STATE.urls["cdn"], task_id)
        if task is None:
            return self.answer_json(404, {"code": 404, "message": "task %s not found" % task_id}, entry)
        return self.answer_json(200, {
            "id": task_id, "object": "video", "created": task["created"], "model": task["model"],
            "status": "completed" if done else "processing", "video_url": video_url if done else None,
            "actualDuration": 6 if done else None, "error": None}, entry)

    # MARK: control

    def control(self, path, query):
        if path == "/__log":
            with STATE.lock:
                payload = json.dumps({"requests": STATE.log, "tasksCreated": STATE.tasks_created})
            return self.answer(200, payload.encode())
        if path == "/__filehash":
            try:
                digest = hashlib.sha256()
                size = 0
                with open(query.get("path", ""), "rb") as handle:
                    while True:
                        data = handle.read(CHUNK)
                        if not data:
                            break
                        digest.update(data)
                        size += len(data)
            except OSError as error:
                return self.answer_json(404, {"message": str(error)})
            return self.answer_json(200, {"size": size, "sha256": digest.hexdigest()})
        if path == "/__pattern":
            digest = hashlib.sha256()
            size = int(query.get("n", "0"))
            for piece in pattern_pieces(size, query.get("seed", "bytes")):
                digest.update(piece)
            return self.answer_json(200, {"size": size, "sha256": digest.hexdigest()})
        length = int(self.headers.get("Content-Length") or 0)
        try:
            value = json.loads(self.rfile.read(length).decode() or "{}")
        except ValueError:
            return self.answer_json(400, {"message": "control bodies are JSON"})
        if path == "/__script" and isinstance(value, dict) and value.get("responses"):
            with STATE.lock:
                STATE.rules.append(value)
            return self.answer_json(200, {"ok": True})
        if path == "/__config" and isinstance(value, dict):
            with STATE.lock:
                STATE.config.update(value)
            return self.answer_json(200, {"ok": True})
        return self.answer_json(404, {"message": "unknown control request %s" % path})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, name, host):
        self.name = name
        super().__init__((host, 0), Handler)


def serve_not_tls(listener):
    """Answers anything with plain HTTP and closes: a TLS client's handshake fails right there."""
    def answer(connection):
        try:
            connection.settimeout(5)
            connection.recv(4096)
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        finally:
            connection.close()
    while not STATE.stop.is_set():
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=answer, args=(connection,), daemon=True).start()


def main():
    api = Server("api", "127.0.0.1")
    api2 = Server("api2", "127.0.0.1")
    try:
        cdn = Server("cdn", "127.0.0.2")
    except OSError:
        cdn = Server("cdn", "127.0.0.1")
    proxy = Server("proxy", "127.0.0.1")
    closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    not_tls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    not_tls.bind(("127.0.0.1", 0))
    not_tls.listen(16)
    threading.Thread(target=serve_not_tls, args=(not_tls,), daemon=True).start()

    for server in (api, api2, cdn, proxy):
        host, port = server.server_address[:2]
        STATE.urls[server.name] = "http://%s:%d" % (host, port)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def stop(*_):
        STATE.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            STATE.stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    ready = dict(STATE.urls)
    ready["closedPort"] = closed.getsockname()[1]
    ready["notTLSPort"] = not_tls.getsockname()[1]
    ready["pid"] = os.getpid()
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    while not STATE.stop.wait(0.5):
        pass
    for server in (api, api2, cdn, proxy):
        server.shutdown()
        server.server_close()
    closed.close()
    not_tls.close()


if __name__ == "__main__":
    main()
