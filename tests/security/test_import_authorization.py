"""An account import is authorized as every IAM action it stands for, with each action's
condition keys, besides iamstore:ImportAccount: no policy lets an import write what the same
caller's IAM calls could not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from security_nodes import allow, doc, user_client

from iamstore.client import AccessDeniedError, Client
from iamstore.cluster.testing.inproc import InProcessNode

_ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
_READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
_BOUNDARY = "arn:aws:iam::aws:policy/PowerUserAccess"


def _user(account: str, name: str, user_id: str, **more: object) -> dict[str, object]:
    return {
        "Path": "/",
        "UserName": name,
        "UserId": user_id,
        "Arn": f"arn:aws:iam::{account}:user/{name}",
        "CreateDate": datetime(2020, 1, 1, tzinfo=UTC),
        **more,
    }


def _attached(arn: str) -> list[dict[str, str]]:
    return [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn}]


def test_an_attachment_a_condition_denies_is_refused_naming_action_and_resource(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    no_admin = doc(
        allow("iam:*", "iamstore:ImportAccount"),
        {
            "Effect": "Deny",
            "Action": "iam:AttachUserPolicy",
            "Resource": "*",
            "Condition": {"ArnEquals": {"iam:PolicyARN": _ADMIN}},
        },
    )
    with user_client(iam_node, iam, "delegate", no_admin) as delegate:
        delegate.import_account(
            import_id="reader",
            account_id=account,
            commit=True,
            part_count=1,
            user_detail_list=[
                _user(
                    account,
                    "reader",
                    "AIDAREADERREADERREAD1",
                    AttachedManagedPolicies=_attached(_READ_ONLY),
                )
            ],
        )
        with pytest.raises(AccessDeniedError) as refused:
            delegate.import_account(
                import_id="admin",
                account_id=account,
                commit=True,
                part_count=1,
                user_detail_list=[
                    _user(
                        account,
                        "boss",
                        "AIDABOSSBOSSBOSSBOSS1",
                        AttachedManagedPolicies=_attached(_ADMIN),
                    )
                ],
            )
    assert "iam:AttachUserPolicy" in refused.value.message
    assert f"arn:aws:iam::{account}:user/boss" in refused.value.message
    assert "explicit deny" in refused.value.message
    names = {user.user_name for user in iam.list_users().users}
    assert "reader" in names
    assert "boss" not in names


def test_a_user_without_the_required_permissions_boundary_is_refused(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    # The delegation pattern AWS documents: create users only with a given boundary.
    bounded_only = doc(
        allow("iamstore:ImportAccount", "iam:PutUserPermissionsBoundary"),
        {
            "Effect": "Allow",
            "Action": "iam:CreateUser",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PermissionsBoundary": _BOUNDARY}},
        },
    )
    with user_client(iam_node, iam, "delegate", bounded_only) as delegate:
        with pytest.raises(AccessDeniedError, match="iam:CreateUser"):
            delegate.import_account(
                import_id="free",
                account_id=account,
                commit=True,
                part_count=1,
                user_detail_list=[_user(account, "free", "AIDAFREEFREEFREEFREE1")],
            )
        boundary = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": _BOUNDARY}
        delegate.import_account(
            import_id="bounded",
            account_id=account,
            commit=True,
            part_count=1,
            user_detail_list=[
                _user(account, "bounded", "AIDABOUNDEDBOUNDEDBO1", PermissionsBoundary=boundary)
            ],
        )
    names = {user.user_name for user in iam.list_users().users}
    assert names == {"delegate", "bounded"}


def test_replacing_an_entity_needs_the_permission_to_delete_it(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    iam.create_user(user_name="kept")
    iam.attach_user_policy(user_name="kept", policy_arn=_READ_ONLY)
    no_delete = doc(
        allow("iam:*", "iamstore:ImportAccount"),
        {"Effect": "Deny", "Action": "iam:DetachUserPolicy", "Resource": "*"},
    )
    with (
        user_client(iam_node, iam, "delegate", no_delete) as delegate,
        pytest.raises(AccessDeniedError, match="iam:DetachUserPolicy"),
    ):
        delegate.import_account(
            import_id="replace",
            account_id=account,
            commit=True,
            part_count=1,
            replace=True,
            user_detail_list=[_user(account, "kept", "AIDAKEPTKEPTKEPTKEPT1")],
        )
    attached = iam.list_attached_user_policies(user_name="kept").attached_policies
    assert [policy.policy_arn for policy in attached] == [_READ_ONLY]
