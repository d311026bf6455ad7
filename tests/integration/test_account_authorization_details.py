"""GetAccountAuthorizationDetails: the whole account, by kind, paged as one sequence."""

from __future__ import annotations

import json

import pytest
from iam_helpers import TRUST_EC2

from iamstore.client import Client, ValidationError

S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
ALLOW = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


def _account(iam: Client) -> str:
    iam.create_user(user_name="alice", tags=[{"Key": "team", "Value": "a"}])
    iam.create_user(user_name="bob")
    iam.create_group(group_name="devs")
    iam.add_user_to_group(group_name="devs", user_name="alice")
    iam.put_group_policy(group_name="devs", policy_name="g", policy_document=ALLOW)
    iam.put_user_policy(user_name="alice", policy_name="own", policy_document=ALLOW)
    arn = iam.create_policy(policy_name="local", policy_document=ALLOW).policy.arn or ""
    iam.create_policy_version(policy_arn=arn, policy_document=ALLOW, set_as_default=True)
    iam.attach_user_policy(user_name="alice", policy_arn=arn)
    iam.attach_group_policy(group_name="devs", policy_arn=S3_READ)
    iam.put_user_permissions_boundary(user_name="bob", permissions_boundary=arn)
    iam.create_role(role_name="web", assume_role_policy_document=TRUST_EC2)
    iam.create_instance_profile(instance_profile_name="web-profile")
    iam.add_role_to_instance_profile(instance_profile_name="web-profile", role_name="web")
    return arn


def test_everything_in_one_call(iam: Client, other_account: Client) -> None:
    local = _account(iam)
    other_account.create_user(user_name="stranger")
    details = iam.get_account_authorization_details()
    assert details.is_truncated is False
    assert [u.user_name for u in details.user_detail_list] == ["alice", "bob"]
    alice, bob = details.user_detail_list
    assert list(alice.group_list) == ["devs"]
    assert [(p.policy_name, json.loads(p.policy_document)) for p in alice.user_policy_list] == [
        ("own", json.loads(ALLOW))
    ]
    assert [p.policy_arn for p in alice.attached_managed_policies] == [local]
    assert [(t.key, t.value) for t in alice.tags] == [("team", "a")]
    assert bob.permissions_boundary.permissions_boundary_arn == local  # type: ignore[union-attr]
    (group,) = details.group_detail_list
    assert [p.policy_arn for p in group.attached_managed_policies] == [S3_READ]
    assert [p.policy_name for p in group.group_policy_list] == ["g"]
    (role,) = details.role_detail_list
    assert json.loads(role.assume_role_policy_document) == json.loads(TRUST_EC2)
    assert [p.instance_profile_name for p in role.instance_profile_list] == ["web-profile"]
    # The account's own policies and the AWS managed policies it uses, not the whole catalog.
    by_arn = {p.arn: p for p in details.policies}
    assert set(by_arn) == {local, S3_READ}
    assert [(v.version_id, v.is_default_version) for v in by_arn[local].policy_version_list] == [
        ("v2", True), ("v1", False),
    ]  # fmt: skip
    assert (by_arn[local].attachment_count, by_arn[local].permissions_boundary_usage_count) == (
        1,
        1,
    )
    assert by_arn[S3_READ].attachment_count == 1
    assert by_arn[S3_READ].policy_version_list[0].document


def test_filters_choose_kinds(iam: Client) -> None:
    local = _account(iam)
    only_roles = iam.get_account_authorization_details(filter=["Role"])
    assert (len(only_roles.user_detail_list), len(only_roles.role_detail_list)) == (0, 1)
    assert only_roles.policies == ()
    local_only = iam.get_account_authorization_details(filter=["LocalManagedPolicy"])
    assert [p.arn for p in local_only.policies] == [local]
    aws_only = iam.get_account_authorization_details(filter=["AWSManagedPolicy", "Group"])
    assert [p.arn for p in aws_only.policies] == [S3_READ]
    assert [g.group_name for g in aws_only.group_detail_list] == ["devs"]
    with pytest.raises(ValidationError):
        iam.get_account_authorization_details(filter=["Computer"])


def test_pages_walk_every_entity_once(iam: Client) -> None:
    _account(iam)
    whole = iam.get_account_authorization_details()
    expected = (
        [u.user_name for u in whole.user_detail_list]
        + [g.group_name for g in whole.group_detail_list]
        + [r.role_name for r in whole.role_detail_list]
        + [p.policy_name for p in whole.policies]
    )
    seen: list[str] = []
    marker: str | None = None
    while True:
        page = iam.get_account_authorization_details(max_items=2, marker=marker)
        names = (
            [u.user_name for u in page.user_detail_list]
            + [g.group_name for g in page.group_detail_list]
            + [r.role_name for r in page.role_detail_list]
            + [p.policy_name for p in page.policies]
        )
        assert len(names) <= 2
        seen.extend(names)
        if not page.is_truncated:
            break
        marker = page.marker
    assert seen == expected
    assert len(seen) == 6
