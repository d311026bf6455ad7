"""Inline policies of users, groups and roles, their size quotas, and permissions boundaries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from iam_helpers import ALLOW_S3, TRUST_EC2

from iamstore.client import (
    Client,
    DeleteConflictError,
    LimitExceededError,
    MalformedPolicyDocumentError,
    NoSuchEntityError,
)

ALLOW_EC2 = ALLOW_S3.replace("s3:GetObject", "ec2:Describe*")

# "IAM and AWS STS quotas": aggregate inline policy size per entity, whitespace not counted.
INLINE_QUOTA = {"user": 2048, "group": 5120, "role": 10240}


def sized_policy(size: int, spaces: int = 0) -> str:
    """A valid identity policy of exactly `size` non-whitespace characters, plus `spaces`."""
    head = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
    head += '"Resource":"arn:aws:s3:::'
    tail = '"}]}'
    document = head + "b" * (size - len(head) - len(tail)) + tail
    assert len(document) == size
    return document.replace(",", "," + " " * spaces, 1)


class Owner:
    """Calls the inline-policy operations of one principal kind by their uniform names."""

    def __init__(self, iam: Client, kind: str, name: str = "owner") -> None:
        self.iam, self.kind, self.name = iam, kind, name
        if kind == "user":
            iam.create_user(user_name=name)
        elif kind == "group":
            iam.create_group(group_name=name)
        else:
            iam.create_role(role_name=name, assume_role_policy_document=TRUST_EC2)

    def _op(self, verb: str, **params: str) -> Any:
        method = getattr(self.iam, verb.format(kind=self.kind))
        return method(**{f"{self.kind}_name": self.name}, **params)

    def put(self, policy_name: str, document: str) -> None:
        self._op("put_{kind}_policy", policy_name=policy_name, policy_document=document)

    def get(self, policy_name: str) -> str:
        found = self._op("get_{kind}_policy", policy_name=policy_name)
        assert found.policy_name == policy_name
        assert getattr(found, f"{self.kind}_name") == self.name
        document = found.policy_document
        assert isinstance(document, str)
        return document

    def delete(self, policy_name: str) -> None:
        self._op("delete_{kind}_policy", policy_name=policy_name)

    def names(self) -> list[str]:
        return list(self._op("list_{kind}_policies").policy_names)


KINDS = ["user", "group", "role"]


@pytest.mark.parametrize("kind", KINDS)
def test_inline_policy_put_get_list_replace_delete(iam: Client, kind: str) -> None:
    owner = Owner(iam, kind)
    owner.put("read", ALLOW_S3)
    owner.put("describe", ALLOW_EC2)
    assert sorted(owner.names()) == ["describe", "read"]
    assert json.loads(owner.get("read")) == json.loads(ALLOW_S3)
    owner.put("read", ALLOW_EC2)  # same name: replaced
    assert json.loads(owner.get("read")) == json.loads(ALLOW_EC2)
    assert sorted(owner.names()) == ["describe", "read"]
    owner.delete("read")
    assert owner.names() == ["describe"]
    with pytest.raises(NoSuchEntityError):
        owner.get("read")
    with pytest.raises(NoSuchEntityError):
        owner.delete("read")


@pytest.mark.parametrize("kind", KINDS)
def test_inline_policy_on_a_missing_owner_is_no_such_entity(iam: Client, kind: str) -> None:
    with pytest.raises(NoSuchEntityError):
        getattr(iam, f"put_{kind}_policy")(
            **{f"{kind}_name": "ghost"}, policy_name="p", policy_document=ALLOW_S3
        )
    with pytest.raises(NoSuchEntityError):
        getattr(iam, f"list_{kind}_policies")(**{f"{kind}_name": "ghost"})


@pytest.mark.parametrize("kind", KINDS)
def test_malformed_inline_policy_stores_nothing(iam: Client, kind: str) -> None:
    owner = Owner(iam, kind)
    owner.put("keep", ALLOW_S3)
    with pytest.raises(MalformedPolicyDocumentError) as raised:
        owner.put("keep", ALLOW_S3.replace('"Action"', '"Actions"'))
    assert "/Statement/0" in raised.value.message
    with pytest.raises(MalformedPolicyDocumentError):
        owner.put("new", "not json")
    assert owner.names() == ["keep"]
    assert json.loads(owner.get("keep")) == json.loads(ALLOW_S3)


@pytest.mark.parametrize("kind", KINDS)
def test_inline_size_quota_is_exact_and_ignores_whitespace(iam: Client, kind: str) -> None:
    quota = INLINE_QUOTA[kind]
    owner = Owner(iam, kind)
    owner.put("full", sized_policy(quota, spaces=300))
    with pytest.raises(LimitExceededError):
        owner.put("over", sized_policy(quota + 1))
    with pytest.raises(LimitExceededError):
        owner.put("full", sized_policy(quota + 1))
    assert owner.names() == ["full"]
    assert owner.get("full") == sized_policy(quota, spaces=300)


@pytest.mark.parametrize("kind", KINDS)
def test_inline_size_quota_counts_the_aggregate(iam: Client, kind: str) -> None:
    quota = INLINE_QUOTA[kind]
    half = quota // 2
    owner = Owner(iam, kind)
    owner.put("one", sized_policy(half))
    owner.put("two", sized_policy(quota - half))
    with pytest.raises(LimitExceededError):
        owner.put("three", ALLOW_S3)
    # Replacing a policy counts its new size, not old plus new.
    owner.put("two", sized_policy(quota - half - 10))
    assert sorted(owner.names()) == ["one", "two"]


def boundary_of(iam: Client, kind: str, name: str) -> str | None:
    entity = (
        iam.get_user(user_name=name).user if kind == "user" else iam.get_role(role_name=name).role
    )
    if entity.permissions_boundary is None:
        return None
    assert entity.permissions_boundary.permissions_boundary_type == "PermissionsBoundaryPolicy"
    return entity.permissions_boundary.permissions_boundary_arn


@pytest.mark.parametrize("kind", ["user", "role"])
def test_permissions_boundary_shown_and_counted(iam: Client, kind: str) -> None:
    # GetUser/GetRole show PermissionsBoundary; GetPolicy counts PermissionsBoundaryUsageCount
    # separately from AttachmentCount.
    Owner(iam, kind, "bounded")
    arn = iam.create_policy(policy_name="edge", policy_document=ALLOW_S3).policy.arn
    other = iam.create_policy(policy_name="edge2", policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    assert other is not None
    put = getattr(iam, f"put_{kind}_permissions_boundary")
    delete = getattr(iam, f"delete_{kind}_permissions_boundary")
    assert boundary_of(iam, kind, "bounded") is None
    put(**{f"{kind}_name": "bounded"}, permissions_boundary=arn)
    assert boundary_of(iam, kind, "bounded") == arn
    policy = iam.get_policy(policy_arn=arn).policy
    assert (policy.permissions_boundary_usage_count, policy.attachment_count) == (1, 0)
    # Putting another boundary replaces the first.
    put(**{f"{kind}_name": "bounded"}, permissions_boundary=other)
    assert boundary_of(iam, kind, "bounded") == other
    assert iam.get_policy(policy_arn=arn).policy.permissions_boundary_usage_count == 0
    assert iam.get_policy(policy_arn=other).policy.permissions_boundary_usage_count == 1
    # A policy in use as a boundary cannot be deleted.
    with pytest.raises(DeleteConflictError):
        iam.delete_policy(policy_arn=other)
    delete(**{f"{kind}_name": "bounded"})
    assert boundary_of(iam, kind, "bounded") is None
    assert iam.get_policy(policy_arn=other).policy.permissions_boundary_usage_count == 0
    iam.delete_policy(policy_arn=other)


@pytest.mark.parametrize("kind", ["user", "role"])
def test_missing_boundary_policy_or_entity_is_no_such_entity(iam: Client, kind: str) -> None:
    Owner(iam, kind, "bounded")
    account = iam.get_user().user.user_id
    put = getattr(iam, f"put_{kind}_permissions_boundary")
    with pytest.raises(NoSuchEntityError):
        put(
            **{f"{kind}_name": "bounded"},
            permissions_boundary=f"arn:aws:iam::{account}:policy/none",
        )
    assert boundary_of(iam, kind, "bounded") is None
    arn = iam.create_policy(policy_name="edge", policy_document=ALLOW_S3).policy.arn
    with pytest.raises(NoSuchEntityError):
        put(**{f"{kind}_name": "ghost"}, permissions_boundary=arn)
    assert iam.get_policy(policy_arn=arn or "").policy.permissions_boundary_usage_count == 0


def test_create_role_with_boundary(iam: Client) -> None:
    arn = iam.create_policy(policy_name="edge", policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    created = iam.create_role(
        role_name="r", assume_role_policy_document=TRUST_EC2, permissions_boundary=arn
    ).role
    assert created.permissions_boundary is not None
    assert created.permissions_boundary.permissions_boundary_arn == arn
    assert boundary_of(iam, "role", "r") == arn
    assert iam.get_policy(policy_arn=arn).policy.permissions_boundary_usage_count == 1
