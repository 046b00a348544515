#!/usr/bin/env python3
"""A fake Google Secret Manager (REST v1) for cfgc's integration tests, with the OAuth2 token
endpoint, a GCE metadata server and an admin API (/_fake/...) to steer it.

    python3 tests/fakes/gcp_secret_manager.py --port 0
    -> listening on http://127.0.0.1:PORT     (one line on stdout; serves until killed)

Admin API (no auth, JSON in and out):
    POST /_fake/service-account {"project_id"?, "name"?} -> a service-account key file
    POST /_fake/authorized-user                        -> an authorized_user file
    POST /_fake/token                                  -> {"access_token": ...} (static)
    POST /_fake/faults {"status", "count"|"rate", "path_contains"?, "methods"?,
                        "retry_after"?, "after_commit"?}
                                          status "close" drops the connection unanswered;
                                          after_commit: the request is carried out first,
                                          and only its answer is lost (as behind a proxy
                                          that times out); {"clear": true} removes every fault
    POST /_fake/latency {"ms"}            before every /v1 request
    POST /_fake/expire-tokens {"token_ttl_requests"?: N|null}  without it: every token
                                          issued so far is dead; with it: each token dies
                                          after N uses (null: no limit)
    POST /_fake/project-number {"project", "number"}  names come back with the number
    GET  /_fake/log, POST /_fake/reset-log, GET /_fake/stats
Faults match /v1 requests, or with path_contains any non-admin path (e.g. "/token").
Nothing logged, printed or kept in /_fake/log holds a body, a payload or a token.
"""

import argparse
import json
import random
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from gcp_auth import Auth, OAuthError
from gcp_store import STATUS_OF, ApiError, Store

P = r"/v1/projects/([^/]+)/secrets"
ROUTES = [
    # (method, pattern, route name as the API's method is called)
    ("GET", P + r"$", "secrets.list"),
    ("POST", P + r"$", "secrets.create"),
    ("GET", P + r"/([^/:]+)$", "secrets.get"),
    ("DELETE", P + r"/([^/:]+)$", "secrets.delete"),
    ("POST", P + r"/([^/:]+):addVersion$", "secrets.addVersion"),
    ("GET", P + r"/([^/:]+)/versions$", "versions.list"),
    ("GET", P + r"/([^/:]+)/versions/([^/:]+)$", "versions.get"),
    ("GET", P + r"/([^/:]+)/versions/([^/:]+):access$", "versions.access"),
    ("POST", P + r"/([^/:]+)/versions/([^/:]+):disable$", "versions.disable"),
    ("POST", P + r"/([^/:]+)/versions/([^/:]+):enable$", "versions.enable"),
    ("POST", P + r"/([^/:]+)/versions/([^/:]+):destroy$", "versions.destroy"),
]
METADATA_TOKEN = "/computeMetadata/v1/instance/service-accounts/default/token"
UNAUTHENTICATED = ("Request had invalid authentication credentials. Expected OAuth 2 access "
                   "token, login cookie or other valid authentication credential.")


