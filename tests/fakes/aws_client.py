#!/usr/bin/env python3
"""Reads and acts on AWS Secrets Manager (moto, in the tests) through boto3, so the tests check
what cfgc pushed with AWS's own client, and can change a secret behind cfgc's back.

    AWS_ENDPOINT_URL=http://127.0.0.1:PORT AWS_REGION=eu-west-1 \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws_client.py COMMAND ARGS

    versions NAME           -> [{"version_id", "stages", "created"}], as AWS lists them
    get NAME [VERSION_ID]   -> {"version_id", "stages", "value"} (SecretString)
    put NAME                -> {"version_id", "stages"} (value from stdin; creates the secret
                               when it does not exist yet)
    describe NAME           -> DescribeSecret's answer, dates as ISO strings
    delete NAME             -> {"deleted": NAME} (without recovery: the name is free again)
Exit 0 with the answer as JSON on stdout; exit 3 with {"error": {"code", "message"}} when
AWS refused; anything else is a crash (traceback on stderr).
"""

import json
import os
import sys

import boto3
from botocore.exceptions import ClientError


def stamp(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def run(args):
    # boto3 reads AWS_ENDPOINT_URL and the key pair itself, but AWS_REGION only in some
    # releases (AWS_DEFAULT_REGION is its own name): the region is handed over.
    sm = boto3.client("secretsmanager", region_name=os.environ["AWS_REGION"])
    command, name, rest = args[0], args[1], args[2:]
    if command == "versions":
        out, token = [], None
        while True:
            page = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True,
                                              **({"NextToken": token} if token else {}))
            out += [{"version_id": v["VersionId"], "stages": v.get("VersionStages", []),
                     "created": stamp(v.get("CreatedDate"))} for v in page["Versions"]]
            token = page.get("NextToken")
            if not token:
                return out
    if command == "get":
        extra = {"VersionId": rest[0]} if rest else {}
        got = sm.get_secret_value(SecretId=name, **extra)
        return {"version_id": got["VersionId"], "stages": got["VersionStages"],
                "value": got.get("SecretString")}
    if command == "put":
        value = sys.stdin.read()
        try:
            put = sm.put_secret_value(SecretId=name, SecretString=value)
        except ClientError as err:
            if err.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            put = sm.create_secret(Name=name, SecretString=value)
            put["VersionStages"] = ["AWSCURRENT"]
        return {"version_id": put["VersionId"], "stages": put["VersionStages"]}
    if command == "describe":
        info = sm.describe_secret(SecretId=name)
        info.pop("ResponseMetadata", None)
        return json.loads(json.dumps(info, default=stamp))
    if command == "delete":
        sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
        return {"deleted": name}
    raise SystemExit("aws_client.py: unknown command %r" % command)


def main():
    try:
        out = run(sys.argv[1:])
    except ClientError as err:
        error = err.response.get("Error", {})
        print(json.dumps({"error": {"code": error.get("Code"), "message": error.get("Message")}}))
        return 3
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
