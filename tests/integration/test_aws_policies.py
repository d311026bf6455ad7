"""AWS managed policies: every account sees them, read-only, attachable, usable as boundaries."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from iam_helpers import TRUST_EC2

from iamstore.client import AccessDeniedError, Client, NoSuchEntityError

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
BUCKET = "arn:aws:s3:::bucket"


def decide(iam: Client, principal: str, action: str, resource: str) -> str:
    result = iam.authorize(
        principal_arn=principal,
        action=action,
        resource_arn=resource,
        at_least=iam.consistency_token,
    )
    return result.decision


def test_get_policy_and_its_published_version(iam: Client) -> None:
    policy = iam.get_policy(policy_arn=LAMBDA_BASIC).policy
    assert (policy.policy_name, policy.path, policy.arn) == (
        "AWSLambdaBasicExecutionRole", "/service-role/", LAMBDA_BASIC,
    )  # fmt: skip
    assert policy.policy_id is not None
    assert policy.policy_id.startswith("ANPA")
    assert policy.is_attachable is True
    assert policy.attachment_count == 0
    version_id = policy.default_version_id
    assert version_id is not None
    version = iam.get_policy_version(policy_arn=LAMBDA_BASIC, version_id=version_id)
    assert version.policy_version.is_default_version is True
    document = json.loads(version.policy_version.document or "")
    actions = {
        a
        for s in document["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert "logs:PutLogEvents" in actions
    listed = iam.list_policy_versions(policy_arn=LAMBDA_BASIC).versions
    assert [(v.version_id, v.is_default_version) for v in listed] == [(version_id, True)]


def test_unknown_aws_policy_does_not_exist(iam: Client) -> None:
    with pytest.raises(NoSuchEntityError):
        iam.get_policy(policy_arn="arn:aws:iam::aws:policy/NoSuchPolicyAtAll")
    iam.create_user(user_name="u")
    with pytest.raises(NoSuchEntityError):
        iam.attach_user_policy(user_name="u", policy_arn="arn:aws:iam::aws:policy/Nope")


def test_attached_aws_policy_grants_what_its_document_says(iam: Client) -> None:
    arn = iam.create_user(user_name="alice").user.arn
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k") == "ImplicitDeny"
    iam.attach_user_policy(user_name="alice", policy_arn=S3_READ)
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k") == "Allow"
    assert decide(iam, arn, "s3:PutObject", f"{BUCKET}/k") == "ImplicitDeny"
    attached = iam.list_attached_user_policies(user_name="alice").attached_policies
    assert [(p.policy_name, p.policy_arn) for p in attached] == [
        ("AmazonS3ReadOnlyAccess", S3_READ)
    ]
    iam.detach_user_policy(user_name="alice", policy_arn=S3_READ)
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k") == "ImplicitDeny"


def test_aws_policy_as_a_permissions_boundary(iam: Client) -> None:
    arn = iam.create_user(user_name="alice").user.arn
    everything = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    )
    iam.put_user_policy(user_name="alice", policy_name="all", policy_document=everything)
    iam.put_user_permissions_boundary(user_name="alice", permissions_boundary=S3_READ)
    boundary = iam.get_user(user_name="alice").user.permissions_boundary
    assert boundary is not None
    assert boundary.permissions_boundary_arn == S3_READ
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k") == "Allow"
    assert decide(iam, arn, "s3:PutObject", f"{BUCKET}/k") == "ImplicitDeny"
    assert iam.get_policy(policy_arn=S3_READ).policy.permissions_boundary_usage_count == 1


def test_counts_and_listings_see_only_the_callers_account(
    iam: Client, other_account: Client
) -> None:
    iam.create_user(user_name="u")
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    iam.attach_user_policy(user_name="u", policy_arn=READ_ONLY)
    iam.attach_role_policy(role_name="r", policy_arn=READ_ONLY)
    assert iam.get_policy(policy_arn=READ_ONLY).policy.attachment_count == 2
    entities = iam.list_entities_for_policy(policy_arn=READ_ONLY)
    assert [u.user_name for u in entities.policy_users] == ["u"]
    assert [r.role_name for r in entities.policy_roles] == ["r"]
    names = {p.policy_name for p in iam.list_policies(scope="AWS", only_attached=True).policies}
    assert names == {"ReadOnlyAccess"}
    assert iam.list_policies(scope="Local", only_attached=True).policies == ()
    # The other account shares the catalog, not the attachments.
    assert other_account.get_policy(policy_arn=READ_ONLY).policy.attachment_count == 0
    assert other_account.list_entities_for_policy(policy_arn=READ_ONLY).policy_users == ()
    assert other_account.list_policies(scope="AWS", only_attached=True).policies == ()


def test_list_policies_scopes_and_paths(iam: Client) -> None:
    iam.create_policy(
        policy_name="mine",
        policy_document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
        path="/service-role/",
    )

    def names(scope: str) -> set[str]:
        page = iam.list_policies(scope=scope, path_prefix="/service-role/", max_items=1000)
        return {p.policy_name or "" for p in page.policies}

    aws = names("AWS")
    assert "AWSLambdaBasicExecutionRole" in aws
    assert "mine" not in aws
    assert names("Local") == {"mine"}
    assert names("All") == aws | {"mine"}


def test_pagination_walks_every_aws_policy_once(iam: Client) -> None:
    seen: list[str] = []
    marker: str | None = None
    while True:
        page = iam.list_policies(scope="AWS", max_items=1000, marker=marker)
        seen.extend(p.arn or "" for p in page.policies)
        if not page.is_truncated:
            break
        marker = page.marker
    assert len(seen) == len(set(seen)) > 1000
    assert READ_ONLY in seen


def test_aws_policies_are_read_only(iam: Client) -> None:
    # "AWS managed policies" (IAM User Guide): you cannot change them; AWS answers AccessDenied.
    version_id = iam.get_policy(policy_arn=READ_ONLY).policy.default_version_id
    assert version_id is not None
    document = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    )
    refused: list[Callable[[], object]] = [
        lambda: iam.delete_policy(policy_arn=READ_ONLY),
        lambda: iam.create_policy_version(
            policy_arn=READ_ONLY, policy_document=document, set_as_default=True
        ),
        lambda: iam.set_default_policy_version(policy_arn=READ_ONLY, version_id=version_id),
        lambda: iam.delete_policy_version(policy_arn=READ_ONLY, version_id=version_id),
        lambda: iam.tag_policy(policy_arn=READ_ONLY, tags=[{"Key": "k", "Value": "v"}]),
        lambda: iam.untag_policy(policy_arn=READ_ONLY, tag_keys=["k"]),
    ]
    for call in refused:
        with pytest.raises(AccessDeniedError):
            call()
    after = iam.get_policy(policy_arn=READ_ONLY).policy
    assert after.default_version_id == version_id
    assert after.tags == ()
    assert len(iam.list_policy_versions(policy_arn=READ_ONLY).versions) == 1