class Fake:
    """Everything the handlers share besides the secrets and the tokens."""

    def __init__(self, base_url):
        self.store = Store()
        self.auth = Auth(base_url)
        self.lock = threading.Lock()
        self.faults = []
        self.latency_ms = 0
        self.log = []
        self.metadata = {"project_id": "fake-project",
                         "email": "default@fake-project.iam.gserviceaccount.com"}

    def take_fault(self, method, path):
        with self.lock:
            for fault in self.faults:
                if fault.get("path_contains") is None:
                    if not path.startswith("/v1/"):
                        continue
                elif fault["path_contains"] not in path:
                    continue
                if fault.get("methods") and method not in fault["methods"]:
                    continue
                if "rate" in fault:
                    if random.random() < fault["rate"]:
                        return fault
                    continue
                if fault.get("count", 0) > 0:
                    fault["count"] -= 1
                    return fault
        return None

    def stats(self):
        out = {}
        with self.lock:
            for entry in self.log:
                route = out.setdefault(entry["route"], {"total": 0, "ok": 0, "status": {}})
                route["total"] += 1
                route["ok"] += 200 <= entry["status"] < 300
                key = str(entry["status"])
                route["status"][key] = route["status"].get(key, 0) + 1
        return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-secretmanager"

    def log_message(self, *args):
        # http.server would print every request line to stderr; /_fake/log is the record.
        pass

    @property
    def fake(self):
        return self.server.fake

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        return status

    def dispatch(self, method):
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = dict(parse_qsl(url.query))
        raw = self.read_body()
        route = "unknown"
        if path.startswith("/_fake/"):
            try:
                self.admin(method, path, raw)
            except (KeyError, TypeError, ValueError) as err:
                self.send(400, {"error": "bad admin request: %s %r" % (type(err).__name__, err)})
            return
        if path.startswith("/v1/"):
            for want, pattern, name in ROUTES:
                if want == method and re.fullmatch(pattern, path):
                    route = name
                    break
            if self.fake.latency_ms:
                time.sleep(self.fake.latency_ms / 1000)
        elif path == "/token":
            route = "token"
        elif path.startswith("/computeMetadata/") or path == "/":
            route = "metadata"
        try:
            status = self.answer(method, path, query, raw, route)
        except Exception as err:  # noqa: BLE001 - a fake's bug must still answer, and say so
            # Only the exception's type: its message could quote a request body.
            status = self.send(500, {"error": {"code": 500, "status": "INTERNAL",
                                               "message": "fake crashed: %s"
                                               % type(err).__name__}})
        with self.fake.lock:
            self.fake.log.append({"method": method, "path": path, "route": route,
                                  "status": status})

    def answer(self, method, path, query, raw, route):
        fault = self.fake.take_fault(method, path)
        if fault is not None and not fault.get("after_commit"):
            return self.fault(fault)
        if route == "token":
            return self.token(method, raw)
        if route == "metadata":
            return self.metadata(path)
        return self.api(method, path, query, raw, route, fault)

    def fault(self, fault):
        """The fault's answer: a status with Google's error body, or a dropped connection."""
        if fault["status"] == "close":
            self.close_connection = True
            return 0
        code = int(fault["status"])
        headers = []
        retry_after = fault.get("retry_after", "0" if code in (429, 503) else None)
        if retry_after is not None:
            headers.append(("Retry-After", str(retry_after)))
        status = STATUS_OF.get(code, "UNKNOWN")
        return self.send(code, {"error": {"code": code, "status": status,
                                          "message": "Injected fault: %s." % status}},
                         headers)

    def api(self, method, path, query, raw, route, fault):
        """A /v1 call; `fault` (after_commit) replaces the answer of one carried out."""
        if not path.startswith("/v1/"):
            return self.send(404, {"error": {"code": 404, "status": "NOT_FOUND",
                                             "message": "Not found: %s" % path}})
        with self.fake.auth.lock:
            authorized = self.fake.auth.check_bearer(self.headers.get("Authorization"))
        if not authorized:
            return self.send(401, {"error": {"code": 401, "status": "UNAUTHENTICATED",
                                             "message": UNAUTHENTICATED}},
                             [("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/", '
                               'error="invalid_token"')])
        if route == "unknown":
            return self.send(404, {"error": {"code": 404, "status": "NOT_FOUND",
                                             "message": "Method not found."}})
        try:
            with self.fake.store.lock:
                body = self.call(route, path, query, raw)
        except ApiError as err:
            return self.send(err.code, err.body())
        if fault is not None:
            return self.fault(fault)
        if "enum-encoding=int" in query.get("$alt", ""):
            # Google's client libraries ask for enums as numbers ($alt=json;enum-encoding=int),
            # and the API obliges: SecretVersion.State is ENABLED=1, DISABLED=2, DESTROYED=3.
            body = enums_as_ints(body)
        return self.send(200, body)

    def call(self, route, path, query, raw):
        store = self.fake.store
        for want_method, pattern, name in ROUTES:
            if name == route:
                args = re.fullmatch(pattern, path).groups()
                break
        if route == "secrets.list":
            return store.list_secrets(args[0], query)
        if route == "secrets.create":
            return store.create_secret(args[0], query, raw)
        if route == "secrets.get":
            return store.secret(*args).resource()
        if route == "secrets.delete":
            return store.delete_secret(*args, query)
        if route == "secrets.addVersion":
            return store.add_version(*args, raw)
        if route == "versions.list":
            return store.list_versions(*args, query)
        if route == "versions.get":
            return store.version(*args).resource()
        if route == "versions.access":
            return store.access(*args)
        return store.transition(*args, route.split(".")[1], raw)

    def token(self, method, raw):
        if method != "POST":
            return self.send(405, {"error": "invalid_request", "error_description": "POST only"})
        form = dict(parse_qsl(raw.decode("utf-8", "replace")))
        try:
            with self.fake.auth.lock:
                return self.send(200, self.fake.auth.grant(form))
        except OAuthError as err:
            return self.send(err.code, err.body)

    def metadata(self, path):
        # google-auth checks the Metadata-Flavor header of every answer, and so may cfgc.
        flavor = [("Metadata-Flavor", "Google")]
        if self.headers.get("Metadata-Flavor") != "Google":
            return self.send(403, {"error": "Missing Metadata-Flavor:Google header."}, flavor)
        info = self.fake.metadata
        if path == METADATA_TOKEN:
            with self.fake.auth.lock:
                return self.send(200, self.fake.auth.issue("metadata"), flavor)
        text = {
            "/": "computeMetadata/\n",
            "/computeMetadata/v1/project/project-id": info["project_id"],
            "/computeMetadata/v1/instance/service-accounts/default/email": info["email"],
        }.get(path)
        if path == "/computeMetadata/v1/instance/service-accounts/default/":
            return self.send(200, {"aliases": ["default"], "email": info["email"],
                                   "scopes": ["https://www.googleapis.com/auth/cloud-platform"]},
                             flavor)
        if text is None:
            return self.send(404, {"error": "not found"}, flavor)
        data = text.encode()
        self.send_response(200)
        self.send_header("Metadata-Flavor", "Google")
        self.send_header("Content-Type", "application/text")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return 200

    def admin(self, method, path, raw):
        fake = self.fake
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            self.send(400, {"error": "admin bodies are JSON"})
            return
        what = (method, path)
        if what == ("POST", "/_fake/service-account"):
            with fake.auth.lock:
                out = fake.auth.service_account(body.get("project_id", "fake-project"),
                                                body.get("name", "cfgc-test"))
        elif what == ("POST", "/_fake/authorized-user"):
            with fake.auth.lock:
                out = fake.auth.authorized_user()
        elif what == ("POST", "/_fake/token"):
            with fake.auth.lock:
                out = fake.auth.issue("static")
        elif what == ("POST", "/_fake/faults"):
            with fake.lock:
                if body.get("clear"):
                    fake.faults.clear()
                else:
                    fake.faults.append(body)
            out = {"faults": len(fake.faults)}
        elif what == ("POST", "/_fake/latency"):
            fake.latency_ms = int(body.get("ms", 0))
            out = {"ms": fake.latency_ms}
        elif what == ("POST", "/_fake/expire-tokens"):
            with fake.auth.lock:
                if "token_ttl_requests" in body:
                    fake.auth.ttl_requests = body["token_ttl_requests"]
                else:
                    fake.auth.expire_all()
            out = {}
        elif what == ("POST", "/_fake/project-number"):
            with fake.store.lock:
                fake.store.numbers[body["project"]] = str(body["number"])
            out = {}
        elif what == ("GET", "/_fake/log"):
            with fake.lock:
                out = list(fake.log)
        elif what == ("POST", "/_fake/reset-log"):
            with fake.lock:
                fake.log.clear()
            out = {}
        elif what == ("GET", "/_fake/stats"):
            out = fake.stats()
        else:
            self.send(404, {"error": "no admin route %s %s" % what})
            return
        self.send(200, out)


STATE_NUMBER = {"STATE_UNSPECIFIED": 0, "ENABLED": 1, "DISABLED": 2, "DESTROYED": 3}


def enums_as_ints(value):
    if isinstance(value, list):
        return [enums_as_ints(item) for item in value]
    if isinstance(value, dict):
        return {key: STATE_NUMBER.get(item, item) if key == "state" else enums_as_ints(item)
                for key, item in value.items()}
    return value


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # Many clients open their connections at once (cfgc's pool, 32 of them): a deep backlog
    # keeps the kernel from refusing any while the accept loop catches up.
    request_queue_size = 128


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    base = "http://127.0.0.1:%d" % server.server_address[1]
    server.fake = Fake(base)
    print("listening on " + base, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
