"""Credential reports and service last-accessed reports through real gRPC and AWS's HTTP wire:
AWS's CSV columns and values, last use of passwords and keys, attempts through real calls
and through Authorize, pagination, errors, and who may read them."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aws_http import NO_RETRIES, fresh_account, http_url
from iam_helpers import TRUST_EC2

from iamstore.client import (
    AccessDeniedError,
    Client,
    Credentials,
    InvalidInputError,
    NoSuchEntityError,
    ReportNotPresentError,
    ValidationError,
)
from iamstore.client.providers import sign_in
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig

T = TypeVar("T")
PASSWORD = "Correct-horse-9!"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
# AWS's columns, in AWS's order, as the IAM User Guide lists them
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html).
AWS_COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
]  # fmt: skip


@pytest.fixture(scope="module")
def iam_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    """This module's node: usage stamps written every 0.1 s, every later use written."""
    data_dir: Path = tmp_path_factory.mktemp("reports-node")
    config = NodeConfig(
        data_dir=data_dir,
        listen="127.0.0.1:0",
        http_listen="127.0.0.1:0",
        usage_flush_s=0.1,
        usage_resolution_ms=0,
    )
    with InProcessNode(config) as node:
        yield node


def eventually(read: Callable[[], T], done: Callable[[T], bool], attempts: int = 100) -> T:
    """`read()` once `done` holds for it (the node writes usage stamps every 0.1 s)."""
    for _ in range(attempts):
        value = read()
        if done(value):
            return value
        time.sleep(0.1)
    raise AssertionError(f"never done: {value!r}")


def allow(*actions: str, resource: str = "*") -> str:
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def user_client(iam_node: InProcessNode, iam: Client, name: str, *actions: str) -> Client:
    """A client signing as a new user allowed `actions` (none: no permissions)."""
    iam.create_user(user_name=name)
    if actions:
        iam.put_user_policy(user_name=name, policy_name="p", policy_document=allow(*actions))
    key = iam.create_access_key(user_name=name).access_key
    assert key.secret_access_key is not None
    return Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    )


def report_rows(iam: Client) -> dict[str, dict[str, str]]:
    report = iam.get_credential_report()
    assert report.report_format == "text/csv"
    assert report.content is not None
    reader = csv.DictReader(io.StringIO(report.content.decode()))
    assert reader.fieldnames == AWS_COLUMNS
    return {row["user"]: row for row in reader}


# --- credential report ------------------------------------------------------------------------


def test_no_report_before_one_is_generated(iam: Client) -> None:
    with pytest.raises(ReportNotPresentError):
        iam.get_credential_report()


def test_generate_starts_once_then_is_complete(iam: Client) -> None:
    first = iam.generate_credential_report()
    assert (first.state, first.description) == (
        "STARTED",
        "No report exists. Starting a new report generation task",
    )
    assert iam.generate_credential_report().state == "COMPLETE"  # within four hours: the same
    generated = iam.get_credential_report().generated_time
    assert iam.get_credential_report().generated_time == generated


