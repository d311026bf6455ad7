"""Operations added for AWS's whole IAM model: lookups, tags, thumbprints and account aliases."""

from __future__ import annotations

import json

import pytest
from iam_helpers import TRUST_EC2, mfa_device

from iamstore.client import (
    AccessDeniedError,
    Client,
    Credentials,
    EntityAlreadyExistsError,
    InvalidInputError,
    LimitExceededError,
    NoSuchEntityError,
    ValidationError,
)
from iamstore.cluster.testing.inproc import InProcessNode

THUMB_A = "a" * 40
THUMB_B = "b" * 40


def tags(listed: object) -> list[tuple[str, str]]:
    return [(t.key, t.value) for t in listed.tags]  # type: ignore[attr-defined]


def test_list_instance_profiles_for_role(iam: Client) -> None:
    iam.create_role(role_name="web", assume_role_policy_document=TRUST_EC2)
    iam.create_role(role_name="idle", assume_role_policy_document=TRUST_EC2)
    for name in ("p2", "p1", "p3"):
        iam.create_instance_profile(instance_profile_name=name)
    iam.add_role_to_instance_profile(instance_profile_name="p2", role_name="web")
    iam.add_role_to_instance_profile(instance_profile_name="p1", role_name="web")
    first = iam.list_instance_profiles_for_role(role_name="WEB", max_items=1)
    assert [p.instance_profile_name for p in first.instance_profiles] == ["p1"]
    assert first.is_truncated is True
    rest = iam.list_instance_profiles_for_role(role_name="web", marker=first.marker)
    assert [p.instance_profile_name for p in rest.instance_profiles] == ["p2"]
    assert [r.role_name for r in rest.instance_profiles[0].roles] == ["web"]
    assert iam.list_instance_profiles_for_role(role_name="idle").instance_profiles == ()
    with pytest.raises(NoSuchEntityError):
        iam.list_instance_profiles_for_role(role_name="nobody")


def test_update_role_description_returns_the_role(iam: Client) -> None:
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2, max_session_duration=7200)
    role = iam.update_role_description(role_name="r", description="runs the web tier").role
    assert (role.role_name, role.description, role.max_session_duration) == (
        "r", "runs the web tier", 7200,
    )  # fmt: skip
    assert iam.get_role(role_name="r").role.description == "runs the web tier"
    with pytest.raises(NoSuchEntityError):
        iam.update_role_description(role_name="nobody", description="x")
    with pytest.raises(ValidationError):
        iam.update_role_description(role_name="r", description="x" * 1001)
    assert iam.get_role(role_name="r").role.description == "runs the web tier"


def test_instance_profile_tags(iam: Client) -> None:
    iam.create_instance_profile(instance_profile_name="p", tags=[{"Key": "team", "Value": "a"}])
    iam.tag_instance_profile(
        instance_profile_name="p",
        tags=[{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "x"}],
    )
    assert tags(iam.list_instance_profile_tags(instance_profile_name="p")) == [
        ("env", "x"), ("team", "b"),
    ]  # fmt: skip
    assert tags(iam.get_instance_profile(instance_profile_name="p").instance_profile) == [
        ("team", "b"), ("env", "x"),
    ]  # fmt: skip
    iam.untag_instance_profile(instance_profile_name="p", tag_keys=["team", "absent"])
    assert tags(iam.list_instance_profile_tags(instance_profile_name="p")) == [("env", "x")]
    with pytest.raises(InvalidInputError):
        iam.tag_instance_profile(instance_profile_name="p", tags=[{"Key": "aws:x", "Value": "v"}])
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    with pytest.raises(LimitExceededError):
        iam.tag_instance_profile(instance_profile_name="p", tags=too_many)
    assert tags(iam.list_instance_profile_tags(instance_profile_name="p")) == [("env", "x")]
    with pytest.raises(NoSuchEntityError):
        iam.tag_instance_profile(instance_profile_name="nope", tags=[{"Key": "k", "Value": "v"}])


def test_recreated_instance_profile_does_not_inherit_tags(iam: Client) -> None:
    iam.create_instance_profile(instance_profile_name="p")
    iam.tag_instance_profile(instance_profile_name="p", tags=[{"Key": "old", "Value": "v"}])
    iam.delete_instance_profile(instance_profile_name="p")
    iam.create_instance_profile(instance_profile_name="p")
    assert tags(iam.list_instance_profile_tags(instance_profile_name="p")) == []


def test_mfa_device_tags_unassigned_and_assigned(iam: Client) -> None:
    iam.create_user(user_name="u")
    made = iam.create_virtual_mfa_device(virtual_mfa_device_name="d")
    serial = made.virtual_mfa_device.serial_number
    iam.tag_mfa_device(serial_number=serial, tags=[{"Key": "k", "Value": "v"}])
    assert tags(iam.list_mfa_device_tags(serial_number=serial)) == [("k", "v")]
    # ListVirtualMFADevices leaves tags out (AWS documents it); ListMFADeviceTags shows them.
    listed = iam.list_virtual_mfa_devices().virtual_mfa_devices
    assert [tags(d) for d in listed] == [[]]
    iam.untag_mfa_device(serial_number=serial, tag_keys=["k"])
    assert tags(iam.list_mfa_device_tags(serial_number=serial)) == []
    other, _ = mfa_device(iam, "u")
    iam.tag_mfa_device(serial_number=other, tags=[{"Key": "k2", "Value": "v2"}])
    assert tags(iam.list_mfa_device_tags(serial_number=other)) == [("k2", "v2")]
    with pytest.raises(NoSuchEntityError):
        iam.list_mfa_device_tags(serial_number=serial + "x")


