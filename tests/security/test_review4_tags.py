"""Findings of the fourth adversarial review: tag keys of managed policies, instance profiles,
MFA devices and identity providers.

AWS keeps one tag per key of any IAM resource whatever the key's case (IAM User Guide,
Tagging IAM resources, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html: "you
cannot have separate Department and department tag keys"). iamstore made the keys of users
and roles case-insensitive, but the other taggable kinds still keep `Owner` and `owner` side
by side: ListPolicyTags shows `Owner=sec` while conditions (iam:ResourceTag/Owner, looked up
case-insensitively, the later tag winning) read the other value, so a Deny keyed on the
listed tag no longer applies. Each test reproduces an open bug against a real node and is
marked xfail(strict=True): it fails the moment the bug is fixed without the marker being
removed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import pytest
from security_nodes import allow, doc, user_client

from iamstore.client import AccessDeniedError, Client, IamError
from iamstore.client.models import Tag
from iamstore.cluster import saml_idp as idp
from iamstore.cluster.testing.inproc import InProcessNode

_OWNER = [{"Key": "Owner", "Value": "sec"}]
_OTHER_CASE = [{"Key": "owner", "Value": "me"}]


def _owner_values(tags: Sequence[Tag]) -> list[str]:
    return [tag.value for tag in tags if tag.key.lower() == "owner"]


@pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="a managed policy keeps Owner and owner apart"
)
def test_review4_a_policy_holds_one_tag_per_key_whatever_its_case(iam: Client) -> None:
    policy = iam.create_policy(
        policy_name="tagged", policy_document=doc(allow("iam:GetUser")), tags=_OWNER
    ).policy
    assert policy.arn is not None
    iam.tag_policy(policy_arn=policy.arn, tags=_OTHER_CASE)
    assert _owner_values(iam.list_policy_tags(policy_arn=policy.arn).tags) == ["me"]


@pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="an instance profile keeps Owner and owner apart"
)
def test_review4_an_instance_profile_holds_one_tag_per_key_whatever_its_case(
    iam: Client,
) -> None:
    iam.create_instance_profile(instance_profile_name="tagged", tags=_OWNER)
    iam.tag_instance_profile(instance_profile_name="tagged", tags=_OTHER_CASE)
    tags = iam.list_instance_profile_tags(instance_profile_name="tagged").tags
    assert _owner_values(tags) == ["me"]


@pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="an MFA device keeps Owner and owner apart"
)
def test_review4_an_mfa_device_holds_one_tag_per_key_whatever_its_case(iam: Client) -> None:
    device = iam.create_virtual_mfa_device(
        virtual_mfa_device_name="tagged", tags=_OWNER
    ).virtual_mfa_device
    iam.tag_mfa_device(serial_number=device.serial_number, tags=_OTHER_CASE)
    tags = iam.list_mfa_device_tags(serial_number=device.serial_number).tags
    assert _owner_values(tags) == ["me"]


@pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="a SAML provider keeps Owner and owner apart"
)
def test_review4_a_saml_provider_holds_one_tag_per_key_whatever_its_case(iam: Client) -> None:
    arn = iam.create_saml_provider(
        name="Corp", saml_metadata_document=idp.metadata([idp.key_pair()[1]]), tags=_OWNER
    ).saml_provider_arn
    assert arn is not None
    iam.tag_saml_provider(saml_provider_arn=arn, tags=_OTHER_CASE)
    assert _owner_values(iam.list_saml_provider_tags(saml_provider_arn=arn).tags) == ["me"]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="CreatePolicy takes Owner and owner in one request; AWS refuses duplicate keys",
)
def test_review4_create_policy_refuses_two_tags_of_one_key_in_two_cases(iam: Client) -> None:
    # The fixed behaviour: refused (InvalidInput), nothing created.
    with contextlib.suppress(IamError):
        iam.create_policy(
            policy_name="twice",
            policy_document=doc(allow("iam:GetUser")),
            tags=[*_OWNER, *_OTHER_CASE],
        )
    assert "twice" not in {
        policy.policy_name for policy in iam.list_policies(scope="Local").policies
    }


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="iam:ResourceTag/Owner reads the later of Owner and owner, not the listed Owner=sec",
)
def test_review4_a_deny_on_a_listed_policy_tag_holds_after_a_tag_in_another_case(
    iam_node: InProcessNode, iam: Client
) -> None:
    policy = iam.create_policy(
        policy_name="guarded", policy_document=doc(allow("iam:GetUser")), tags=_OWNER
    ).policy
    assert policy.arn is not None
    iam.tag_policy(policy_arn=policy.arn, tags=_OTHER_CASE)
    guarded = {
        "Effect": "Deny",
        "Action": "iam:CreatePolicyVersion",
        "Resource": "*",
        "Condition": {"StringEquals": {"iam:ResourceTag/Owner": "sec"}},
    }
    listed = _owner_values(iam.list_policy_tags(policy_arn=policy.arn).tags)
    with user_client(iam_node, iam, "editor", doc(allow("iam:*"), guarded)) as editor:
        try:
            editor.create_policy_version(
                policy_arn=policy.arn, policy_document=doc(allow("*")), set_as_default=True
            )
            denied = False
        except AccessDeniedError:
            denied = True
    # What the account sees and what authorization reads must agree: either the tag is
    # listed as `sec` and the Deny applies, or it is listed (only) as `me`.
    assert denied == ("sec" in listed)
