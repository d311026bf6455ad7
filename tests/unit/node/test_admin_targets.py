"""The questions admin calls ask carry the condition keys AWS documents for their actions."""

from __future__ import annotations

from iamstore.node.auth import admin
from iamstore.node.service_catalog import shared_catalog

# Create* and Put*PermissionsBoundary carry the boundary they set, not the one the entity has.
SETS_ITS_OWN = {
    "CreateUser",
    "CreateRole",
    "PutUserPermissionsBoundary",
    "PutRolePermissionsBoundary",
}


def test_every_action_aws_keys_by_the_entitys_boundary_carries_it() -> None:
    # AWS's Service Authorization Reference (IAM): which actions on a user or role take
    # iam:PermissionsBoundary. A Deny protecting bounded roles (StringEquals on it) must apply
    # to each of them, or DeleteRole or UpdateAssumeRolePolicy would slip past it.
    iam = shared_catalog().service("iam")
    assert iam is not None
    documented = {
        action.name
        for action in iam.actions.values()
        if "iam:permissionsboundary" in action.condition_keys.exact
    }
    assert documented - SETS_ITS_OWN == admin._BOUNDARY_KEYED
