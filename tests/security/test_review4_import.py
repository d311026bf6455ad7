"""Findings of the fourth adversarial review: account import with `replace`.

An import with `replace` that overwrites an entity under a new id (same name or ARN) drops
every link pointing *to* the old entity (a policy's attachments, a group's members, a role's
instance profiles) without asking the Detach/Remove action that drops it, and without the
DeleteConflict check DeletePolicy makes. Each test reproduces that bug against a real node; the
import is now refused with DeleteConflict, as AWS refuses to delete an entity still linked to
(node/domain/import_links.py), and nothing changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from security_nodes import allow, doc, trust_account, user_client

from iamstore.client import AccessDeniedError, Client, DeleteConflictError
from iamstore.cluster.testing.inproc import InProcessNode

_CREATED = datetime(2020, 1, 1, tzinfo=UTC)


def _deny(*actions: str) -> dict[str, object]:
    return {"Effect": "Deny", "Action": list(actions), "Resource": "*"}


def _importer(*denied: str) -> str:
    """A delegate allowed every IAM action and the import, except `denied`."""
    return doc(allow("iam:*", "iamstore:ImportAccount"), _deny(*denied))


def _replaced(client: Client, account: str, **lists: Any) -> None:
    """Imports `lists` with `replace`, which must be refused: the entity is still linked to."""
    with pytest.raises(DeleteConflictError, match="is still"):
        client.import_account(
            import_id="review4",
            account_id=account,
            commit=True,
            replace=True,
            part_count=1,
            **lists,
        )


def test_review4_replacing_a_policy_cannot_detach_a_guardrail_the_importer_may_not_detach(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    guardrail = iam.create_policy(
        policy_name="Guardrail", policy_document=doc(_deny("iam:ListRoles"))
    ).policy
    assert guardrail.arn is not None
    with (
        user_client(iam_node, iam, "victim", doc(allow("iam:*"))) as victim,
        user_client(iam_node, iam, "delegate", _importer("iam:Detach*")) as delegate,
    ):
        iam.attach_user_policy(user_name="victim", policy_arn=guardrail.arn)
        with pytest.raises(AccessDeniedError):
            delegate.detach_user_policy(user_name="victim", policy_arn=guardrail.arn)
        harmless = {
            "Document": doc(allow("iam:GetUser")),
            "VersionId": "v1",
            "IsDefaultVersion": True,
            "CreateDate": _CREATED,
        }
        _replaced(
            delegate,
            account,
            policies=[
                {
                    "PolicyName": "Guardrail",
                    "PolicyId": "ANPAGUARDRAILGUARDRA1",
                    "Arn": guardrail.arn,
                    "Path": "/",
                    "DefaultVersionId": "v1",
                    "AttachmentCount": 0,
                    "IsAttachable": True,
                    "CreateDate": _CREATED,
                    "UpdateDate": _CREATED,
                    "PolicyVersionList": [harmless],
                }
            ],
        )
        attached = iam.list_attached_user_policies(user_name="victim").attached_policies
        assert [policy.policy_arn for policy in attached] == [guardrail.arn]
        with pytest.raises(AccessDeniedError):
            victim.list_roles()


def test_review4_replacing_a_group_cannot_remove_members_the_importer_may_not_remove(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    iam.create_group(group_name="quarantine")
    iam.create_user(user_name="alice")
    iam.add_user_to_group(group_name="quarantine", user_name="alice")
    with user_client(iam_node, iam, "delegate", _importer("iam:RemoveUserFromGroup")) as delegate:
        with pytest.raises(AccessDeniedError):
            delegate.remove_user_from_group(group_name="quarantine", user_name="alice")
        _replaced(
            delegate,
            account,
            group_detail_list=[
                {
                    "Path": "/",
                    "GroupName": "quarantine",
                    "GroupId": "AGPAQUARANTINEQUARAN1",
                    "Arn": f"arn:aws:iam::{account}:group/quarantine",
                    "CreateDate": _CREATED,
                }
            ],
        )
    groups = iam.list_groups_for_user(user_name="alice").groups
    assert [group.group_name for group in groups] == ["quarantine"]


def test_review4_replacing_a_role_cannot_empty_a_profile_the_importer_may_not_change(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    role = iam.create_role(role_name="app", assume_role_policy_document=trust_account(account))
    iam.create_instance_profile(instance_profile_name="app")
    iam.add_role_to_instance_profile(instance_profile_name="app", role_name="app")
    denied = "iam:RemoveRoleFromInstanceProfile"
    with user_client(iam_node, iam, "delegate", _importer(denied)) as delegate:
        with pytest.raises(AccessDeniedError):
            delegate.remove_role_from_instance_profile(instance_profile_name="app", role_name="app")
        _replaced(
            delegate,
            account,
            role_detail_list=[
                {
                    "Path": "/",
                    "RoleName": "app",
                    "RoleId": "AROAAPPAPPAPPAPPAPP01",
                    "Arn": f"arn:aws:iam::{account}:role/app",
                    "CreateDate": _CREATED,
                    "AssumeRolePolicyDocument": trust_account(account),
                }
            ],
        )
    profile = iam.get_instance_profile(instance_profile_name="app").instance_profile
    assert [held.role_id for held in profile.roles] == [role.role.role_id]


def test_review4_replacing_a_boundary_policy_cannot_take_it_off_its_users(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    boundary = iam.create_policy(
        policy_name="Boundary", policy_document=doc(allow("iam:ListUsers"))
    ).policy
    assert boundary.arn is not None
    iam.create_user(user_name="bounded", permissions_boundary=boundary.arn)
    denied = "iam:DeleteUserPermissionsBoundary"
    with user_client(iam_node, iam, "delegate", _importer(denied)) as delegate:
        with pytest.raises(AccessDeniedError):
            delegate.delete_user_permissions_boundary(user_name="bounded")
        version = {
            "Document": doc(allow("iam:ListUsers")),
            "VersionId": "v1",
            "IsDefaultVersion": True,
            "CreateDate": _CREATED,
        }
        _replaced(
            delegate,
            account,
            policies=[
                {
                    "PolicyName": "Boundary",
                    "PolicyId": "ANPABOUNDARYBOUNDARY1",
                    "Arn": boundary.arn,
                    "Path": "/",
                    "DefaultVersionId": "v1",
                    "AttachmentCount": 0,
                    "IsAttachable": True,
                    "CreateDate": _CREATED,
                    "UpdateDate": _CREATED,
                    "PolicyVersionList": [version],
                }
            ],
        )
    shown = iam.get_user(user_name="bounded").user.permissions_boundary
    assert shown is not None


def test_replacing_a_policy_of_the_name_under_another_path_asks_to_delete_it(
    iam_node: InProcessNode, iam: Client
) -> None:
    """A policy's name is unique in the account whatever its path, so `replace` overwrites
    `/team/Guarded` with the file's `/Guarded`: that asks iam:DeletePolicy on the held one,
    whose ARN is not the file's (found beside review 4's import findings)."""
    account = iam.get_caller_identity().account or ""
    held = iam.create_policy(
        policy_name="Guarded", path="/team/", policy_document=doc(_deny("iam:ListRoles"))
    ).policy
    assert held.arn is not None
    version = {
        "Document": doc(allow("iam:GetUser")),
        "VersionId": "v1",
        "IsDefaultVersion": True,
        "CreateDate": _CREATED,
    }
    with (
        user_client(iam_node, iam, "delegate", _importer("iam:DeletePolicy")) as delegate,
        pytest.raises(AccessDeniedError, match="iam:DeletePolicy"),
    ):
        delegate.import_account(
            import_id="review4",
            account_id=account,
            commit=True,
            replace=True,
            part_count=1,
            policies=[
                {
                    "PolicyName": "Guarded",
                    "PolicyId": "ANPAGUARDEDGUARDEDG1",
                    "Arn": f"arn:aws:iam::{account}:policy/Guarded",
                    "Path": "/",
                    "DefaultVersionId": "v1",
                    "AttachmentCount": 0,
                    "IsAttachable": True,
                    "CreateDate": _CREATED,
                    "UpdateDate": _CREATED,
                    "PolicyVersionList": [version],
                }
            ],
        )
    kept = iam.get_policy(policy_arn=held.arn).policy
    assert kept.policy_id == held.policy_id