def test_oidc_provider_tags_and_thumbprints(iam: Client) -> None:
    arn = iam.create_open_id_connect_provider(
        url="https://issuer.example.com", client_id_list=["c"], thumbprint_list=[THUMB_A]
    ).open_id_connect_provider_arn
    assert arn is not None
    iam.tag_open_id_connect_provider(
        open_id_connect_provider_arn=arn, tags=[{"Key": "k", "Value": "v"}]
    )
    assert tags(iam.list_open_id_connect_provider_tags(open_id_connect_provider_arn=arn)) == [
        ("k", "v")
    ]
    iam.update_open_id_connect_provider_thumbprint(
        open_id_connect_provider_arn=arn, thumbprint_list=[THUMB_B, THUMB_A]
    )
    got = iam.get_open_id_connect_provider(open_id_connect_provider_arn=arn)
    assert list(got.thumbprint_list) == [THUMB_B, THUMB_A]
    assert tags(got) == [("k", "v")]  # the thumbprint change kept the tags
    with pytest.raises(InvalidInputError):
        iam.update_open_id_connect_provider_thumbprint(
            open_id_connect_provider_arn=arn, thumbprint_list=["z" * 40]
        )
    with pytest.raises(LimitExceededError):
        iam.update_open_id_connect_provider_thumbprint(
            open_id_connect_provider_arn=arn, thumbprint_list=[c * 40 for c in "123456"]
        )
    assert list(
        iam.get_open_id_connect_provider(open_id_connect_provider_arn=arn).thumbprint_list
    ) == [THUMB_B, THUMB_A]
    iam.untag_open_id_connect_provider(open_id_connect_provider_arn=arn, tag_keys=["k"])
    assert tags(iam.list_open_id_connect_provider_tags(open_id_connect_provider_arn=arn)) == []


def test_account_alias_lifecycle(iam: Client) -> None:
    assert iam.list_account_aliases().account_aliases == ()
    iam.create_account_alias(account_alias="example-corp")
    iam.create_account_alias(account_alias="example-corp")  # the same again: no change
    assert iam.list_account_aliases().account_aliases == ("example-corp",)
    # One alias per account: a new one replaces the old (AWS Sign-In User Guide).
    iam.create_account_alias(account_alias="example-two")
    assert iam.list_account_aliases().account_aliases == ("example-two",)
    with pytest.raises(NoSuchEntityError):
        iam.delete_account_alias(account_alias="example-corp")
    for bad in ("-starts", "Upper", "double--dash", "ab"):
        with pytest.raises(ValidationError):
            iam.create_account_alias(account_alias=bad)
    iam.delete_account_alias(account_alias="example-two")
    assert iam.list_account_aliases().account_aliases == ()


def test_account_alias_is_unique_across_accounts(iam: Client, other_account: Client) -> None:
    iam.create_account_alias(account_alias="shared-name")
    with pytest.raises(EntityAlreadyExistsError):
        other_account.create_account_alias(account_alias="shared-name")
    assert other_account.list_account_aliases().account_aliases == ()
    iam.delete_account_alias(account_alias="shared-name")
    other_account.create_account_alias(account_alias="shared-name")
    assert other_account.list_account_aliases().account_aliases == ("shared-name",)


def _as(iam: Client, iam_node: InProcessNode, name: str, document: dict[str, object]) -> Client:
    iam.create_user(user_name=name)
    iam.put_user_policy(user_name=name, policy_name="p", policy_document=json.dumps(document))
    key = iam.create_access_key(user_name=name).access_key
    return Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    )


def test_new_operations_are_authorized_on_their_resources(
    iam: Client, iam_node: InProcessNode
) -> None:
    account = iam.get_user().user.arn.split(":")[4]
    iam.create_instance_profile(instance_profile_name="mine")
    iam.create_instance_profile(instance_profile_name="theirs")
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    serial = iam.create_virtual_mfa_device(
        virtual_mfa_device_name="d"
    ).virtual_mfa_device.serial_number
    allowed: dict[str, object] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:TagInstanceProfile", "iam:ListInstanceProfileTags"],
                "Resource": f"arn:aws:iam::{account}:instance-profile/mine",
            },
            {"Effect": "Allow", "Action": "iam:TagMFADevice", "Resource": serial},
        ],
    }
    with _as(iam, iam_node, "bob", allowed) as bob:
        bob.tag_instance_profile(instance_profile_name="mine", tags=[{"Key": "k", "Value": "v"}])
        bob.tag_mfa_device(serial_number=serial, tags=[{"Key": "k", "Value": "v"}])
        with pytest.raises(AccessDeniedError) as refused:
            bob.tag_instance_profile(
                instance_profile_name="theirs", tags=[{"Key": "k", "Value": "v"}]
            )
        assert (
            f"iam:TagInstanceProfile on resource: arn:aws:iam::{account}:instance-profile/theirs"
            in str(refused.value)
        )
        with pytest.raises(AccessDeniedError):
            bob.untag_mfa_device(serial_number=serial, tag_keys=["k"])
        with pytest.raises(AccessDeniedError):
            bob.create_account_alias(account_alias="bobs-alias")
        with pytest.raises(AccessDeniedError) as refused:
            bob.update_role_description(role_name="r", description="x")
        assert f"on resource: arn:aws:iam::{account}:role/r" in str(refused.value)
    assert tags(iam.list_instance_profile_tags(instance_profile_name="theirs")) == []
    assert tags(iam.list_mfa_device_tags(serial_number=serial)) == [("k", "v")]
    assert iam.list_account_aliases().account_aliases == ()


