"""The AWS services whose service-linked role iamstore knows: the role's name and managed policy.

Each entry is what the service's own guide documents (the page is kept with it): the role's
name, which AWS spells per service (AWSServiceRoleForAutoScaling, not a capitalization of
`autoscaling`), and the AWS managed policy AWS attaches when it creates the role. The IAM User
Guide's "AWS services that work with IAM"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-services-that-work-with-iam.html)
lists which services have service-linked roles; this table holds the ones iamstore knows.
INVARIANT (tests/unit/node/test_linked_services.py): every policy named here is in the AWS
managed policy catalog under `/aws-service-role/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SERVICE_ROLE_POLICY_PATH = "/aws-service-role/"


@dataclass(frozen=True, slots=True)
class LinkedService:
    """A service's documented service-linked role: its name and its permissions policy."""

    role_name: str
    policy_name: str
    guide: str  # the service's documentation page naming both

    @property
    def policy_arn(self) -> str:
        return f"arn:aws:iam::aws:policy{SERVICE_ROLE_POLICY_PATH}{self.policy_name}"


LINKED_SERVICES: Mapping[str, LinkedService] = {
    "autoscaling.amazonaws.com": LinkedService(
        "AWSServiceRoleForAutoScaling",
        "AutoScalingServiceRolePolicy",
        "https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html",
    ),
    "elasticloadbalancing.amazonaws.com": LinkedService(
        "AWSServiceRoleForElasticLoadBalancing",
        "AWSElasticLoadBalancingServiceRolePolicy",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html",
    ),
    "elasticbeanstalk.amazonaws.com": LinkedService(
        "AWSServiceRoleForElasticBeanstalk",
        "AWSElasticBeanstalkServiceRolePolicy",
        "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-service-linked-roles-monitoring.html",
    ),
    "ecs.amazonaws.com": LinkedService(
        "AWSServiceRoleForECS",
        "AmazonECSServiceRolePolicy",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html",
    ),
    "eks.amazonaws.com": LinkedService(
        "AWSServiceRoleForAmazonEKS",
        "AmazonEKSServiceRolePolicy",
        "https://docs.aws.amazon.com/eks/latest/userguide/using-service-linked-roles.html",
    ),
    "rds.amazonaws.com": LinkedService(
        "AWSServiceRoleForRDS",
        "AmazonRDSServiceRolePolicy",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAM.ServiceLinkedRoles.html",
    ),
    "elasticache.amazonaws.com": LinkedService(
        "AWSServiceRoleForElastiCache",
        "ElastiCacheServiceRolePolicy",
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/using-service-linked-roles.html",
    ),
    "guardduty.amazonaws.com": LinkedService(
        "AWSServiceRoleForAmazonGuardDuty",
        "AmazonGuardDutyServiceRolePolicy",
        "https://docs.aws.amazon.com/guardduty/latest/ug/slr-permissions.html",
    ),
}
