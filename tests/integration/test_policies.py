"""Managed policies end to end: versions, attachments, quotas, listing filters and tags."""

from __future__ import annotations

import json

import pytest
from iam_helpers import ALLOW_S3, TRUST_EC2

from iamstore.client import (
    Client,
    DeleteConflictError,
    EntityAlreadyExistsError,
    InvalidInputError,
    LimitExceededError,
    MalformedPolicyDocumentError,
    NoSuchEntityError,
)

ALLOW_EC2 = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}'
)


def sized_policy(size: int, spaces: int = 0) -> str:
    """A valid identity policy of exactly `size` non-whitespace characters, plus `spaces`."""
    head = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
    head += '"Resource":"arn:aws:s3:::'
    tail = '"}]}'
    document = head + "b" * (size - len(head) - len(tail)) + tail
    assert len(document) == size
    return document.replace(",", "," + " " * spaces, 1)


def create(iam: Client, name: str, document: str = ALLOW_S3, path: str | None = None) -> str:
    arn = iam.create_policy(policy_name=name, policy_document=document, path=path).policy.arn
    assert arn is not None
    return arn


def versions(iam: Client, arn: str) -> dict[str, bool | None]:
    return {
        v.version_id or "": v.is_default_version
        for v in iam.list_policy_versions(policy_arn=arn).versions
    }


def test_create_policy_returns_what_get_policy_reads(iam: Client) -> None:
    # "IAM identifiers": managed policy ids start with ANPA; the first version is v1.
    created = iam.create_policy(
        policy_name="read-s3", policy_document=ALLOW_S3, path="/data/", description="reads objects"
    ).policy
    assert created.policy_id is not None
    assert created.policy_id.startswith("ANPA")
    assert created.arn is not None
    assert created.arn.endswith(":policy/data/read-s3")
    assert created.default_version_id == "v1"
    assert created.attachment_count == 0
    assert created.is_attachable is True
    read = iam.get_policy(policy_arn=created.arn).policy
    assert (read.policy_id, read.policy_name, read.path, read.description) == (
        created.policy_id,
        "read-s3",
        "/data/",
        "reads objects",
    )
    version = iam.get_policy_version(policy_arn=created.arn, version_id="v1").policy_version
    assert version.is_default_version is True
    assert version.document is not None
    assert json.loads(version.document) == json.loads(ALLOW_S3)


def test_policy_names_are_unique_regardless_of_case(iam: Client) -> None:
    create(iam, "Reader")
    with pytest.raises(EntityAlreadyExistsError):
        create(iam, "READER")
    assert [p.policy_name for p in iam.list_policies(scope="Local").policies] == ["Reader"]


def test_malformed_document_is_rejected_with_its_location(iam: Client) -> None:
    # MalformedPolicyDocument: "The error message describes the specific error."
    bad_effect = ALLOW_S3.replace('"Allow"', '"Maybe"')
    with pytest.raises(MalformedPolicyDocumentError) as raised:
        create(iam, "bad", bad_effect)
    assert "/Statement/0/Effect" in raised.value.message
    no_resource = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}'
    with pytest.raises(MalformedPolicyDocumentError) as raised:
        create(iam, "bad", no_resource)
    assert "/Statement/0" in raised.value.message
    assert iam.list_policies(scope="Local").policies == ()


def test_identity_policy_may_not_name_a_principal(iam: Client) -> None:
    with pytest.raises(MalformedPolicyDocumentError) as raised:
        create(
            iam, "bad", TRUST_EC2.replace('"sts:AssumeRole"', '"sts:AssumeRole", "Resource": "*"')
        )
    assert "Principal" in raised.value.message
    assert iam.list_policies(scope="Local").policies == ()


def test_managed_policy_size_is_capped_at_6144_characters(iam: Client) -> None:
    # "IAM and AWS STS quotas": managed policy 6,144 characters; whitespace is not counted.
    create(iam, "exact", sized_policy(6144, spaces=500))
    with pytest.raises(LimitExceededError):
        create(iam, "over", sized_policy(6145))
    assert [p.policy_name for p in iam.list_policies(scope="Local").policies] == ["exact"]


def test_get_missing_policy_and_invalid_arn(iam: Client) -> None:
    account = iam.get_user().user.user_id
    with pytest.raises(NoSuchEntityError):
        iam.get_policy(policy_arn=f"arn:aws:iam::{account}:policy/none")
    with pytest.raises(InvalidInputError):
        iam.get_policy(policy_arn="not-an-arn-but-long-enough")


