"""The simulation's workload: every IAM write operation as a plan over a few shared names.

One entry per write operation of the IAM API (tests/cluster/test_simulation.py checks the
table against the client's operation table), each drawing its arguments from a handful of
names, so that many writers on many nodes hit the same records at once. A plan runs against
the replica's view like a handler's would, and raises the same IamError a handler would.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from iamstore.node.domain import (
    groups,
    inline,
    instance_profiles,
    keys,
    lookup,
    mfa,
    oidc,
    passwords,
    policies,
    roles,
    users,
    versions,
)
from iamstore.node.domain.context import WriteContext
from iamstore.node.domain.entities import Change, Group, KeyStatus, Role, User
from iamstore.node.domain.view import View

ACCOUNT = "123456789012"
USERS = tuple(f"u{i}" for i in range(4))
GROUPS = ("g0", "g1")
ROLES = ("r0", "r1")
POLICIES = ("p0", "p1")
PROFILES = ("ip0", "ip1")
DEVICES = ("d0", "d1")
URLS = ("https://idp0.example.com", "https://idp1.example.com")
ACTIONS = ("s3:GetObject", "s3:PutObject", "ec2:RunInstances", "iam:ListUsers")
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)

Plan = Callable[[View, WriteContext], tuple[list[Change], object]]


@dataclass(frozen=True, slots=True)
class Intent:
    """What a write meant, for the checker's sequential specification (cluster/simulation.py)."""

    operation: str
    policy: str | None = None  # the policy's name, for policy operations
    version_id: str | None = None  # the version the operation names (None: the one it made)
    document: str | None = None
    sets_default: bool = False


