"""The Query protocol at the HTTP level: every gRPC operation served, presigned and relayed
GetCallerIdentity, the request context, refusals before authentication, and the aws CLI."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import botocore.auth
import pytest
from aws_http import NO_RETRIES, http_url, session_for
from botocore import xform_name
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.exceptions import ClientError

from iamstore.client import Client, Credentials, IamError
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.v1 import iam_pb2, sts_pb2


def _fetch(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read().decode()


def test_every_grpc_operation_is_served_over_http(aws: Any, http_node: InProcessNode) -> None:
    """Walks both gRPC services: each operation reaches its handler over HTTP (never
    InvalidAction or a protocol error), even sent with no parameters at all."""
    unchecked = Config(parameter_validation=False, retries={"max_attempts": 1})
    url = http_url(http_node)
    clients = {
        "iam": aws.client("iam", endpoint_url=url, config=unchecked),
        "sts": aws.client("sts", endpoint_url=url, config=unchecked),
    }
    services = (("iam", iam_pb2, "Iam"), ("sts", sts_pb2, "Sts"))
    answers: dict[str, str] = {}
    for name, module, service in services:
        client = clients[name]
        model = client.meta.service_model
        for method in module.DESCRIPTOR.services_by_name[service].methods:
            assert method.name in model.operation_names, method.name
            try:
                getattr(client, xform_name(method.name))()
                answers[method.name] = "ok"
            except ClientError as err:
                answers[method.name] = err.response["Error"]["Code"]
    expected = {
        method.name
        for _, module, service in services
        for method in module.DESCRIPTOR.services_by_name[service].methods
    }
    assert set(answers) == expected
    refused = {
        operation: code
        for operation, code in answers.items()
        if code in ("InvalidAction", "MissingAction", "ServiceFailure", "MalformedQueryString")
    }
    assert refused == {}
    # Sent without its required parameters, an operation is refused by validation.
    assert answers["GetRole"] == "ValidationError"


def test_presigned_get_caller_identity_verifies_as_aws_does(
    aws: Any, http_node: InProcessNode
) -> None:
    """The way aws-iam-authenticator proves an identity: a presigned GET, header included."""
    sts = aws.client("sts", endpoint_url=http_url(http_node), config=NO_RETRIES)
    account = sts.get_caller_identity()["Account"]

    def add_cluster_header(request: Any, **_: Any) -> None:
        request.headers["x-k8s-aws-id"] = "my-cluster"

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", add_cluster_header)
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    assert "X-Amz-Signature=" in url
    assert "x-k8s-aws-id" in url
    status, body = _fetch(url, headers={"x-k8s-aws-id": "my-cluster"})
    assert status == 200, body
    assert f"<Arn>arn:aws:iam::{account}:root</Arn>" in body
    assert "<GetCallerIdentityResult>" in body
    # The signed header must come along, and with the signed value.
    status, body = _fetch(url, headers={"x-k8s-aws-id": "another-cluster"})
    assert (status, "<Code>SignatureDoesNotMatch</Code>" in body) == (403, True)
    status, body = _fetch(url)
    assert status == 403
    # Any change to the signed query string breaks the signature.
    status, body = _fetch(url.replace("Version=2011-06-15", "Version=2011-06-16"))
    assert status in (400, 403)
    assert "<GetCallerIdentityResult>" not in body


def test_an_expired_presigned_url_is_refused(
    aws: Any, http_node: InProcessNode, monkeypatch: pytest.MonkeyPatch
) -> None:
    sts = aws.client("sts", endpoint_url=http_url(http_node), config=NO_RETRIES)
    real_now = botocore.auth.get_current_datetime
    earlier = real_now() - datetime.timedelta(hours=2)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: earlier)
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=3600, HttpMethod="GET")
    monkeypatch.setattr(botocore.auth, "get_current_datetime", real_now)
    status, body = _fetch(url)
    assert status == 400
    assert "<Code>RequestExpired</Code>" in body


def test_a_relayed_signed_request_verifies_at_the_node(aws: Any, http_node: InProcessNode) -> None:
    """The way Vault's AWS auth method proves an identity: the client signs a POST, a third
    party replays its method, headers and body to the node."""
    url = http_url(http_node)
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    request = AWSRequest(
        method="POST",
        url=url + "/",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "X-Vault-AWS-IAM-Server-ID": "vault.example.com",
        },
    )
    botocore.auth.SigV4Auth(aws.get_credentials(), "sts", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    status, text = _fetch(url + "/", data=body, headers=headers)
    assert status == 200, text
    assert "<Account>" in text
    # The same headers over another body: the payload hash no longer matches.
    tampered = b"Action=GetCallerIdentity&Version=2011-06-15&X=1"
    status, text = _fetch(url + "/", data=tampered, headers=headers)
    assert status == 403
    assert "SignatureDoesNotMatch" in text


def _user_client(aws_iam: Any, http_node: InProcessNode, policy: dict[str, Any]) -> Any:
    aws_iam.create_user(UserName="ctx")
    aws_iam.put_user_policy(UserName="ctx", PolicyName="p", PolicyDocument=json.dumps(policy))
    key = aws_iam.create_access_key(UserName="ctx")["AccessKey"]
    return session_for(key["AccessKeyId"], key["SecretAccessKey"]).client(
        "iam", endpoint_url=http_url(http_node), config=NO_RETRIES
    )


def _statement(effect: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {"Effect": effect, "Action": "iam:ListUsers", "Resource": "*", "Condition": condition}


@pytest.mark.parametrize(
    ("condition", "allowed"),
    [
        ({"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}, True),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, False),
        ({"Bool": {"aws:SecureTransport": "false"}}, True),
        ({"Bool": {"aws:SecureTransport": "true"}}, False),
        ({"StringLike": {"aws:UserAgent": "*Botocore*"}}, True),
        ({"StringLike": {"aws:UserAgent": "curl/*"}}, False),
    ],
)
def test_the_request_context_is_the_http_peers(
    aws_iam: Any, http_node: InProcessNode, condition: dict[str, Any], allowed: bool
) -> None:
    client = _user_client(
        aws_iam,
        http_node,
        {"Version": "2012-10-17", "Statement": [_statement("Allow", condition)]},
    )
    if allowed:
        assert [u["UserName"] for u in client.list_users()["Users"]] == ["ctx"]
    else:
        with pytest.raises(ClientError) as info:
            client.list_users()
        assert info.value.response["Error"]["Code"] == "AccessDenied"


def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str]:
    base = {"Content-Type": "application/x-www-form-urlencoded"}
    return _fetch(url + "/", data=body, headers={**base, **(headers or {})})


def test_refusals_before_authentication(http_node: InProcessNode) -> None:
    url = http_url(http_node)
    status, body = _post(url, b"Action=ListUsers&Version=2010-05-08")
    assert (status, "<Code>MissingAuthenticationToken</Code>" in body) == (403, True)
    assert "<Type>Sender</Type>" in body
    assert 'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"' in body
    status, body = _post(url, b"Action=Frobnicate&Version=2010-05-08")
    assert (status, "<Code>InvalidAction</Code>" in body) == (400, True)
    deleted = urllib.request.Request(url + "/?Action=ListUsers", method="DELETE")
    try:
        urllib.request.urlopen(deleted, timeout=30).close()
        status = 200
    except urllib.error.HTTPError as err:
        with err:
            status = err.code
    assert status == 405
    status, body = _post(url, b"Version=2010-05-08")
    assert "<Code>MissingAction</Code>" in body
    status, body = _post(url, b"Action=ListUsers&Action=GetUser&Version=2010-05-08")
    assert "<Code>MalformedQueryString</Code>" in body
    # Larger than IAM's largest legal request: refused without being read to the end.
    status, body = _post(url, b"Action=ListUsers&X=" + b"a" * (3 * 1024 * 1024))
    assert (status, "<Code>RequestEntityTooLarge</Code>" in body) == (413, True)
    # A compressed body is never inflated (a small gzip bomb would pass the size limit).
    status, body = _post(url, b"\x1f\x8b", {"Content-Encoding": "gzip"})
    assert status == 400
    # The unsigned STS call AWS accepts reaches its handler: a bad token, not a missing signature.
    status, body = _fetch(
        url
        + "/?Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=s"
        + "&RoleArn=arn:aws:iam::123456789012:role/r&WebIdentityToken=not-a-jwt"
    )
    assert status in (400, 403)
    assert "MissingAuthenticationToken" not in body
    assert "<ErrorResponse" in body


@pytest.mark.slow
def test_the_aws_cli_works_against_the_node(
    aws_iam: Any, aws: Any, http_node: InProcessNode, tmp_path: Path
) -> None:
    aws_iam.create_user(UserName="from-boto3")
    credentials = aws.get_credentials()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": credentials.access_key,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    url = http_url(http_node)
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "iam",
            "create-user",
            "--user-name",
            "from-cli",
            "--endpoint-url",
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["User"]["UserName"] == "from-cli"
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "iam",
            "list-users",
            "--endpoint-url",
            url,
            "--output",
            "json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    names = sorted(u["UserName"] for u in json.loads(listed.stdout)["Users"])
    assert names == ["from-boto3", "from-cli"]
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "iam",
            "get-user",
            "--user-name",
            "nobody",
            "--endpoint-url",
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert missing.returncode != 0
    assert "NoSuchEntity" in missing.stderr


@pytest.mark.parametrize(
    ("operation", "grpc_args", "http_args"),
    [
        ("get_user", {"user_name": "nobody"}, {"UserName": "nobody"}),
        ("create_user", {"user_name": "bad name!"}, {"UserName": "bad name!"}),
        (
            "get_policy",
            {"policy_arn": "arn:aws:iam::1:policy/x"},
            {"PolicyArn": "arn:aws:iam::1:policy/x"},
        ),
    ],
)
def test_errors_are_the_same_over_grpc_and_http(
    http_node: InProcessNode,
    http_management: Any,
    operation: str,
    grpc_args: dict[str, str],
    http_args: dict[str, str],
) -> None:
    made = http_management.create_account(account_name="same-errors")
    root = made.root_credentials
    aws = session_for(root.access_key_id, root.secret_access_key)
    http = aws.client("iam", endpoint_url=http_url(http_node), config=NO_RETRIES)
    with (
        Client(
            http_node.address, credentials=Credentials(root.access_key_id, root.secret_access_key)
        ) as grpc_client,
        pytest.raises(IamError) as over_grpc,
    ):
        getattr(grpc_client, operation)(**grpc_args)
    with pytest.raises(ClientError) as over_http:
        getattr(http, operation)(**http_args)
    error = over_http.value.response["Error"]
    assert (error["Code"], error["Message"]) == (over_grpc.value.code, over_grpc.value.message)
