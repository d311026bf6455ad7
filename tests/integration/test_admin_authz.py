"""Admin calls are authorized by policy as `iam:<Operation>` on the target's ARN (issue 4 §1)."""

from __future__ import annotations

import json

import pytest

from iamstore.client import AccessDeniedError, Client, Credentials
from iamstore.cluster.testing.inproc import InProcessNode


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str = "*", **extra: object) -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str, resource: str = "*") -> dict[str, object]:
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def _as(iam: Client, iam_node: InProcessNode, name: str, *documents: str) -> Client:
    iam.create_user(user_name=name)
    for i, document in enumerate(documents):
        iam.put_user_policy(user_name=name, policy_name=f"p{i}", policy_document=document)
    key = iam.create_access_key(user_name=name).access_key
    return Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    )


@pytest.fixture
def account_id(iam: Client) -> str:
    return iam.get_user().user.arn.split(":")[4]


@pytest.fixture
def boundary_arn(iam: Client) -> str:
    made = iam.create_policy(policy_name="DevBoundary", policy_document=doc(allow("s3:*")))
    return made.policy.arn or ""


def test_no_policy_refused_with_aws_message_and_nothing_changes(
    iam: Client, iam_node: InProcessNode, account_id: str
) -> None:
    with _as(iam, iam_node, "bob") as bob, pytest.raises(AccessDeniedError) as refused:
        bob.create_user(user_name="eve")
    assert str(refused.value).endswith(
        f"User: arn:aws:iam::{account_id}:user/bob is not authorized to perform: "
        f"iam:CreateUser on resource: arn:aws:iam::{account_id}:user/eve because no "
        "identity-based policy allows the iam:CreateUser action"
    )
    assert [u.user_name for u in iam.list_users().users] == ["bob"]


def test_explicit_deny_message(iam: Client, iam_node: InProcessNode, account_id: str) -> None:
    with _as(iam, iam_node, "bob", doc(allow("iam:*"), deny("iam:DeleteUser"))) as bob:
        bob.create_user(user_name="eve")
        with pytest.raises(AccessDeniedError, match="with an explicit deny in an identity-based"):
            bob.delete_user(user_name="eve")
    assert "eve" in [u.user_name for u in iam.list_users().users]


def test_resource_is_the_users_arn_with_its_path(iam: Client, iam_node: InProcessNode) -> None:
    # Service Authorization Reference: GetUser acts on the `user` resource, ARN with path.
    iam.create_user(user_name="ann", path="/eng/")
    iam.create_user(user_name="sam", path="/ops/")
    with _as(iam, iam_node, "bob", doc(allow("iam:GetUser", "arn:aws:iam::*:user/eng/*"))) as bob:
        assert bob.get_user(user_name="ann").user.user_name == "ann"
        with pytest.raises(AccessDeniedError, match=r"on resource: arn:aws:iam::\d+:user/ops/sam"):
            bob.get_user(user_name="sam")


def test_list_users_is_on_the_path_prefix(iam: Client, iam_node: InProcessNode) -> None:
    # AWS: ListUsers is authorized on arn:aws:iam::ACCOUNT:user/PATH-PREFIX*.
    policy = doc(allow("iam:ListUsers", "arn:aws:iam::*:user/eng/*"))
    with _as(iam, iam_node, "bob", policy) as bob:
        assert bob.list_users(path_prefix="/eng/").users == ()
        with pytest.raises(AccessDeniedError):
            bob.list_users()


def test_delegated_admin_may_create_users_only_with_the_boundary(
    iam: Client, iam_node: InProcessNode, boundary_arn: str
) -> None:
    # AWS's documented pattern: iam:CreateUser with iam:PermissionsBoundary StringEquals.
    policy = doc(
        allow(
            ["iam:CreateUser", "iam:PutUserPermissionsBoundary"],
            Condition={"StringEquals": {"iam:PermissionsBoundary": boundary_arn}},
        )
    )
    with _as(iam, iam_node, "delegate", policy) as delegate:
        with pytest.raises(AccessDeniedError):
            delegate.create_user(user_name="free")
        other = iam.create_policy(policy_name="Other", policy_document=doc(allow("*"))).policy.arn
        with pytest.raises(AccessDeniedError):
            delegate.create_user(user_name="wide", permissions_boundary=other)
        made = delegate.create_user(user_name="bounded", permissions_boundary=boundary_arn)
    assert made.user.permissions_boundary is not None
    assert made.user.permissions_boundary.permissions_boundary_arn == boundary_arn
    names = {u.user_name for u in iam.list_users().users}
    assert "bounded" in names
    assert not {"free", "wide"} & names