def test_get_mfa_device_for_the_named_user(iam: Client) -> None:
    iam.create_user(user_name="u")
    serial, _ = mfa_device(iam, "u")
    got = iam.get_mfa_device(serial_number=serial, user_name="u")
    assert (got.user_name, got.serial_number) == ("u", serial)
    assert got.enable_date is not None
    assert dict(got.certifications or {}) == {}
    iam.create_user(user_name="other")
    with pytest.raises(NoSuchEntityError):
        iam.get_mfa_device(serial_number=serial, user_name="other")
    with pytest.raises(NoSuchEntityError):
        iam.get_mfa_device(serial_number=serial + "x", user_name="u")


def test_sts_preferences_show_in_the_account_summary(iam: Client) -> None:
    assert iam.get_account_summary().summary_map["GlobalEndpointTokenVersion"] == 1
    iam.set_security_token_service_preferences(global_endpoint_token_version="v2Token")
    assert iam.get_account_summary().summary_map["GlobalEndpointTokenVersion"] == 2
    with pytest.raises(ValidationError):
        iam.set_security_token_service_preferences(global_endpoint_token_version="v3Token")
    assert iam.get_account_summary().summary_map["GlobalEndpointTokenVersion"] == 2
    iam.set_security_token_service_preferences(global_endpoint_token_version="v1Token")
    assert iam.get_account_summary().summary_map["GlobalEndpointTokenVersion"] == 1


def _policy(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_policies_granting_service_access(iam: Client) -> None:
    user_arn = iam.create_user(user_name="alice").user.arn
    iam.put_user_policy(
        user_name="alice",
        policy_name="s3-read",
        policy_document=_policy({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}),
    )
    iam.create_group(group_name="ops")
    iam.add_user_to_group(group_name="ops", user_name="alice")
    iam.put_group_policy(
        group_name="ops",
        policy_name="not-iam",
        policy_document=_policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
    )
    iam.attach_user_policy(
        user_name="alice", policy_arn="arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"
    )
    iam.put_user_policy(
        user_name="alice",
        policy_name="deny-all",
        policy_document=_policy({"Effect": "Deny", "Action": "*", "Resource": "*"}),
    )
    result = iam.list_policies_granting_service_access(
        arn=user_arn, service_namespaces=["s3", "iam", "ec2"]
    )
    found = {
        entry.service_namespace: sorted(
            (p.policy_name, p.policy_type, p.entity_type or "") for p in entry.policies
        )
        for entry in result.policies_granting_service_access
    }
    assert found["s3"] == [("not-iam", "INLINE", "GROUP"), ("s3-read", "INLINE", "USER")]
    assert found["iam"] == []
    assert ("AmazonEC2ReadOnlyAccess", "MANAGED", "") in found["ec2"]
    assert ("not-iam", "INLINE", "GROUP") in found["ec2"]
    assert result.is_truncated is False
    with pytest.raises(NoSuchEntityError):
        iam.list_policies_granting_service_access(arn=user_arn + "x", service_namespaces=["s3"])


def test_service_linked_role_creation_follows_iam_aws_service_name(
    iam: Client, iam_node: InProcessNode
) -> None:
    # "Service-linked role permissions" (IAM User Guide): iam:AWSServiceName limits which
    # services' roles a principal may create.
    only_eb: dict[str, object] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:CreateServiceLinkedRole",
                "Resource": "arn:aws:iam::*:role/aws-service-role/*",
                "Condition": {
                    "StringEquals": {"iam:AWSServiceName": "elasticbeanstalk.amazonaws.com"}
                },
            }
        ],
    }
    with _as(iam, iam_node, "ops", only_eb) as ops:
        made = ops.create_service_linked_role(aws_service_name="elasticbeanstalk.amazonaws.com")
        assert made.role.path == "/aws-service-role/elasticbeanstalk.amazonaws.com/"
        with pytest.raises(AccessDeniedError):
            ops.create_service_linked_role(aws_service_name="ecs.amazonaws.com")
    names = {r.role_name for r in iam.list_roles().roles}
    assert names == {"AWSServiceRoleForElasticBeanstalk"}
