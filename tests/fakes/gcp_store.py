"""The state of the fake Secret Manager: secrets, their versions and payloads, and the rules the
REST v1 reference gives for them (https://cloud.google.com/secret-manager/docs/reference/rest).

Every method raises ApiError with the status the real API answers with; the server turns it
into Google's error JSON. Callers hold Store.lock.
"""

import base64
import binascii
import json
import re
import secrets
import threading
import time
from datetime import datetime, timezone

from crc32c import crc32c

SECRET_ID = re.compile(r"[A-Za-z0-9_-]{1,255}")
MAX_PAGE_SIZE = 25000
MAX_PAYLOAD = 64 * 1024
SECRET_FIELDS = {
    "replication", "labels", "annotations", "topics", "expireTime", "ttl", "rotation",
    "versionAliases", "versionDestroyTtl", "customerManagedEncryption", "tags", "etag", "name",
    "createTime",
}

HTTP_OF = {
    "INVALID_ARGUMENT": 400, "FAILED_PRECONDITION": 400, "OUT_OF_RANGE": 400,
    "UNAUTHENTICATED": 401, "PERMISSION_DENIED": 403, "NOT_FOUND": 404, "ABORTED": 409,
    "ALREADY_EXISTS": 409, "RESOURCE_EXHAUSTED": 429, "INTERNAL": 500, "UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504, "UNIMPLEMENTED": 501,
}
STATUS_OF = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
             404: "NOT_FOUND", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
             501: "UNIMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.code = HTTP_OF[status]
        self.message = message

    def body(self):
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


_clock_lock = threading.Lock()
_last_ns = 0


