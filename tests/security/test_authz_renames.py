"""Moving an entity (new name or new path) is authorized on the source and the target.

Attack kept: a user allowed only `user/sandbox/*` moved a user onto `user/ops/deployer`, a name
an admin role trusts, and assumed that role. AWS requires permission on both the source and
the target of a rename
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html, API_UpdateGroup.html).
"""

from __future__ import annotations

import pytest
from security_nodes import (
    allow,
    doc,
    user_client,
)

from iamstore.client import AccessDeniedError, Client
from iamstore.cluster.testing.inproc import InProcessNode


def _sandbox_admin(node: InProcessNode, iam: Client, account: str) -> Client:
    sandbox = f"arn:aws:iam::{account}:user/sandbox/*"
    groups = f"arn:aws:iam::{account}:group/sandbox/*"
    policy = doc(
        allow("iam:UpdateUser", "iam:UpdateGroup", resource=sandbox),
        allow("iam:UpdateGroup", resource=groups),
    )
    return user_client(node, iam, "helper", policy)


def test_a_user_cannot_be_renamed_onto_a_name_outside_the_callers_rights(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account
    iam.create_user(user_name="temp", path="/sandbox/")
    with _sandbox_admin(iam_node, iam, account) as helper:
        with pytest.raises(AccessDeniedError, match="user/ops/deployer"):
            helper.update_user(user_name="temp", new_user_name="deployer", new_path="/ops/")
        with pytest.raises(AccessDeniedError, match="user/deployer"):
            helper.update_user(user_name="temp", new_user_name="deployer", new_path="/")
        with pytest.raises(AccessDeniedError, match="user/ops/temp"):
            helper.update_user(user_name="temp", new_path="/ops/")  # a path move alone
        helper.update_user(user_name="temp", new_user_name="temp2")  # inside: allowed
    assert iam.get_user(user_name="temp2").user.arn == f"arn:aws:iam::{account}:user/sandbox/temp2"


def test_a_group_cannot_be_moved_outside_the_callers_rights(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account
    iam.create_group(group_name="testers", path="/sandbox/")
    with _sandbox_admin(iam_node, iam, account) as helper:
        with pytest.raises(AccessDeniedError, match="group/admins"):
            helper.update_group(group_name="testers", new_group_name="admins", new_path="/")
        helper.update_group(group_name="testers", new_group_name="qa")
    assert iam.get_group(group_name="qa").group.path == "/sandbox/"


def test_the_source_is_still_asked(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account
    iam.create_user(user_name="deployer", path="/ops/")
    with (
        _sandbox_admin(iam_node, iam, account) as helper,
        pytest.raises(AccessDeniedError, match="user/ops/deployer"),
    ):
        helper.update_user(user_name="deployer", new_path="/sandbox/")
    assert iam.get_user(user_name="deployer").user.path == "/ops/"
