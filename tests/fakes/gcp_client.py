#!/usr/bin/env python3
"""Reads and acts on a Secret Manager through Google's own client library
(google-cloud-secret-manager, REST transport), so the tests see the fake the way a real client
does, and check what cfgc pushed with a reader that is not cfgc.

    FAKE_GCP_URL=http://127.0.0.1:PORT FAKE_GCP_TOKEN=ya29... gcp_client.py COMMAND ARGS

    versions PROJECT SECRET [--page-size N] [--filter F]  -> [{"version", "state", ...}], newest first
    access PROJECT SECRET VERSION                         -> {"name", "data"} (data: the payload, UTF-8)
    add PROJECT SECRET            (payload from stdin)    -> {"name", "state", ...}
    disable|enable|destroy PROJECT SECRET VERSION         -> {"name", "state", ...}
    create PROJECT SECRET                                 -> {"name", ...}
    secrets PROJECT                                       -> [{"name", ...}]

Instead of FAKE_GCP_TOKEN: FAKE_GCP_CREDENTIALS=FILE loads a service-account key file
(google-auth signs a JWT and trades it at the file's token_uri) or an authorized_user file
(google-auth trades its refresh token); FAKE_GCP_METADATA=1 with GCE_METADATA_HOST=host:port
asks that metadata server for tokens.
Exit 0 with the answer as JSON on stdout; exit 3 with {"error": {"code", "status",
"message"}} on stdout when the API refused (status REFRESH_FAILED: the token endpoint
refused the credentials); anything else is a crash (traceback on stderr).
"""

import json
import os
import sys

import google.auth.compute_engine
import google.auth.exceptions
import google.oauth2.credentials
from google.api_core import exceptions
from google.cloud import secretmanager_v1
from google.cloud.secretmanager_v1.services.secret_manager_service.transports.rest import (
    SecretManagerServiceRestTransport,
)
from google.oauth2 import service_account

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


def credentials():
    key_file = os.environ.get("FAKE_GCP_CREDENTIALS")
    if key_file:
        with open(key_file) as file:
            info = json.load(file)
        if info.get("type") == "authorized_user":
            # google-auth ignores token_uri in these files and always asks Google's endpoint:
            # handed back by hand, so the library's refresh request reaches the fake.
            creds = google.oauth2.credentials.Credentials.from_authorized_user_info(info)
            return creds.with_token_uri(info["token_uri"])
        return service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
    if os.environ.get("FAKE_GCP_METADATA"):
        # google-auth finds the metadata server at GCE_METADATA_HOST (read at import).
        return google.auth.compute_engine.Credentials()
    return google.oauth2.credentials.Credentials(os.environ["FAKE_GCP_TOKEN"])


def client():
    url = os.environ["FAKE_GCP_URL"]
    creds = credentials()
    # The host keeps its http:// scheme: the transport uses url_scheme only for bare hosts.
    transport = SecretManagerServiceRestTransport(host=url, url_scheme="http", credentials=creds)
    return secretmanager_v1.SecretManagerServiceClient(transport=transport)


def version_json(version):
    out = {
        "name": version.name,
        "version": version.name.rsplit("/", 1)[1],
        "state": secretmanager_v1.SecretVersion.State(version.state).name,
        "create_time": version.create_time.isoformat(),
        "etag": version.etag,
    }
    if version.destroy_time:
        out["destroy_time"] = version.destroy_time.isoformat()
    return out


def secret_json(secret):
    return {"name": secret.name, "create_time": secret.create_time.isoformat(),
            "labels": dict(secret.labels), "etag": secret.etag}


def option(args, flag):
    if flag in args:
        at = args.index(flag)
        value = args[at + 1]
        del args[at:at + 2]
        return value
    return None


def run(args):
    sm = client()
    command = args.pop(0)
    page_size = option(args, "--page-size")
    filter_ = option(args, "--filter")
    if command == "versions":
        project, secret = args
        request = {"parent": sm.secret_path(project, secret)}
        if page_size:
            request["page_size"] = int(page_size)
        if filter_:
            request["filter"] = filter_
        return [version_json(v) for v in sm.list_secret_versions(request=request)]
    if command == "access":
        project, secret, version = args
        answer = sm.access_secret_version(name=sm.secret_version_path(project, secret, version))
        return {"name": answer.name, "data": answer.payload.data.decode("utf-8")}
    if command == "add":
        project, secret = args
        data = sys.stdin.buffer.read()
        version = sm.add_secret_version(parent=sm.secret_path(project, secret),
                                        payload={"data": data})
        return version_json(version)
    if command in ("disable", "enable", "destroy"):
        project, secret, version = args
        call = getattr(sm, command + "_secret_version")
        return version_json(call(name=sm.secret_version_path(project, secret, version)))
    if command == "create":
        project, secret = args
        created = sm.create_secret(parent="projects/" + project, secret_id=secret,
                                   secret={"replication": {"automatic": {}}})
        return secret_json(created)
    if command == "secrets":
        (project,) = args
        request = {"parent": "projects/" + project}
        if page_size:
            request["page_size"] = int(page_size)
        return [secret_json(s) for s in sm.list_secrets(request=request)]
    raise SystemExit("gcp_client.py: unknown command %r" % command)


def main():
    try:
        out = run(sys.argv[1:])
    except exceptions.GoogleAPICallError as err:
        # A 400 is BadRequest to api_core whatever its status; the body names the status.
        try:
            status = err.response.json()["error"]["status"]
        except (AttributeError, KeyError, TypeError, ValueError):
            status = err.grpc_status_code.name if err.grpc_status_code else None
        print(json.dumps({"error": {"code": err.code, "status": status,
                                    "message": err.message}}))
        return 3
    except google.auth.exceptions.RefreshError as err:
        # The token endpoint refused the credentials: no API call was made.
        print(json.dumps({"error": {"code": None, "status": "REFRESH_FAILED",
                                    "message": str(err)}}))
        return 3
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