def document(rng: random.Random) -> str:
    """A small identity policy: an Allow or a Deny of one or two actions."""
    effect = rng.choice(("Allow", "Allow", "Deny"))
    actions = sorted(set(rng.sample(ACTIONS, rng.randint(1, 2))))
    statement = {"Effect": effect, "Action": actions, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def _arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{name}"


def _only(plan: Callable[[View, WriteContext], list[Change]]) -> Plan:
    return lambda view, ctx: (plan(view, ctx), None)


def _version_of(view: View, policy: str, rng: random.Random) -> str:
    """A version id of `policy` on this replica (or `v1` when it has none), chosen by `rng`."""
    found = view.policies.named(ACCOUNT, policy)
    known = sorted(view.versions_of(found.policy_id)) if found is not None else []
    return rng.choice(known) if known else "v1"


def _key_of(view: View, user: str, rng: random.Random) -> str:
    found = view.users.named(ACCOUNT, user)
    owned = sorted(view.keys_of.get(found.user_id, ())) if found is not None else []
    return rng.choice(owned) if owned else "AKIA-NONE"


def _serial(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:mfa/{name}"


def plan_for(operation: str, rng: random.Random, view: View) -> tuple[Plan, Intent]:
    """A plan for `operation` with arguments drawn from `rng` (and ids known to `view`)."""
    user, group, role = rng.choice(USERS), rng.choice(GROUPS), rng.choice(ROLES)
    policy, profile = rng.choice(POLICIES), rng.choice(PROFILES)
    device, url = rng.choice(DEVICES), rng.choice(URLS)
    doc, tag = document(rng), (("k" + str(rng.randrange(3)), str(rng.randrange(99))),)
    owner_kind = rng.choice(("User", "Group", "Role"))
    owner_name = {"User": user, "Group": group, "Role": role}[owner_kind]
    intent = Intent(operation)

    def owner(view: View, ctx: WriteContext) -> User | Group | Role:
        if owner_kind == "User":
            return lookup.user(view, ctx.account_id, owner_name)
        if owner_kind == "Group":
            return lookup.group(view, ctx.account_id, owner_name)
        return lookup.role(view, ctx.account_id, owner_name)

    def a_user(view: View, ctx: WriteContext) -> User:
        return lookup.user(view, ctx.account_id, user)

    plans: dict[str, Plan] = {
        "CreateUser": lambda v, c: users.create(v, c, user, "/", tag, None),
        "UpdateUser": _only(lambda v, c: users.update(v, c, user, None, rng.choice(("/", "/a/")))),
        "DeleteUser": _only(lambda v, c: users.delete(v, c, user)),
        "TagUser": _only(lambda v, c: users.tag(v, c, user, tag)),
        "UntagUser": _only(lambda v, c: users.untag(v, c, user, [tag[0][0]])),
        "CreateGroup": lambda v, c: groups.create(v, c, group, "/"),
        "UpdateGroup": _only(lambda v, c: groups.update(v, c, group, None, "/x/")),
        "DeleteGroup": _only(lambda v, c: groups.delete(v, c, group)),
        "AddUserToGroup": _only(lambda v, c: groups.add_user(v, c, group, user)),
        "RemoveUserFromGroup": _only(lambda v, c: groups.remove_user(v, c, group, user)),
        "CreateRole": lambda v, c: roles.create(v, c, role, "/", TRUST, None, None, tag, None),
        "UpdateRole": _only(lambda v, c: roles.update(v, c, role, f"d{rng.randrange(9)}", None)),
        "UpdateAssumeRolePolicy": _only(lambda v, c: roles.update_trust(v, c, role, TRUST)),
        "DeleteRole": _only(lambda v, c: roles.delete(v, c, role)),
        "TagRole": _only(lambda v, c: roles.tag(v, c, role, tag)),
        "UntagRole": _only(lambda v, c: roles.untag(v, c, role, [tag[0][0]])),
        "CreatePolicy": lambda v, c: policies.create(v, c, policy, "/", doc, None, ())[:2],
        "DeletePolicy": _only(lambda v, c: policies.delete(v, c, _arn(policy))),
        "CreatePolicyVersion": lambda v, c: versions.create(
            v, c, _arn(policy), doc, intent_default
        ),
        "SetDefaultPolicyVersion": _only(
            lambda v, c: versions.set_default(v, c, _arn(policy), chosen_version)
        ),
        "DeletePolicyVersion": _only(
            lambda v, c: versions.delete(v, c, _arn(policy), chosen_version)
        ),
        "TagPolicy": _only(lambda v, c: policies.tag(v, c, _arn(policy), tag)),
        "UntagPolicy": _only(lambda v, c: policies.untag(v, c, _arn(policy), [tag[0][0]])),
        "PutUserPermissionsBoundary": _only(
            lambda v, c: policies.put_boundary(v, c, a_user(v, c), _arn(policy))
        ),
        "DeleteUserPermissionsBoundary": _only(
            lambda v, c: policies.delete_boundary(v, c, a_user(v, c))
        ),
        "PutRolePermissionsBoundary": _only(
            lambda v, c: policies.put_boundary(
                v, c, lookup.role(v, c.account_id, role), _arn(policy)
            )
        ),
        "DeleteRolePermissionsBoundary": _only(
            lambda v, c: policies.delete_boundary(v, c, lookup.role(v, c.account_id, role))
        ),
        "CreateAccessKey": lambda v, c: keys.create(
            v, c, a_user(v, c).user_id, c.new_id("AKIA"), b"sealed"
        ),
        "UpdateAccessKey": _only(
            lambda v, c: keys.update(v, a_user(v, c).user_id, chosen_key, rng.choice(KeyStatus.ALL))
        ),
        "DeleteAccessKey": _only(lambda v, c: keys.delete(v, a_user(v, c).user_id, chosen_key)),
        "CreateLoginProfile": lambda v, c: passwords.create_profile(
            v, c, a_user(v, c), f"hash-{rng.randrange(99)}", False
        ),
        "UpdateLoginProfile": _only(
            lambda v, c: passwords.update_profile(v, c, a_user(v, c), None, rng.random() < 0.5)
        ),
        "ChangePassword": _only(
            lambda v, c: passwords.update_profile(
                v, c, a_user(v, c), f"hash-{rng.randrange(99)}", None
            )
        ),
        "DeleteLoginProfile": _only(lambda v, c: passwords.delete_profile(v, a_user(v, c))),
        "UpdateAccountPasswordPolicy": _only(
            lambda v, c: passwords.update_policy(
                c, passwords.PolicyUpdate(minimum_password_length=rng.randint(6, 20))
            )
        ),
        "DeleteAccountPasswordPolicy": _only(lambda v, c: passwords.delete_policy(v, c.account_id)),
        "CreateVirtualMFADevice": lambda v, c: mfa.create(
            v, c, c.new_id("MFAD"), device, "/", b"seed", ()
        ),
        "EnableMFADevice": _only(
            lambda v, c: mfa.enable(
                v, c, a_user(v, c), mfa.by_serial(v, c.account_id, _serial(device)).device_id, 0
            )
        ),
        "ResyncMFADevice": _only(
            lambda v, c: mfa.resync(v, a_user(v, c), _serial(device), rng.randint(-1, 1))
        ),
        "DeactivateMFADevice": _only(lambda v, c: mfa.deactivate(v, a_user(v, c), _serial(device))),
        "DeleteVirtualMFADevice": _only(lambda v, c: mfa.delete(v, c.account_id, _serial(device))),
        "CreateOpenIDConnectProvider": lambda v, c: oidc.create(
            v, c, url, ["client-0"], ["a" * 40], ()
        ),
        "DeleteOpenIDConnectProvider": _only(
            lambda v, c: oidc.delete(v, c.account_id, oidc.provider_arn(c.account_id, url))
        ),
        "AddClientIDToOpenIDConnectProvider": _only(
            lambda v, c: oidc.add_client_id(
                v, c, oidc.provider_arn(c.account_id, url), f"client-{rng.randrange(3)}"
            )
        ),
        "RemoveClientIDFromOpenIDConnectProvider": _only(
            lambda v, c: oidc.remove_client_id(
                v, c.account_id, oidc.provider_arn(c.account_id, url), f"client-{rng.randrange(3)}"
            )
        ),
        "CreateInstanceProfile": lambda v, c: instance_profiles.create(v, c, profile, "/", ()),
        "DeleteInstanceProfile": _only(
            lambda v, c: instance_profiles.delete(v, c.account_id, profile)
        ),
        "AddRoleToInstanceProfile": _only(
            lambda v, c: instance_profiles.add_role(v, c, profile, role)
        ),
        "RemoveRoleFromInstanceProfile": _only(
            lambda v, c: instance_profiles.remove_role(v, c.account_id, profile, role)
        ),
    }
    for kind in ("User", "Group", "Role"):
        plans[f"Attach{kind}Policy"] = _only(
            lambda v, c: policies.attach(v, c, owner(v, c), _arn(policy))
        )
        plans[f"Detach{kind}Policy"] = _only(
            lambda v, c: policies.detach(v, c, owner(v, c), _arn(policy))
        )
        plans[f"Put{kind}Policy"] = _only(
            lambda v, c: inline.put(v, c, owner(v, c), f"inline{rng.randrange(2)}", doc)
        )
        plans[f"Delete{kind}Policy"] = _only(
            lambda v, c: inline.delete(v, owner(v, c), f"inline{rng.randrange(2)}")
        )
    if operation.startswith(("Attach", "Detach", "Put", "Delete")) and operation.endswith(
        ("UserPolicy", "GroupPolicy", "RolePolicy")
    ):
        # The principal kind is the operation's own, not the one drawn above.
        owner_kind = next(k for k in ("User", "Group", "Role") if f"{k}Policy" in operation)
        owner_name = {"User": user, "Group": group, "Role": role}[owner_kind]
    intent_default = rng.random() < 0.5
    chosen_version = _version_of(view, policy, rng)
    chosen_key = _key_of(view, user, rng)
    if operation == "CreatePolicyVersion":
        intent = Intent(operation, policy, None, doc, intent_default)
    elif operation == "SetDefaultPolicyVersion":
        intent = Intent(operation, policy, chosen_version, None, True)
    elif operation == "DeletePolicyVersion":
        intent = Intent(operation, policy, chosen_version)
    elif operation == "DeletePolicy":
        intent = Intent(operation, policy)
    elif operation == "CreatePolicy":
        intent = Intent(operation, policy, "v1", doc, sets_default=True)
    return plans[operation], intent


# Every write operation the workload exercises: the keys of `plan_for`'s table.
WRITE_OPERATIONS = [
    "CreateUser",
    "UpdateUser",
    "DeleteUser",
    "TagUser",
    "UntagUser",
    "CreateGroup",
    "UpdateGroup",
    "DeleteGroup",
    "AddUserToGroup",
    "RemoveUserFromGroup",
    "CreateRole",
    "UpdateRole",
    "UpdateAssumeRolePolicy",
    "DeleteRole",
    "TagRole",
    "UntagRole",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "SetDefaultPolicyVersion",
    "DeletePolicyVersion",
    "AttachUserPolicy",
    "AttachGroupPolicy",
    "AttachRolePolicy",
    "DetachUserPolicy",
    "DetachGroupPolicy",
    "DetachRolePolicy",
    "TagPolicy",
    "UntagPolicy",
    "PutUserPolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "DeleteGroupPolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "PutUserPermissionsBoundary",
    "DeleteUserPermissionsBoundary",
    "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary",
    "CreateAccessKey",
    "UpdateAccessKey",
    "DeleteAccessKey",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "DeleteLoginProfile",
    "UpdateAccountPasswordPolicy",
    "DeleteAccountPasswordPolicy",
    "CreateVirtualMFADevice",
    "EnableMFADevice",
    "ResyncMFADevice",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
    "CreateOpenIDConnectProvider",
    "DeleteOpenIDConnectProvider",
    "AddClientIDToOpenIDConnectProvider",
    "RemoveClientIDFromOpenIDConnectProvider",
    "CreateInstanceProfile",
    "DeleteInstanceProfile",
    "AddRoleToInstanceProfile",
    "RemoveRoleFromInstanceProfile",
    "ChangePassword",
]