def test_policy_versions_lifecycle(iam: Client) -> None:
    arn = create(iam, "p")
    v2 = iam.create_policy_version(policy_arn=arn, policy_document=ALLOW_EC2).policy_version
    assert (v2.version_id, v2.is_default_version) == ("v2", False)
    v3 = iam.create_policy_version(
        policy_arn=arn, policy_document=ALLOW_EC2, set_as_default=True
    ).policy_version
    assert (v3.version_id, v3.is_default_version) == ("v3", True)
    assert iam.get_policy(policy_arn=arn).policy.default_version_id == "v3"
    assert versions(iam, arn) == {"v1": False, "v2": False, "v3": True}
    iam.set_default_policy_version(policy_arn=arn, version_id="v1")
    assert versions(iam, arn) == {"v1": True, "v2": False, "v3": False}
    iam.delete_policy_version(policy_arn=arn, version_id="v3")
    assert versions(iam, arn) == {"v1": True, "v2": False}
    # Version ids are never reused.
    v4 = iam.create_policy_version(policy_arn=arn, policy_document=ALLOW_EC2).policy_version
    assert v4.version_id == "v4"
    document = iam.get_policy_version(policy_arn=arn, version_id="v4").policy_version.document
    assert document is not None
    assert json.loads(document) == json.loads(ALLOW_EC2)


def test_at_most_five_versions_per_policy(iam: Client) -> None:
    # "IAM and AWS STS quotas": versions of a managed policy: 5.
    arn = create(iam, "p")
    for _ in range(4):
        iam.create_policy_version(policy_arn=arn, policy_document=ALLOW_EC2)
    with pytest.raises(LimitExceededError):
        iam.create_policy_version(policy_arn=arn, policy_document=ALLOW_EC2, set_as_default=True)
    assert versions(iam, arn) == {"v1": True, "v2": False, "v3": False, "v4": False, "v5": False}


def test_bad_new_version_changes_nothing(iam: Client) -> None:
    arn = create(iam, "p")
    with pytest.raises(MalformedPolicyDocumentError):
        iam.create_policy_version(policy_arn=arn, policy_document="{}", set_as_default=True)
    with pytest.raises(LimitExceededError):
        iam.create_policy_version(policy_arn=arn, policy_document=sized_policy(6145))
    assert versions(iam, arn) == {"v1": True}
    assert iam.get_policy(policy_arn=arn).policy.default_version_id == "v1"


def test_default_version_cannot_be_deleted(iam: Client) -> None:
    # DeletePolicyVersion: "You cannot delete the default version from a policy".
    arn = create(iam, "p")
    iam.create_policy_version(policy_arn=arn, policy_document=ALLOW_EC2)
    with pytest.raises(DeleteConflictError):
        iam.delete_policy_version(policy_arn=arn, version_id="v1")
    assert versions(iam, arn) == {"v1": True, "v2": False}


def test_missing_versions_are_no_such_entity(iam: Client) -> None:
    arn = create(iam, "p")
    with pytest.raises(NoSuchEntityError):
        iam.get_policy_version(policy_arn=arn, version_id="v9")
    with pytest.raises(NoSuchEntityError):
        iam.set_default_policy_version(policy_arn=arn, version_id="v9")
    with pytest.raises(NoSuchEntityError):
        iam.delete_policy_version(policy_arn=arn, version_id="v9")
    assert iam.get_policy(policy_arn=arn).policy.default_version_id == "v1"


def test_delete_policy_with_non_default_versions_is_a_delete_conflict(iam: Client) -> None:
    # DeletePolicy: delete all the policy's non-default versions first.
    arn = create(iam, "p")
    iam.create_policy_version(policy_arn=arn, policy_document=ALLOW_EC2)
    with pytest.raises(DeleteConflictError):
        iam.delete_policy(policy_arn=arn)
    assert iam.get_policy(policy_arn=arn).policy.policy_name == "p"
    iam.delete_policy_version(policy_arn=arn, version_id="v2")
    iam.delete_policy(policy_arn=arn)
    with pytest.raises(NoSuchEntityError):
        iam.get_policy(policy_arn=arn)
    with pytest.raises(NoSuchEntityError):
        iam.get_policy_version(policy_arn=arn, version_id="v1")


