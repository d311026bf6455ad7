"""IAM roles end to end: trust policies, session duration bounds, updates, tags and delete."""

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
    UnmodifiableEntityError,
    ValidationError,
)

TRUST_LAMBDA = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
)
TRUST_WITHOUT_PRINCIPAL = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}'
)


def test_create_role_returns_what_get_role_reads(iam: Client) -> None:
    # "IAM identifiers": role ids start with AROA; CreateRole: MaxSessionDuration defaults to
    # 3600 seconds.
    created = iam.create_role(
        role_name="worker",
        assume_role_policy_document=TRUST_EC2,
        path="/svc/",
        description="runs jobs",
    ).role
    assert created.role_id.startswith("AROA")
    assert len(created.role_id) == 21
    assert created.arn.endswith(":role/svc/worker")
    read = iam.get_role(role_name="worker").role
    assert (read.role_id, read.arn, read.path, read.description) == (
        created.role_id,
        created.arn,
        "/svc/",
        "runs jobs",
    )
    assert read.max_session_duration == 3600
    assert read.assume_role_policy_document is not None
    assert json.loads(read.assume_role_policy_document) == json.loads(TRUST_EC2)
    assert [r.role_name for r in iam.list_roles().roles] == ["worker"]


def test_role_names_are_unique_regardless_of_case(iam: Client) -> None:
    iam.create_role(role_name="Worker", assume_role_policy_document=TRUST_EC2)
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_role(role_name="worker", assume_role_policy_document=TRUST_EC2)
    assert [r.role_name for r in iam.list_roles().roles] == ["Worker"]


def test_get_missing_role_is_no_such_entity(iam: Client) -> None:
    with pytest.raises(NoSuchEntityError):
        iam.get_role(role_name="ghost")


@pytest.mark.parametrize("seconds", [3600, 43200])
def test_max_session_duration_bounds_are_accepted(iam: Client, seconds: int) -> None:
    # CreateRole: MaxSessionDuration valid range 3600 to 43200.
    iam.create_role(
        role_name="r", assume_role_policy_document=TRUST_EC2, max_session_duration=seconds
    )
    assert iam.get_role(role_name="r").role.max_session_duration == seconds


@pytest.mark.parametrize(
    ("seconds", "constraint"),
    [(3599, "greater than or equal to 3600"), (43201, "less than or equal to 43200")],
)
def test_max_session_duration_outside_bounds_is_a_validation_error(
    iam: Client, seconds: int, constraint: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        iam.create_role(
            role_name="r", assume_role_policy_document=TRUST_EC2, max_session_duration=seconds
        )
    assert raised.value.message == (
        f"1 validation error detected: Value '{seconds}' at 'maxSessionDuration' failed to "
        f"satisfy constraint: Member must have value {constraint}"
    )
    assert iam.list_roles().roles == ()
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    with pytest.raises(ValidationError):
        iam.update_role(role_name="r", max_session_duration=seconds)
    assert iam.get_role(role_name="r").role.max_session_duration == 3600


def test_update_role_changes_description_and_duration(iam: Client) -> None:
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2, description="old")
    iam.update_role(role_name="r", description="new", max_session_duration=7200)
    role = iam.get_role(role_name="r").role
    assert (role.description, role.max_session_duration) == ("new", 7200)
    iam.update_role(role_name="r", max_session_duration=3600)
    role = iam.get_role(role_name="r").role
    assert (role.description, role.max_session_duration) == ("new", 3600)
    with pytest.raises(NoSuchEntityError):
        iam.update_role(role_name="ghost", description="x")


def test_trust_policy_without_principal_is_malformed(iam: Client) -> None:
    # A role trust policy is a resource-based policy: Principal is required.
    with pytest.raises(MalformedPolicyDocumentError) as raised:
        iam.create_role(role_name="r", assume_role_policy_document=TRUST_WITHOUT_PRINCIPAL)
    assert "/Statement/0" in raised.value.message
    assert iam.list_roles().roles == ()


def test_trust_policy_that_is_not_json_is_malformed(iam: Client) -> None:
    with pytest.raises(MalformedPolicyDocumentError):
        iam.create_role(role_name="r", assume_role_policy_document="{not json")
    assert iam.list_roles().roles == ()


def test_update_assume_role_policy_replaces_the_trust_policy(iam: Client) -> None:
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    iam.update_assume_role_policy(role_name="r", policy_document=TRUST_LAMBDA)
    document = iam.get_role(role_name="r").role.assume_role_policy_document
    assert document is not None
    assert json.loads(document) == json.loads(TRUST_LAMBDA)


def test_update_assume_role_policy_with_a_bad_document_changes_nothing(iam: Client) -> None:
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    with pytest.raises(MalformedPolicyDocumentError) as raised:
        iam.update_assume_role_policy(role_name="r", policy_document=TRUST_WITHOUT_PRINCIPAL)
    assert "/Statement/0" in raised.value.message
    with pytest.raises(MalformedPolicyDocumentError):
        iam.update_assume_role_policy(role_name="r", policy_document="[]")
    document = iam.get_role(role_name="r").role.assume_role_policy_document
    assert document is not None
    assert json.loads(document) == json.loads(TRUST_EC2)
    with pytest.raises(NoSuchEntityError):
        iam.update_assume_role_policy(role_name="ghost", policy_document=TRUST_EC2)


