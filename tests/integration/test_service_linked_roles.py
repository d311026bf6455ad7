"""Service-linked roles: created for a service, protected, deleted with a status to read."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from iamstore.client import Client, InvalidInputError, NoSuchEntityError, UnmodifiableEntityError

ALLOW = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)
SERVICE = "elasticbeanstalk.amazonaws.com"


def test_create_names_paths_and_trusts_the_service(iam: Client) -> None:
    role = iam.create_service_linked_role(aws_service_name=SERVICE, description="for EB").role
    assert role.role_name == "AWSServiceRoleForElasticBeanstalk"
    assert role.path == f"/aws-service-role/{SERVICE}/"
    assert role.arn.endswith(f":role/aws-service-role/{SERVICE}/AWSServiceRoleForElasticBeanstalk")
    assert role.description == "for EB"
    trust = json.loads(role.assume_role_policy_document or "")
    assert trust["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": [SERVICE]}, "Action": "sts:AssumeRole"}
    ]
    with pytest.raises(InvalidInputError):  # taken: a custom suffix makes another
        iam.create_service_linked_role(aws_service_name=SERVICE)
    other = iam.create_service_linked_role(aws_service_name=SERVICE, custom_suffix="blue").role
    assert other.role_name == "AWSServiceRoleForElasticBeanstalk_blue"
    with pytest.raises(InvalidInputError):
        iam.create_service_linked_role(aws_service_name="not-a-service")


def test_service_linked_roles_are_protected(iam: Client) -> None:
    name = iam.create_service_linked_role(aws_service_name=SERVICE).role.role_name
    refused: list[Callable[[], object]] = [
        lambda: iam.delete_role(role_name=name),
        lambda: iam.update_assume_role_policy(role_name=name, policy_document="{}"),
        lambda: iam.put_role_policy(role_name=name, policy_name="p", policy_document=ALLOW),
        lambda: iam.attach_role_policy(
            role_name=name, policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess"
        ),
        lambda: iam.put_role_permissions_boundary(
            role_name=name, permissions_boundary="arn:aws:iam::aws:policy/ReadOnlyAccess"
        ),
    ]
    for call in refused:
        with pytest.raises(UnmodifiableEntityError):
            call()
    # the service's own policy, attached by CreateServiceLinkedRole, is the only one
    attached = iam.list_attached_role_policies(role_name=name).attached_policies
    assert [p.policy_name for p in attached] == ["AWSElasticBeanstalkServiceRolePolicy"]
    with pytest.raises(UnmodifiableEntityError):
        iam.detach_role_policy(role_name=name, policy_arn=attached[0].policy_arn or "")
    # its description may change, as in AWS
    iam.update_role_description(role_name=name, description="edited")
    # and CreateRole cannot fake one
    with pytest.raises(InvalidInputError):
        iam.create_role(
            role_name="fake",
            path=f"/aws-service-role/{SERVICE}/",
            assume_role_policy_document=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                 "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
            ),
        )  # fmt: skip


def test_delete_and_its_status(iam: Client) -> None:
    name = iam.create_service_linked_role(aws_service_name=SERVICE).role.role_name
    iam.create_instance_profile(instance_profile_name="uses-it")
    iam.add_role_to_instance_profile(instance_profile_name="uses-it", role_name=name)
    failed = iam.delete_service_linked_role(role_name=name).deletion_task_id
    assert failed.startswith(f"task/aws-service-role/{SERVICE}/{name}/")
    status = iam.get_service_linked_role_deletion_status(deletion_task_id=failed)
    assert status.status == "FAILED"
    assert "uses-it" in (status.reason.reason or "")  # type: ignore[union-attr]
    assert iam.get_role(role_name=name).role.role_name == name
    iam.remove_role_from_instance_profile(instance_profile_name="uses-it", role_name=name)
    done = iam.delete_service_linked_role(role_name=name).deletion_task_id
    assert iam.get_service_linked_role_deletion_status(deletion_task_id=done).status == "SUCCEEDED"
    with pytest.raises(NoSuchEntityError):
        iam.get_role(role_name=name)
    with pytest.raises(NoSuchEntityError):
        iam.get_service_linked_role_deletion_status(deletion_task_id=done + "x")
    with pytest.raises(InvalidInputError):
        iam.get_service_linked_role_deletion_status(deletion_task_id="garbage-id")


def test_delete_refuses_an_ordinary_role(iam: Client) -> None:
    iam.create_role(
        role_name="plain",
        assume_role_policy_document=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
             "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        ),
    )  # fmt: skip
    with pytest.raises(InvalidInputError):
        iam.delete_service_linked_role(role_name="plain")
    assert iam.get_role(role_name="plain").role.role_name == "plain"