def test_attach_and_detach_for_every_principal_kind(iam: Client) -> None:
    arn = create(iam, "p", path="/team/")
    iam.create_user(user_name="u")
    iam.create_group(group_name="g")
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    iam.attach_user_policy(user_name="u", policy_arn=arn)
    iam.attach_group_policy(group_name="g", policy_arn=arn)
    iam.attach_role_policy(role_name="r", policy_arn=arn)
    iam.attach_user_policy(user_name="u", policy_arn=arn)  # again: no change
    assert iam.get_policy(policy_arn=arn).policy.attachment_count == 3
    expected = [("p", arn)]
    listed = [
        iam.list_attached_user_policies(user_name="u").attached_policies,
        iam.list_attached_group_policies(group_name="g").attached_policies,
        iam.list_attached_role_policies(role_name="r").attached_policies,
    ]
    for attached in listed:
        assert [(a.policy_name, a.policy_arn) for a in attached] == expected
    assert iam.list_attached_user_policies(user_name="u", path_prefix="/team/").attached_policies
    assert iam.list_attached_user_policies(user_name="u", path_prefix="/x/").attached_policies == ()
    iam.detach_user_policy(user_name="u", policy_arn=arn)
    iam.detach_group_policy(group_name="g", policy_arn=arn)
    iam.detach_role_policy(role_name="r", policy_arn=arn)
    assert iam.get_policy(policy_arn=arn).policy.attachment_count == 0
    assert iam.list_attached_role_policies(role_name="r").attached_policies == ()


def test_detaching_what_is_not_attached_is_no_such_entity(iam: Client) -> None:
    arn = create(iam, "p")
    iam.create_user(user_name="u")
    with pytest.raises(NoSuchEntityError):
        iam.detach_user_policy(user_name="u", policy_arn=arn)
    with pytest.raises(NoSuchEntityError):
        iam.attach_user_policy(user_name="ghost", policy_arn=arn)
    with pytest.raises(NoSuchEntityError):
        iam.attach_user_policy(user_name="u", policy_arn=arn.replace(":policy/p", ":policy/q"))
    with pytest.raises(InvalidInputError):
        iam.attach_user_policy(user_name="u", policy_arn="no-arn-but-twenty-chars")
    assert iam.list_attached_user_policies(user_name="u").attached_policies == ()


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_at_most_ten_managed_policies_per_entity(iam: Client, kind: str) -> None:
    # "IAM and AWS STS quotas": managed policies attached to a user, group or role: 10.
    iam.create_user(user_name="e")
    iam.create_group(group_name="e")
    iam.create_role(role_name="e", assume_role_policy_document=TRUST_EC2)
    arns = [create(iam, f"p{i:02d}") for i in range(11)]
    attach = getattr(iam, f"attach_{kind}_policy")
    listing = getattr(iam, f"list_attached_{kind}_policies")
    for arn in arns[:10]:
        attach(**{f"{kind}_name": "e", "policy_arn": arn})
    with pytest.raises(LimitExceededError):
        attach(**{f"{kind}_name": "e", "policy_arn": arns[10]})
    attached = listing(**{f"{kind}_name": "e"}).attached_policies
    assert {a.policy_arn for a in attached} == set(arns[:10])
    assert iam.get_policy(policy_arn=arns[10]).policy.attachment_count == 0


def test_attached_policy_cannot_be_deleted(iam: Client) -> None:
    # DeletePolicy: detach the policy from every user, group and role first.
    arn = create(iam, "p")
    iam.create_group(group_name="g")
    iam.attach_group_policy(group_name="g", policy_arn=arn)
    with pytest.raises(DeleteConflictError):
        iam.delete_policy(policy_arn=arn)
    assert iam.get_policy(policy_arn=arn).policy.attachment_count == 1
    iam.detach_group_policy(group_name="g", policy_arn=arn)
    iam.delete_policy(policy_arn=arn)
    assert iam.list_policies(scope="Local").policies == ()