def test_trust_policy_over_2048_characters_is_limit_exceeded(iam: Client) -> None:
    # "IAM and AWS STS quotas": role trust policy length 2,048 characters by default.
    services = [f"svc{i:04d}.amazonaws.com" for i in range(100)]
    big = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": services}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    with pytest.raises(LimitExceededError):
        iam.create_role(role_name="r", assume_role_policy_document=big)
    assert iam.list_roles().roles == ()


def test_list_roles_filters_by_path_prefix(iam: Client) -> None:
    iam.create_role(role_name="a", assume_role_policy_document=TRUST_EC2, path="/svc/")
    iam.create_role(role_name="b", assume_role_policy_document=TRUST_EC2)
    assert [r.role_name for r in iam.list_roles(path_prefix="/svc/").roles] == ["a"]
    assert {r.role_name for r in iam.list_roles().roles} == {"a", "b"}


def test_delete_role(iam: Client) -> None:
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    iam.delete_role(role_name="r")
    with pytest.raises(NoSuchEntityError):
        iam.get_role(role_name="r")
    with pytest.raises(NoSuchEntityError):
        iam.delete_role(role_name="r")


def test_delete_role_with_policies_is_a_delete_conflict(iam: Client) -> None:
    # DeleteRole: inline policies and attached managed policies must be removed first.
    role = iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2).role
    iam.put_role_policy(role_name="r", policy_name="inline", policy_document=ALLOW_S3)
    with pytest.raises(DeleteConflictError):
        iam.delete_role(role_name="r")
    iam.delete_role_policy(role_name="r", policy_name="inline")
    arn = iam.create_policy(policy_name="m", policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    iam.attach_role_policy(role_name="r", policy_arn=arn)
    with pytest.raises(DeleteConflictError):
        iam.delete_role(role_name="r")
    assert iam.get_role(role_name="r").role.role_id == role.role_id
    iam.detach_role_policy(role_name="r", policy_arn=arn)
    iam.delete_role(role_name="r")
    assert iam.list_roles().roles == ()


def test_role_tags_merge_untag_and_reject_aws_prefix(iam: Client) -> None:
    iam.create_role(
        role_name="r", assume_role_policy_document=TRUST_EC2, tags=[{"Key": "a", "Value": "1"}]
    )
    iam.tag_role(role_name="r", tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}])
    assert {(t.key, t.value) for t in iam.list_role_tags(role_name="r").tags} == {
        ("a", "2"),
        ("b", "3"),
    }
    assert {(t.key, t.value) for t in iam.get_role(role_name="r").role.tags} == {
        ("a", "2"),
        ("b", "3"),
    }
    with pytest.raises(InvalidInputError):
        iam.tag_role(role_name="r", tags=[{"Key": "aws:x", "Value": "1"}])
    iam.untag_role(role_name="r", tag_keys=["a"])
    assert [(t.key, t.value) for t in iam.list_role_tags(role_name="r").tags] == [("b", "3")]
    with pytest.raises(NoSuchEntityError):
        iam.tag_role(role_name="ghost", tags=[{"Key": "a", "Value": "1"}])


def test_at_most_fifty_tags_per_role(iam: Client) -> None:
    iam.create_role(
        role_name="r",
        assume_role_policy_document=TRUST_EC2,
        tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)],
    )
    with pytest.raises(LimitExceededError):
        iam.tag_role(role_name="r", tags=[{"Key": "extra", "Value": "v"}])
    assert len(iam.list_role_tags(role_name="r").tags) == 50


def test_max_signin_session_duration_is_set_reset_and_refused_when_contradictory(
    iam: Client,
) -> None:
    # IAM API Reference, CreateRole / UpdateRole: MaxSigninSessionDuration (3,600 to
    # 7,776,000 s) is kept and returned; ResetMaxSigninSessionDuration=true clears it; both
    # in one request are refused; neither leaves it alone.
    role = iam.create_role(
        role_name="console", assume_role_policy_document=TRUST_EC2, max_signin_session_duration=7200
    ).role
    assert role.max_signin_session_duration == 7200
    iam.update_role(role_name="console", description="unchanged duration")
    assert iam.get_role(role_name="console").role.max_signin_session_duration == 7200
    with pytest.raises(InvalidInputError) as refused:
        iam.update_role(
            role_name="console",
            max_signin_session_duration=86400,
            reset_max_signin_session_duration=True,
        )
    assert refused.value.field == "MaxSigninSessionDuration"
    assert iam.get_role(role_name="console").role.max_signin_session_duration == 7200
    iam.update_role(role_name="console", max_signin_session_duration=86400)
    listed = {r.role_name: r for r in iam.list_roles().roles}
    assert listed["console"].max_signin_session_duration == 86400
    iam.update_role(role_name="console", reset_max_signin_session_duration=True)
    assert iam.get_role(role_name="console").role.max_signin_session_duration is None
    for out_of_range in (3599, 7_776_001):
        with pytest.raises(ValidationError):
            iam.update_role(role_name="console", max_signin_session_duration=out_of_range)
    assert iam.get_role(role_name="console").role.max_signin_session_duration is None


def test_a_service_linked_roles_signin_duration_cannot_be_set_or_reset(iam: Client) -> None:
    # IAM API Reference, UpdateRole: "You cannot set this value on a service-linked role."
    name = iam.create_service_linked_role(aws_service_name="ecs.amazonaws.com").role.role_name
    with pytest.raises(UnmodifiableEntityError):
        iam.update_role(role_name=name, max_signin_session_duration=7200)
    with pytest.raises(UnmodifiableEntityError):
        iam.update_role(role_name=name, reset_max_signin_session_duration=True)
    assert iam.get_role(role_name=name).role.max_signin_session_duration is None