def test_report_columns_and_values_follow_aws(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account
    iam.create_user(user_name="nopass")  # no password, no key, no certificate
    with user_client(iam_node, iam, "alice", "iam:GetUser") as alice:
        iam.create_login_profile(user_name="alice", password=PASSWORD)
        second = iam.create_access_key(user_name="alice").access_key
        iam.update_access_key(
            user_name="alice", access_key_id=second.access_key_id, status="Inactive"
        )
        alice.get_user()  # signs with alice's first key
        sign_in(iam_node.address, account=account, user_name="alice", password=PASSWORD)
    iam.update_account_password_policy(max_password_age=90)
    iam.generate_credential_report()
    rows = report_rows(iam)
    assert list(rows) == ["<root_account>", "alice", "nopass"]

    root = rows["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{account}:root"
    assert ISO.fullmatch(root["user_creation_time"])
    assert [root[c] for c in ("password_enabled", "password_last_changed")] == [
        "not_supported", "not_supported",
    ]  # fmt: skip
    assert root["password_next_rotation"] == "not_supported"
    assert root["access_key_1_active"] == "true"  # the root's key this test signs with
    assert root["access_key_1_last_used_service"] == "iam"

    nopass = rows["nopass"]
    assert nopass["arn"] == f"arn:aws:iam::{account}:user/nopass"
    assert {c: nopass[c] for c in AWS_COLUMNS[3:]} == {
        "password_enabled": "false", "password_last_used": "N/A",
        "password_last_changed": "N/A", "password_next_rotation": "N/A", "mfa_active": "false",
        "access_key_1_active": "false", "access_key_1_last_rotated": "N/A",
        "access_key_1_last_used_date": "N/A", "access_key_1_last_used_region": "N/A",
        "access_key_1_last_used_service": "N/A",
        "access_key_2_active": "false", "access_key_2_last_rotated": "N/A",
        "access_key_2_last_used_date": "N/A", "access_key_2_last_used_region": "N/A",
        "access_key_2_last_used_service": "N/A",
        "cert_1_active": "false", "cert_1_last_rotated": "N/A",
        "cert_2_active": "false", "cert_2_last_rotated": "N/A",
    }  # fmt: skip

    alice_row = rows["alice"]
    assert alice_row["password_enabled"] == "true"
    for column in (
        "password_last_used", "password_last_changed", "password_next_rotation",
        "access_key_1_last_rotated", "access_key_2_last_rotated",
    ):  # fmt: skip
        assert ISO.fullmatch(alice_row[column]), column
    assert alice_row["password_next_rotation"] > alice_row["password_last_changed"]
    # Keys are listed oldest first; two made in the same millisecond may come in either order.
    keys = {
        alice_row[f"access_key_{n}_active"]: {
            c: alice_row[f"access_key_{n}_{c}"]
            for c in ("last_used_date", "last_used_region", "last_used_service")
        }
        for n in (1, 2)
    }
    assert set(keys) == {"true", "false"}
    assert ISO.fullmatch(keys["true"]["last_used_date"])
    assert keys["true"]["last_used_region"] == "us-east-1"
    assert keys["true"]["last_used_service"] == "iam"
    assert keys["false"] == dict.fromkeys(keys["false"], "N/A")  # never used


def test_another_accounts_report_is_never_visible(iam: Client, other_account: Client) -> None:
    iam.create_user(user_name="secret-user")
    iam.generate_credential_report()
    with pytest.raises(ReportNotPresentError):
        other_account.get_credential_report()
    other_account.generate_credential_report()
    assert "secret-user" not in report_rows(other_account)


def test_credential_report_needs_its_permissions(iam_node: InProcessNode, iam: Client) -> None:
    with (
        user_client(iam_node, iam, "nobody") as nobody,
        user_client(iam_node, iam, "auditor", "iam:GetCredentialReport") as auditor,
    ):
        iam.generate_credential_report()
        with pytest.raises(AccessDeniedError, match="iam:GenerateCredentialReport"):
            nobody.generate_credential_report()
        with pytest.raises(AccessDeniedError, match="iam:GetCredentialReport"):
            nobody.get_credential_report()
        assert set(report_rows(auditor)) == {"<root_account>", "auditor", "nobody"}


# --- service last accessed --------------------------------------------------------------------


def services(iam: Client, job_id: str) -> dict[str, Any]:
    report = iam.get_service_last_accessed_details(job_id=job_id, max_items=1000)
    assert report.job_status == "COMPLETED"
    return {s.service_namespace: s for s in report.services_last_accessed}


def test_authorize_decisions_feed_action_level_reports(iam: Client) -> None:
    arn = iam.create_user(user_name="bob").user.arn
    iam.put_user_policy(
        user_name="bob", policy_name="p", policy_document=allow("s3:GetObject", "iam:ListUsers")
    )
    denied = iam.authorize(
        principal_arn=arn, action="s3:DeleteBucket", resource_arn="arn:aws:s3:::b"
    )
    assert denied.decision == "ImplicitDeny"  # an attempt, denied: it still counts (AWS)
    iam.authorize(principal_arn=arn, action="s3:GetObject", resource_arn="arn:aws:s3:::b/k")
    job = iam.generate_service_last_accessed_details(arn=arn, granularity="ACTION_LEVEL").job_id
    found = eventually(lambda: services(iam, job), lambda s: s["s3"].last_authenticated is not None)
    assert list(found) == ["iam", "s3"]  # the services bob's policies allow, by namespace
    s3 = found["s3"]
    assert s3.service_name == "Amazon Simple Storage Service"
    assert (s3.last_authenticated_entity, s3.total_authenticated_entities) == (arn, 1)
    assert s3.last_authenticated_region == "us-east-1"
    actions = {a.action_name: a for a in s3.tracked_actions_last_accessed}
    assert set(actions) == {"GetObject"}  # DeleteBucket is not allowed: not listed
    assert actions["GetObject"].last_accessed_time is not None
    iam_entry = found["iam"]
    assert iam_entry.last_authenticated is None
    assert iam_entry.total_authenticated_entities == 0
    assert [a.action_name for a in iam_entry.tracked_actions_last_accessed] == ["ListUsers"]
    assert iam_entry.tracked_actions_last_accessed[0].last_accessed_time is None
    service_level = iam.generate_service_last_accessed_details(arn=arn).job_id
    report = iam.get_service_last_accessed_details(job_id=service_level)
    assert report.job_type == "SERVICE_LEVEL"
    assert all(s.tracked_actions_last_accessed == () for s in report.services_last_accessed)


def test_real_calls_feed_a_group_report_and_its_entities(
    iam_node: InProcessNode, iam: Client
) -> None:
    group = iam.create_group(group_name="readers").group
    iam.put_group_policy(group_name="readers", policy_name="p", policy_document=allow("iam:List*"))
    iam.create_user(user_name="dave")
    with user_client(iam_node, iam, "carol") as carol:
        for name in ("carol", "dave"):
            iam.add_user_to_group(group_name="readers", user_name=name)
        carol.list_users()  # a real IAM call, signed by carol
    job = iam.generate_service_last_accessed_details(arn=group.arn).job_id
    found = eventually(
        lambda: services(iam, job), lambda s: s["iam"].last_authenticated is not None
    )
    carol_arn = iam.get_user(user_name="carol").user.arn
    assert found["iam"].last_authenticated_entity == carol_arn
    entities = iam.get_service_last_accessed_details_with_entities(
        job_id=job, service_namespace="iam"
    )
    assert entities.job_status == "COMPLETED"
    listed = {e.entity_info.name: e for e in entities.entity_details_list}
    assert set(listed) == {"carol", "dave"}
    assert listed["carol"].last_authenticated is not None
    assert listed["carol"].entity_info.type == "USER"
    assert listed["dave"].last_authenticated is None


def test_policy_reports_count_the_entities_it_is_attached_to(iam: Client) -> None:
    policy = iam.create_policy(policy_name="ec2", policy_document=allow("ec2:RunInstances"))
    arn = policy.policy.arn
    assert arn is not None
    role = iam.create_role(role_name="runner", assume_role_policy_document=TRUST_EC2).role
    iam.attach_role_policy(role_name="runner", policy_arn=arn)
    iam.create_user(user_name="erin")
    iam.attach_user_policy(user_name="erin", policy_arn=arn)
    iam.authorize(principal_arn=role.arn, action="ec2:RunInstances", resource_arn="*")
    job = iam.generate_service_last_accessed_details(arn=arn).job_id
    found = eventually(
        lambda: services(iam, job), lambda s: s["ec2"].last_authenticated is not None
    )
    assert list(found) == ["ec2"]
    assert found["ec2"].last_authenticated_entity == role.arn
    last_used = iam.get_role(role_name="runner").role.role_last_used  # GetRole shows it too
    assert last_used is not None
    assert last_used.last_used_date is not None
    assert last_used.region == "us-east-1"
    entities = iam.get_service_last_accessed_details_with_entities(
        job_id=job, service_namespace="ec2", max_items=1
    )
    assert entities.is_truncated
    assert entities.marker
    rest = iam.get_service_last_accessed_details_with_entities(
        job_id=job, service_namespace="ec2", marker=entities.marker
    )
    both = [*entities.entity_details_list, *rest.entity_details_list]
    assert sorted((e.entity_info.name, e.entity_info.type) for e in both) == [
        ("erin", "USER"), ("runner", "ROLE"),
    ]  # fmt: skip


def test_reports_page_through_every_service(iam: Client) -> None:
    arn = iam.create_user(user_name="admin").user.arn
    iam.put_user_policy(user_name="admin", policy_name="all", policy_document=allow("*"))
    job = iam.generate_service_last_accessed_details(arn=arn).job_id
    everything = [s.service_namespace for s in services(iam, job).values()]
    assert len(everything) > 300
    assert {"iam", "s3", "sts", "ec2"} <= set(everything)
    pages: list[str] = []
    marker: str | None = None
    while True:
        page = iam.get_service_last_accessed_details(job_id=job, max_items=50, marker=marker)
        pages += [s.service_namespace for s in page.services_last_accessed]
        if not page.is_truncated:
            break
        marker = page.marker
    assert pages == sorted(everything)


def test_last_accessed_errors(iam: Client, other_account: Client) -> None:
    arn = iam.create_user(user_name="frank").user.arn
    account = iam.get_caller_identity().account
    with pytest.raises(NoSuchEntityError):
        iam.generate_service_last_accessed_details(arn=f"arn:aws:iam::{account}:user/nobody")
    with pytest.raises(ValidationError):
        iam.generate_service_last_accessed_details(arn=arn, granularity="EVERYTHING")
    with pytest.raises(ValidationError):  # the model's length: 36 characters
        iam.get_service_last_accessed_details(job_id="short")
    with pytest.raises(InvalidInputError):
        iam.get_service_last_accessed_details(job_id="x" * 36)
    job = iam.generate_service_last_accessed_details(arn=arn).job_id
    with pytest.raises(ValidationError):
        iam.get_service_last_accessed_details(job_id=job, max_items=0)
    with pytest.raises(NoSuchEntityError):  # another account's job is no job at all
        other_account.get_service_last_accessed_details(job_id=job)
    with pytest.raises(NoSuchEntityError):  # nor another account's user
        other_account.generate_service_last_accessed_details(arn=arn)
    iam.delete_user(user_name="frank")
    failed = iam.get_service_last_accessed_details(job_id=job)
    assert failed.job_status == "FAILED"
    assert failed.error is not None
    assert failed.error.code == "NoSuchEntity"


def test_last_accessed_needs_permission_on_the_entity(iam_node: InProcessNode, iam: Client) -> None:
    watched = iam.create_user(user_name="watched").user.arn
    other = iam.create_user(user_name="other").user.arn
    with user_client(iam_node, iam, "viewer") as viewer:
        iam.put_user_policy(
            user_name="viewer",
            policy_name="one",
            policy_document=allow("iam:GenerateServiceLastAccessedDetails", resource=watched),
        )
        viewer.generate_service_last_accessed_details(arn=watched, at_least=iam.consistency_token)
        with pytest.raises(AccessDeniedError, match="GenerateServiceLastAccessedDetails"):
            viewer.generate_service_last_accessed_details(arn=other)
        job = iam.generate_service_last_accessed_details(arn=other).job_id
        with pytest.raises(AccessDeniedError, match="GetServiceLastAccessedDetails"):
            viewer.get_service_last_accessed_details(job_id=job)


# --- AWS's wire -------------------------------------------------------------------------------


def test_reports_over_aws_http_with_boto3(iam_node: InProcessNode, management: Client) -> None:
    session = fresh_account(iam_node, management)
    aws_iam = session.client("iam", endpoint_url=http_url(iam_node), config=NO_RETRIES)
    aws_iam.create_user(UserName="hugo")
    assert aws_iam.generate_credential_report()["State"] == "STARTED"
    report = aws_iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    lines = report["Content"].decode().splitlines()  # boto3 decoded AWS's base64
    assert lines[0].split(",") == AWS_COLUMNS
    assert lines[1].startswith("<root_account>,")
    assert lines[2].startswith("hugo,")
    arn = aws_iam.get_user(UserName="hugo")["User"]["Arn"]
    job = aws_iam.generate_service_last_accessed_details(Arn=arn)["JobId"]
    details = aws_iam.get_service_last_accessed_details(JobId=job)
    assert details["JobStatus"] == "COMPLETED"
    assert details["ServicesLastAccessed"] == []
    with pytest.raises(aws_iam.exceptions.NoSuchEntityException):
        aws_iam.get_service_last_accessed_details(JobId="0" * 8 + "-0000-4000-8000-" + "0" * 12)


# --- CLI --------------------------------------------------------------------------------------


def test_reports_from_the_cli(iam_node: InProcessNode, management: Client, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from iamstore.client.cli import cli

    root = management.create_account(account_name="cli-reports").root_credentials
    assert root is not None
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[default]\naws_access_key_id = {root.access_key_id}\n"
        f"aws_secret_access_key = {root.secret_access_key}\n"
    )

    def run(*args: str) -> Any:
        result = CliRunner().invoke(
            cli, [*args, "--endpoint", iam_node.address, "--credentials-file", str(credentials)]
        )
        assert result.exit_code == 0, f"{args}: {result.output}"
        return json.loads(result.stdout)

    user = run("iam", "create-user", "--user-name", "ivy")["User"]
    assert run("iam", "generate-credential-report")["State"] == "STARTED"
    report = run("iam", "get-credential-report")
    assert report["ReportFormat"] == "text/csv"
    # As the aws CLI prints it: the CSV's bytes in base64.
    lines = base64.b64decode(report["Content"]).decode().splitlines()
    assert lines[0].split(",") == AWS_COLUMNS
    assert lines[2].startswith("ivy,")
    job = run("iam", "generate-service-last-accessed-details", "--arn", user["Arn"])["JobId"]
    details = run("iam", "get-service-last-accessed-details", "--job-id", job)
    assert details["JobStatus"] == "COMPLETED"


def test_an_aws_managed_policy_report_counts_only_the_callers_account(
    iam: Client, other_account: Client
) -> None:
    policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    for client, name in ((iam, "mine"), (other_account, "theirs")):
        arn = client.create_user(user_name=name).user.arn
        client.attach_user_policy(user_name=name, policy_arn=policy_arn)
        client.authorize(principal_arn=arn, action="s3:GetObject", resource_arn="*")
    job = iam.generate_service_last_accessed_details(arn=policy_arn).job_id
    found = eventually(lambda: services(iam, job), lambda s: s["s3"].last_authenticated is not None)
    assert found["s3"].last_authenticated_entity == iam.get_user(user_name="mine").user.arn
    assert found["s3"].total_authenticated_entities == 1
    entities = iam.get_service_last_accessed_details_with_entities(
        job_id=job, service_namespace="s3"
    )
    assert [e.entity_info.name for e in entities.entity_details_list] == ["mine"]