def test_list_policies_filters(iam: Client) -> None:
    # ListPolicies: Scope, OnlyAttached, PathPrefix and PolicyUsageFilter.
    attached = create(iam, "attached", path="/a/")
    boundary = create(iam, "boundary", path="/b/")
    create(iam, "idle", path="/a/")
    iam.create_user(user_name="u")
    iam.attach_user_policy(user_name="u", policy_arn=attached)
    iam.put_user_permissions_boundary(user_name="u", permissions_boundary=boundary)

    def names(**filters: object) -> set[str]:
        return {p.policy_name or "" for p in iam.list_policies(**filters).policies}  # type: ignore[arg-type]

    assert names(scope="Local") == {"attached", "boundary", "idle"}
    # The default scope, All, lists AWS managed policies too (see test_aws_policies.py).
    assert names(only_attached=True) == {"attached", "boundary"}
    assert "ViewOnlyAccess" in names(scope="AWS", path_prefix="/job-function/")
    assert names(scope="AWS", only_attached=True) == set()
    assert names(scope="Local", path_prefix="/a/") == {"attached", "idle"}
    assert names(scope="Local", only_attached=True) >= {"attached"}
    assert "idle" not in names(scope="Local", only_attached=True)
    assert names(scope="Local", policy_usage_filter="PermissionsPolicy") == {"attached"}
    assert names(scope="Local", policy_usage_filter="PermissionsBoundary") == {"boundary"}


def test_list_entities_for_policy_filters(iam: Client) -> None:
    arn = create(iam, "p")
    iam.create_user(user_name="u1", path="/x/")
    iam.create_user(user_name="u2")
    iam.create_group(group_name="g")
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    iam.create_role(role_name="bounded", assume_role_policy_document=TRUST_EC2)
    iam.attach_user_policy(user_name="u1", policy_arn=arn)
    iam.attach_group_policy(group_name="g", policy_arn=arn)
    iam.attach_role_policy(role_name="r", policy_arn=arn)
    iam.put_role_permissions_boundary(role_name="bounded", permissions_boundary=arn)
    iam.put_user_permissions_boundary(user_name="u2", permissions_boundary=arn)

    everything = iam.list_entities_for_policy(policy_arn=arn)
    assert {u.user_name for u in everything.policy_users} == {"u1", "u2"}
    assert {g.group_name for g in everything.policy_groups} == {"g"}
    assert {r.role_name for r in everything.policy_roles} == {"r", "bounded"}
    user_id = iam.get_user(user_name="u1").user.user_id
    assert user_id in {u.user_id for u in everything.policy_users}

    roles_only = iam.list_entities_for_policy(policy_arn=arn, entity_filter="Role")
    assert (roles_only.policy_users, roles_only.policy_groups) == ((), ())
    assert {r.role_name for r in roles_only.policy_roles} == {"r", "bounded"}

    as_permissions = iam.list_entities_for_policy(
        policy_arn=arn, policy_usage_filter="PermissionsPolicy"
    )
    assert {u.user_name for u in as_permissions.policy_users} == {"u1"}
    assert {r.role_name for r in as_permissions.policy_roles} == {"r"}

    as_boundary = iam.list_entities_for_policy(
        policy_arn=arn, policy_usage_filter="PermissionsBoundary"
    )
    assert {u.user_name for u in as_boundary.policy_users} == {"u2"}
    assert {r.role_name for r in as_boundary.policy_roles} == {"bounded"}
    assert as_boundary.policy_groups == ()

    under_x = iam.list_entities_for_policy(policy_arn=arn, path_prefix="/x/")
    assert [u.user_name for u in under_x.policy_users] == ["u1"]
    assert (under_x.policy_groups, under_x.policy_roles) == ((), ())

    with pytest.raises(NoSuchEntityError):
        iam.list_entities_for_policy(policy_arn=arn.replace(":policy/p", ":policy/q"))


def test_policy_tags(iam: Client) -> None:
    arn = iam.create_policy(
        policy_name="p", policy_document=ALLOW_S3, tags=[{"Key": "a", "Value": "1"}]
    ).policy.arn
    assert arn is not None
    iam.tag_policy(policy_arn=arn, tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}])
    assert {(t.key, t.value) for t in iam.list_policy_tags(policy_arn=arn).tags} == {
        ("a", "2"),
        ("b", "3"),
    }
    assert {(t.key, t.value) for t in iam.get_policy(policy_arn=arn).policy.tags} == {
        ("a", "2"),
        ("b", "3"),
    }
    with pytest.raises(InvalidInputError):
        iam.tag_policy(policy_arn=arn, tags=[{"Key": "aws:reserved", "Value": "x"}])
    iam.untag_policy(policy_arn=arn, tag_keys=["b"])
    assert [(t.key, t.value) for t in iam.list_policy_tags(policy_arn=arn).tags] == [("a", "2")]
    with pytest.raises(LimitExceededError):
        iam.tag_policy(policy_arn=arn, tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert len(iam.list_policy_tags(policy_arn=arn).tags) == 1