def now_rfc3339():
    """A strictly increasing RFC 3339 time, so createTime orders versions as the API does."""
    global _last_ns
    with _clock_lock:
        ns = max(time.time_ns(), _last_ns + 1000)
        _last_ns = ns
    stamp = datetime.fromtimestamp(ns // 1_000_000_000, tz=timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (ns // 1000 % 1_000_000)


def new_etag():
    # The real API quotes its etags inside the JSON string: "\"16a2...\"".
    return '"%s"' % secrets.token_hex(7)


def decode_body(raw, allowed):
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as err:
        raise ApiError("INVALID_ARGUMENT", "Invalid JSON payload received. %s" % err)
    if not isinstance(body, dict):
        raise ApiError("INVALID_ARGUMENT", "Invalid JSON payload received. Expected an object.")
    for key in body:
        if key not in allowed:
            raise ApiError("INVALID_ARGUMENT",
                           'Invalid JSON payload received. Unknown name "%s": Cannot find field.'
                           % key)
    return body


def page_size(query):
    raw = query.get("pageSize", "0")
    try:
        size = int(raw)
    except ValueError:
        raise ApiError("INVALID_ARGUMENT", "Invalid value at 'page_size' (TYPE_INT32), \"%s\"" % raw)
    if size < 0:
        raise ApiError("INVALID_ARGUMENT", "page_size must not be negative")
    return min(size or MAX_PAGE_SIZE, MAX_PAGE_SIZE)


def encode_token(position):
    return base64.urlsafe_b64encode(json.dumps({"after": position}).encode()).decode()


def decode_token(token):
    if not token:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise ApiError("INVALID_ARGUMENT", "Invalid page token.")


def parse_filter(text, fields):
    """AIP-160 filtering, the part a secrets client uses: terms `field:value` or `field=value`,
    optionally negated with `NOT ` or `-`, joined by spaces or AND. Returns a predicate over
    a dict of field values."""
    terms = []
    tokens = text.split()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "AND":
            continue
        negate = False
        if token == "NOT" and i < len(tokens):
            negate, token = True, tokens[i]
            i += 1
        elif token.startswith("-"):
            negate, token = True, token[1:]
        match = re.fullmatch(r"([A-Za-z_.]+?)\s*(:|=)\s*\"?([^\"]*)\"?", token)
        if not match or match.group(1).split(".")[0] not in fields:
            raise ApiError("INVALID_ARGUMENT", "Invalid filter: %s" % text)
        terms.append((negate, match.group(1), match.group(2), match.group(3)))

    def accepts(values):
        for negate, field, op, want in terms:
            have = values.get(field)
            if have is None:
                hit = False
            elif op == "=":
                hit = str(have) == want
            else:
                hit = want == "*" or want.lower() in str(have).lower()
            if hit == negate:
                return False
        return True

    return accepts


class Version:
    def __init__(self, secret_name, number, data, crc_given):
        self.name = "%s/versions/%d" % (secret_name, number)
        self.number = number
        self.data = data
        self.crc = crc32c(data)
        self.crc_given = crc_given
        self.create_time = now_rfc3339()
        self.destroy_time = None
        self.state = "ENABLED"
        self.etag = new_etag()

    def resource(self):
        out = {"name": self.name, "createTime": self.create_time, "state": self.state,
               "replicationStatus": {"automatic": {}}, "etag": self.etag}
        if self.destroy_time:
            out["destroyTime"] = self.destroy_time
        if self.crc_given:
            out["clientSpecifiedPayloadChecksum"] = True
        return out


class Secret:
    def __init__(self, name, body):
        self.name = name
        self.replication = body["replication"]
        self.labels = body.get("labels") or {}
        self.annotations = body.get("annotations") or {}
        self.create_time = now_rfc3339()
        self.etag = new_etag()
        self.versions = []

    def resource(self):
        out = {"name": self.name, "replication": self.replication,
               "createTime": self.create_time, "etag": self.etag}
        if self.labels:
            out["labels"] = self.labels
        if self.annotations:
            out["annotations"] = self.annotations
        return out


class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.secrets = {}  # (project as the API names it, secret id) -> Secret
        self.numbers = {}  # project id -> project number, once a test sets one

    def project(self, project):
        """The name the API gives a project in the names it returns: its number when a test
        registered one (the real API answers with numbers), else what the caller sent."""
        if project in self.numbers.values():
            return project
        return self.numbers.get(project, project)

    def secret(self, project, secret_id):
        found = self.secrets.get((self.project(project), secret_id))
        if found is None:
            raise ApiError("NOT_FOUND", "Secret [projects/%s/secrets/%s] not found or has no "
                           "versions." % (project, secret_id))
        return found

    def create_secret(self, project, query, raw):
        secret_id = query.get("secretId", "")
        if not SECRET_ID.fullmatch(secret_id):
            raise ApiError("INVALID_ARGUMENT", "The provided Secret ID [%s] does not match the "
                           "expected format [[a-zA-Z_0-9-]+]" % secret_id)
        body = decode_body(raw, SECRET_FIELDS)
        replication = body.get("replication")
        if not isinstance(replication, dict) or not (
                "automatic" in replication or "userManaged" in replication):
            raise ApiError("INVALID_ARGUMENT", "Secret.replication is required.")
        key = (self.project(project), secret_id)
        if key in self.secrets:
            raise ApiError("ALREADY_EXISTS", "Secret [projects/%s/secrets/%s] already exists."
                           % key)
        secret = Secret("projects/%s/secrets/%s" % key, body)
        self.secrets[key] = secret
        return secret.resource()

    def list_secrets(self, project, query):
        size = page_size(query)
        after = decode_token(query.get("pageToken"))
        accepts = parse_filter(query.get("filter", ""), {"name", "labels", "create_time"})
        prefix = self.project(project)
        matching = []
        for (owner, secret_id), secret in sorted(self.secrets.items()):
            values = {"name": secret_id, "create_time": secret.create_time}
            values.update({"labels." + k: v for k, v in secret.labels.items()})
            if owner == prefix and accepts(values):
                matching.append(secret)
        page = [s for s in matching if after is None or s.name > after][:size]
        out = {}
        if page:
            out["secrets"] = [s.resource() for s in page]
        if page and page[-1] is not matching[-1]:
            out["nextPageToken"] = encode_token(page[-1].name)
        if matching:
            out["totalSize"] = len(matching)
        return out

    def delete_secret(self, project, secret_id, query):
        secret = self.secret(project, secret_id)
        check_etag(query.get("etag"), secret.etag)
        del self.secrets[(self.project(project), secret_id)]
        return {}

    def add_version(self, project, secret_id, raw):
        secret = self.secret(project, secret_id)
        body = decode_body(raw, {"payload"})
        payload = body.get("payload")
        if not isinstance(payload, dict):
            raise ApiError("INVALID_ARGUMENT", "Payload is required.")
        for key in payload:
            if key not in ("data", "dataCrc32c"):
                raise ApiError("INVALID_ARGUMENT", 'Invalid JSON payload received. Unknown name '
                               '"%s" at \'payload\': Cannot find field.' % key)
        try:
            text = payload.get("data", "")
            data = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, AttributeError, TypeError):
            raise ApiError("INVALID_ARGUMENT", "Invalid value at 'payload.data' (TYPE_BYTES), "
                           "Base64 decoding failed")
        if len(data) > MAX_PAYLOAD:
            raise ApiError("INVALID_ARGUMENT", "Secret Payload cannot exceed 65536 bytes.")
        crc_given = "dataCrc32c" in payload
        if crc_given:
            try:
                claimed = int(payload["dataCrc32c"])
            except (TypeError, ValueError):
                raise ApiError("INVALID_ARGUMENT",
                               "Invalid value at 'payload.data_crc32c' (TYPE_INT64)")
            if claimed != crc32c(data):
                raise ApiError("INVALID_ARGUMENT", "Checksum mismatch: the data_crc32c given "
                               "does not match the payload's CRC32C.")
        version = Version(secret.name, len(secret.versions) + 1, data, crc_given)
        secret.versions.append(version)
        return version.resource()

    def version(self, project, secret_id, version_id):
        secret = self.secret(project, secret_id)
        if version_id == "latest":
            # As the reference says: an alias of the most recently created version, whatever
            # its state (accessing it when disabled fails; the API does not skip to an older).
            if secret.versions:
                return secret.versions[-1]
        elif version_id.isdigit() and 1 <= int(version_id) <= len(secret.versions):
            return secret.versions[int(version_id) - 1]
        raise ApiError("NOT_FOUND", "Secret Version [%s/versions/%s] not found."
                       % (secret.name, version_id))

    def list_versions(self, project, secret_id, query):
        secret = self.secret(project, secret_id)
        size = page_size(query)
        after = decode_token(query.get("pageToken"))
        accepts = parse_filter(query.get("filter", ""), {"state", "name", "create_time"})
        matching = [v for v in reversed(secret.versions)
                    if accepts({"state": v.state, "name": v.name, "create_time": v.create_time})]
        page = [v for v in matching if after is None or v.number < after][:size]
        out = {}
        if page:
            out["versions"] = [v.resource() for v in page]
        if page and page[-1] is not matching[-1]:
            out["nextPageToken"] = encode_token(page[-1].number)
        if matching:
            out["totalSize"] = len(matching)
        return out

    def access(self, project, secret_id, version_id):
        version = self.version(project, secret_id, version_id)
        if version.state != "ENABLED":
            raise ApiError("FAILED_PRECONDITION", "Secret Version [%s] is in %s state."
                           % (version.name, version.state))
        return {"name": version.name, "payload": {
            "data": base64.b64encode(version.data).decode(), "dataCrc32c": str(version.crc)}}

    def transition(self, project, secret_id, version_id, action, raw):
        version = self.version(project, secret_id, version_id)
        body = decode_body(raw, {"etag"})
        check_etag(body.get("etag"), version.etag)
        if version.state == "DESTROYED":
            raise ApiError("FAILED_PRECONDITION", "Secret Version [%s] is in DESTROYED state."
                           % version.name)
        if action == "destroy":
            version.state = "DESTROYED"
            version.data = b""
            version.destroy_time = now_rfc3339()
        else:
            version.state = "ENABLED" if action == "enable" else "DISABLED"
        version.etag = new_etag()
        return version.resource()


def check_etag(given, current):
    # AIP-154: a stale etag is ABORTED (409); an absent one always passes.
    if given and given != current:
        raise ApiError("ABORTED", "The etag provided in the request does not match the "
                       "current etag of the resource.")
