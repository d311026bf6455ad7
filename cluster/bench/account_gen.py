"""A realistic account in the format `aws iam get-account-authorization-details` prints.

Seeded and deterministic: users in groups, managed policies with several versions (and gaps
left by deleted ones), inline policies, attachments of customer and AWS managed policies,
permissions boundaries, tags, roles trusting services, the account or one of its users, and
instance profiles. Lists are in the order GetAccountAuthorizationDetails returns them, and
members are printed as the aws CLI prints them (policy documents as objects, times in ISO
8601 to the second, empty lists inside entities left out), so importing the document and
exporting the account gives the document back.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from iamstore.node.domain.aws_policies import shared_catalog

Json = Any  # the document is plain JSON data

# What AWS's own accounts attach most (all in the catalog iamstore ships).
AWS_POLICIES = (
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
)
_SERVICES = ("s3", "ec2", "dynamodb", "sqs", "sns", "lambda", "logs", "kms", "cloudwatch")
_VERBS = ("Get*", "List*", "Describe*", "Put*", "Delete*", "Create*", "Update*")
_TEAMS = ("payments", "search", "platform", "data", "mobile", "web", "ops", "security")


@dataclass(frozen=True, slots=True)
class Sizes:
    """How many of each kind (the defaults are AWS's default account quotas)."""

    users: int = 5000
    groups: int = 300
    roles: int = 1000
    policies: int = 1500

    def scaled(self, factor: float) -> Sizes:
        return Sizes(
            max(1, int(self.users * factor)),
            max(1, int(self.groups * factor)),
            max(1, int(self.roles * factor)),
            max(1, int(self.policies * factor)),
        )


@dataclass(slots=True)
class _Uses:
    attachments: dict[str, int] = field(default_factory=dict)
    boundaries: dict[str, int] = field(default_factory=dict)


def _time(start: datetime, seconds: int) -> str:
    return (start + timedelta(seconds=seconds)).replace(microsecond=0).isoformat()


def _unique_id(rng: random.Random, prefix: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return prefix + "".join(rng.choice(alphabet) for _ in range(17))


def _document(rng: random.Random, account_id: str, statements: int) -> Json:
    listed = []
    for index in range(statements):
        service = rng.choice(_SERVICES)
        statement: dict[str, Json] = {
            "Sid": f"S{index}",
            "Effect": "Deny" if rng.random() < 0.1 else "Allow",
            "Action": sorted({f"{service}:{rng.choice(_VERBS)}" for _ in range(rng.randint(1, 4))}),
            "Resource": f"arn:aws:{service}:*:{account_id}:{rng.choice(_TEAMS)}-*",
        }
        if rng.random() < 0.2:
            statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        listed.append(statement)
    return {"Version": "2012-10-17", "Statement": listed}


def _tags(rng: random.Random, most: int) -> list[Json]:
    keys = rng.sample(("team", "cost-center", "owner", "env", "project"), rng.randint(0, most))
    return [{"Key": key, "Value": f"{key}-{rng.randint(1, 50)}"} for key in keys]


def _path(rng: random.Random) -> str:
    return "/" if rng.random() < 0.6 else f"/{rng.choice(_TEAMS)}/"


def _put(entity: dict[str, Json], key: str, values: list[Json]) -> None:
    if values:  # the aws CLI output leaves empty lists inside entities out
        entity[key] = values


def generate(account_id: str, sizes: Sizes = Sizes(), seed: int = 1) -> dict[str, Json]:
    """The account's authorization details, as the aws CLI prints one merged document."""
    rng = random.Random(seed)
    start = datetime(2019, 3, 1, tzinfo=UTC)
    clock = iter(range(0, 10**9, 37))
    uses = _Uses()
    policies = [_policy(rng, account_id, index, start, clock) for index in range(sizes.policies)]
    arns = [p["Arn"] for p in policies]

    def attach(count: int) -> list[Json]:
        chosen = set(rng.sample(arns, min(count, len(arns))))
        if rng.random() < 0.15:
            chosen.add(rng.choice(AWS_POLICIES))
        listed = []
        for arn in sorted(chosen):
            uses.attachments[arn] = uses.attachments.get(arn, 0) + 1
            listed.append({"PolicyName": arn.rsplit("/", 1)[1], "PolicyArn": arn})
        return listed

    def boundary(entity: dict[str, Json]) -> None:
        if rng.random() < 0.1:
            arn = rng.choice(arns)
            uses.boundaries[arn] = uses.boundaries.get(arn, 0) + 1
            entity["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                "PermissionsBoundaryArn": arn,
            }

    def inline(owner: str, most: int) -> list[Json]:
        return [
            {"PolicyName": f"{owner}-inline-{n}", "PolicyDocument": _document(rng, account_id, 2)}
            for n in range(rng.randint(0, most))
        ]

    groups: list[dict[str, Json]] = []
    for index in range(sizes.groups):
        name, path = f"group-{index:04d}", _path(rng)
        group: dict[str, Json] = {
            "Path": path,
            "GroupName": name,
            "GroupId": _unique_id(rng, "AGPA"),
            "Arn": f"arn:aws:iam::{account_id}:group{path}{name}",
            "CreateDate": _time(start, next(clock)),
        }
        _put(group, "GroupPolicyList", inline(name, 1))
        _put(group, "AttachedManagedPolicies", attach(rng.randint(0, 3)))
        groups.append(group)

    users: list[dict[str, Json]] = []
    for index in range(sizes.users):
        name, path = f"user-{index:05d}", _path(rng)
        user: dict[str, Json] = {
            "Path": path,
            "UserName": name,
            "UserId": _unique_id(rng, "AIDA"),
            "Arn": f"arn:aws:iam::{account_id}:user{path}{name}",
            "CreateDate": _time(start, next(clock)),
        }
        _put(user, "UserPolicyList", inline(name, 1) if rng.random() < 0.2 else [])
        member_of = rng.sample(groups, min(len(groups), rng.randint(0, 3)))
        _put(user, "GroupList", sorted(g["GroupName"] for g in member_of))
        _put(user, "AttachedManagedPolicies", attach(rng.randint(0, 2)))
        boundary(user)
        _put(user, "Tags", _tags(rng, 3))
        users.append(user)

    roles = [_role(rng, account_id, index, users, start, clock) for index in range(sizes.roles)]
    for role in roles:
        _put(role, "RolePolicyList", inline(role["RoleName"], 2))
        _put(role, "AttachedManagedPolicies", attach(rng.randint(0, 3)))
        boundary(role)
        _put(role, "Tags", _tags(rng, 2))
        # Members in the order of AWS's RoleDetail shape.
        order = (
            "Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument",
            "InstanceProfileList", "RolePolicyList", "AttachedManagedPolicies",
            "PermissionsBoundary", "Tags",
        )  # fmt: skip
        ordered = {key: role[key] for key in order if key in role}
        role.clear()
        role.update(ordered)

    for policy in policies:
        policy["AttachmentCount"] = uses.attachments.get(policy["Arn"], 0)
        policy["PermissionsBoundaryUsageCount"] = uses.boundaries.get(policy["Arn"], 0)
    listed_policies = policies + _aws_policies(uses)
    listed_policies.sort(key=lambda p: (p["PolicyName"].lower(), p["Arn"]))
    return {
        "UserDetailList": sorted(users, key=lambda u: u["UserName"].lower()),
        "GroupDetailList": sorted(groups, key=lambda g: g["GroupName"].lower()),
        "RoleDetailList": sorted(roles, key=lambda r: r["RoleName"].lower()),
        "Policies": [_reorder_policy(p) for p in listed_policies],
    }


def _policy(
    rng: random.Random, account_id: str, index: int, start: datetime, clock: Any
) -> dict[str, Json]:
    name, path = f"policy-{index:04d}", _path(rng)
    created = next(clock)
    # Versions v1..vN, some deleted since (AWS keeps at most five).
    newest = rng.randint(1, 7)
    numbers = sorted(rng.sample(range(1, newest + 1), min(newest, rng.randint(1, 5))))
    default = rng.choice(numbers)
    versions = []
    for number in reversed(numbers):  # newest first, as GetAccountAuthorizationDetails lists
        versions.append(
            {
                "Document": _document(rng, account_id, rng.randint(1, 4)),
                "VersionId": f"v{number}",
                "IsDefaultVersion": number == default,
                "CreateDate": _time(start, created + number * 3600),
            }
        )
    policy: dict[str, Json] = {
        "PolicyName": name,
        "PolicyId": _unique_id(rng, "ANPA"),
        "Arn": f"arn:aws:iam::{account_id}:policy{path}{name}",
        "Path": path,
        "DefaultVersionId": f"v{default}",
        "IsAttachable": True,
        "CreateDate": _time(start, created),
        "UpdateDate": _time(start, created + default * 3600),
        "PolicyVersionList": versions,
    }
    if rng.random() < 0.3:
        policy["Description"] = f"access for the {rng.choice(_TEAMS)} team"
    return policy


def _reorder_policy(policy: dict[str, Json]) -> dict[str, Json]:
    order = (
        "PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "AttachmentCount",
        "PermissionsBoundaryUsageCount", "IsAttachable", "Description", "CreateDate",
        "UpdateDate", "PolicyVersionList",
    )  # fmt: skip
    return {key: policy[key] for key in order if key in policy}


def _aws_policies(uses: _Uses) -> list[dict[str, Json]]:
    """The AWS managed policies in use, as AWS publishes them (the catalog iamstore ships)."""
    catalog = shared_catalog()
    listed = []
    for arn in AWS_POLICIES:
        if arn not in uses.attachments and arn not in uses.boundaries:
            continue
        policy = catalog.by_arn[arn]
        version = catalog.default_version(policy.policy_id)
        assert version is not None
        created = max(policy.created_ms, version.created_ms)
        listed.append(
            {
                "PolicyName": policy.name,
                "PolicyId": policy.policy_id,
                "Arn": arn,
                "Path": policy.path,
                "DefaultVersionId": version.version_id,
                "AttachmentCount": uses.attachments.get(arn, 0),
                "PermissionsBoundaryUsageCount": uses.boundaries.get(arn, 0),
                "IsAttachable": True,
                "CreateDate": _ms_time(policy.created_ms),
                "UpdateDate": _ms_time(created),
                "PolicyVersionList": [
                    {
                        "Document": json.loads(version.document),
                        "VersionId": version.version_id,
                        "IsDefaultVersion": True,
                        "CreateDate": _ms_time(version.created_ms),
                    }
                ],
            }
        )
    return listed


def _ms_time(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, UTC).isoformat()


def _role(
    rng: random.Random,
    account_id: str,
    index: int,
    users: list[dict[str, Json]],
    start: datetime,
    clock: Any,
) -> dict[str, Json]:
    name, path = f"role-{index:04d}", _path(rng)
    pick = rng.random()
    if pick < 0.5:
        principal: Json = {"Service": f"{rng.choice(('ec2', 'lambda', 'ecs-tasks'))}.amazonaws.com"}
    elif pick < 0.8 or not users:
        principal = {"AWS": f"arn:aws:iam::{account_id}:root"}
    else:  # a user of the account, pinned by its unique id when imported
        principal = {"AWS": rng.choice(users)["Arn"]}
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }
    role: dict[str, Json] = {
        "Path": path,
        "RoleName": name,
        "RoleId": _unique_id(rng, "AROA"),
        "Arn": f"arn:aws:iam::{account_id}:role{path}{name}",
        "CreateDate": _time(start, next(clock)),
        "AssumeRolePolicyDocument": trust,
    }
    if rng.random() < 0.3:
        nested: dict[str, Json] = {key: role[key] for key in list(role)}
        if rng.random() < 0.5:
            nested["Description"] = f"runs {rng.choice(_TEAMS)} instances"
        nested["MaxSessionDuration"] = rng.choice((3600, 7200, 43200))
        profile_name = f"{name}-profile"
        profile: dict[str, Json] = {
            "Path": path,
            "InstanceProfileName": profile_name,
            "InstanceProfileId": _unique_id(rng, "AIPA"),
            "Arn": f"arn:aws:iam::{account_id}:instance-profile{path}{profile_name}",
            "CreateDate": _time(start, next(clock)),
            "Roles": [nested],
        }
        _put(profile, "Tags", _tags(rng, 1))
        role["InstanceProfileList"] = [profile]
    return role