def test_policy_arn_condition_limits_attach(iam: Client, iam_node: InProcessNode) -> None:
    readonly = iam.create_policy(policy_name="Ro", policy_document=doc(allow("s3:Get*"))).policy
    admin = iam.create_policy(policy_name="Admin", policy_document=doc(allow("*"))).policy
    iam.create_user(user_name="target")
    policy = doc(
        allow(
            "iam:AttachUserPolicy",
            Condition={"ArnEquals": {"iam:PolicyARN": readonly.arn}},
        )
    )
    with _as(iam, iam_node, "bob", policy) as bob:
        bob.attach_user_policy(user_name="target", policy_arn=readonly.arn or "")
        with pytest.raises(AccessDeniedError):
            bob.attach_user_policy(user_name="target", policy_arn=admin.arn or "")
    attached = iam.list_attached_user_policies(user_name="target").attached_policies
    assert [p.policy_name for p in attached] == ["Ro"]


def test_boundary_refusal_names_the_boundary(
    iam: Client, iam_node: InProcessNode, boundary_arn: str
) -> None:
    with _as(iam, iam_node, "bob", doc(allow("iam:*"))) as bob:
        iam.put_user_permissions_boundary(user_name="bob", permissions_boundary=boundary_arn)
        with pytest.raises(AccessDeniedError, match="because no permissions boundary allows"):
            bob.create_user(user_name="eve")


def test_resource_tag_condition(iam: Client, iam_node: InProcessNode) -> None:
    iam.create_user(user_name="mine", tags=[{"Key": "team", "Value": "a"}])
    iam.create_user(user_name="theirs", tags=[{"Key": "team", "Value": "b"}])
    policy = doc(allow("iam:TagUser", Condition={"StringEquals": {"aws:ResourceTag/team": "a"}}))
    with _as(iam, iam_node, "bob", policy) as bob:
        bob.tag_user(user_name="mine", tags=[{"Key": "x", "Value": "1"}])
        with pytest.raises(AccessDeniedError):
            bob.tag_user(user_name="theirs", tags=[{"Key": "x", "Value": "1"}])


def test_request_tag_condition_on_create(iam: Client, iam_node: InProcessNode) -> None:
    policy = doc(allow("iam:CreateUser", Condition={"StringEquals": {"aws:RequestTag/team": "a"}}))
    with _as(iam, iam_node, "bob", policy) as bob:
        bob.create_user(user_name="ok", tags=[{"Key": "team", "Value": "a"}])
        with pytest.raises(AccessDeniedError):
            bob.create_user(user_name="no", tags=[{"Key": "team", "Value": "b"}])


def test_add_role_to_instance_profile_needs_pass_role(iam: Client, iam_node: InProcessNode) -> None:
    # AWS: AddRoleToInstanceProfile also requires iam:PassRole on the role.
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    iam.create_role(role_name="app", assume_role_policy_document=trust)
    iam.create_instance_profile(instance_profile_name="web")
    with _as(iam, iam_node, "bob", doc(allow("iam:AddRoleToInstanceProfile"))) as bob:
        with pytest.raises(AccessDeniedError, match="iam:PassRole"):
            bob.add_role_to_instance_profile(instance_profile_name="web", role_name="app")
        iam.put_user_policy(
            user_name="bob",
            policy_name="pass",
            policy_document=doc(
                allow(
                    "iam:PassRole",
                    Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
                )
            ),
        )
        bob.add_role_to_instance_profile(instance_profile_name="web", role_name="app")
    roles = iam.get_instance_profile(instance_profile_name="web").instance_profile.roles
    assert [r.role_name for r in roles] == ["app"]


def test_authorize_needs_iamstore_authorize(iam: Client, iam_node: InProcessNode) -> None:
    with _as(iam, iam_node, "bob") as bob:
        arn = bob_arn = iam.get_user(user_name="bob").user.arn
        with pytest.raises(AccessDeniedError, match="iamstore:Authorize"):
            bob.authorize(principal_arn=arn, action="s3:GetObject", resource_arn="*")
        iam.put_user_policy(
            user_name="bob", policy_name="a", policy_document=doc(allow("iamstore:Authorize"))
        )
        assert not bob.authorize(
            principal_arn=bob_arn, action="s3:GetObject", resource_arn="*"
        ).allowed


def test_denials_are_counted_in_metrics(iam: Client, iam_node: InProcessNode) -> None:
    node = iam_node.node
    assert node is not None
    assert node.metrics is not None
    before = node.metrics.authorization_decisions.labels(decision="implicit_deny")._value.get()
    with _as(iam, iam_node, "bob") as bob, pytest.raises(AccessDeniedError):
        bob.list_roles()
    after = node.metrics.authorization_decisions.labels(decision="implicit_deny")._value.get()
    assert after == before + 1
