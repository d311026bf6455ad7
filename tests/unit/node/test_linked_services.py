"""The table of services' documented service-linked roles agrees with the AWS policy catalog."""

from __future__ import annotations

import pytest

from iamstore.node.domain.aws_policies import shared_catalog
from iamstore.node.domain.linked_services import LINKED_SERVICES
from iamstore.node.domain.service_linked_roles import NAME_PREFIX, SERVICE_SUFFIX, role_name


@pytest.mark.parametrize("service", sorted(LINKED_SERVICES))
def test_each_known_service_names_a_role_and_a_published_service_role_policy(
    service: str,
) -> None:
    known = LINKED_SERVICES[service]
    assert service.endswith(SERVICE_SUFFIX)
    assert known.role_name.startswith(NAME_PREFIX)
    assert known.guide.startswith("https://docs.aws.amazon.com/")
    policy = shared_catalog().by_arn.get(known.policy_arn)
    assert policy is not None, f"{known.policy_arn} is not in the AWS managed policy catalog"
    assert (policy.name, policy.path) == (known.policy_name, "/aws-service-role/")


def test_a_known_service_takes_its_documented_name_and_another_its_words() -> None:
    assert role_name("autoscaling.amazonaws.com", None) == "AWSServiceRoleForAutoScaling"
    assert role_name("autoscaling.amazonaws.com", "blue") == "AWSServiceRoleForAutoScaling_blue"
    assert role_name("my-thing.amazonaws.com", None) == "AWSServiceRoleForMyThing"
