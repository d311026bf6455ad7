"""Role sessions calling IAM: authorized by the role's policies narrowed by the session's,
and never mistaken for the account root when an operation defaults to the caller."""

from __future__ import annotations

import json

import pytest

from iamstore.client import (
    AccessDeniedError,
    Client,
    Credentials,
    InvalidUserTypeError,
    ValidationError,
)
from iamstore.cluster.testing.inproc import InProcessNode


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(*actions: str) -> str:
    return doc({"Effect": "Allow", "Action": list(actions), "Resource": "*"})


def role_session(
    iam_node: InProcessNode, iam: Client, role_policy: str, session_policy: str | None = None
) -> Client:
    """A client signing as a session of role `ops`, assumed by user `caller`."""
    account = iam.get_caller_identity().account
    iam.create_user(user_name="caller")
    iam.put_user_policy(
        user_name="caller", policy_name="assume", policy_document=allow("sts:AssumeRole")
    )
    key = iam.create_access_key(user_name="caller").access_key
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    arn = iam.create_role(role_name="ops", assume_role_policy_document=trust).role.arn
    iam.put_role_policy(role_name="ops", policy_name="ops", policy_document=role_policy)
    with Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    ) as user:
        issued = user.assume_role(
            role_arn=arn, role_session_name="s1", policy=session_policy
        ).credentials
    return Client(
        iam_node.address,
        credentials=Credentials(
            issued.access_key_id, issued.secret_access_key, issued.session_token
        ),
    )


def test_role_session_may_do_what_its_role_allows_and_nothing_else(
    iam_node: InProcessNode, iam: Client
) -> None:
    with role_session(iam_node, iam, allow("iam:ListUsers")) as session:
        names = {u.user_name for u in session.list_users().users}
        assert names == {"caller"}
        with pytest.raises(AccessDeniedError) as denied:
            session.create_user(user_name="mallory")
    # AWS's message names the assumed-role ARN as the principal.
    assert ":assumed-role/ops/s1 is not authorized to perform: iam:CreateUser" in str(denied.value)
    assert all(u.user_name != "mallory" for u in iam.list_users().users)


def test_session_policy_narrows_the_role(iam_node: InProcessNode, iam: Client) -> None:
    # AWS: a session's permissions are the role's intersected with its session policies.
    role_policy = allow("iam:ListUsers", "iam:ListRoles")
    with role_session(iam_node, iam, role_policy, allow("iam:ListRoles")) as session:
        assert [r.role_name for r in session.list_roles().roles] == ["ops"]
        with pytest.raises(AccessDeniedError, match=r"session policy|identity-based"):
            session.list_users()


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_user(),
        lambda c: c.create_access_key(),
        lambda c: c.list_access_keys(),
        lambda c: c.list_mfa_devices(),
        # The root manages its own certificates without a UserName; a role session is not it.
        lambda c: c.list_signing_certificates(),
    ],
    ids=["GetUser", "CreateAccessKey", "ListAccessKeys", "ListMFADevices", "ListSigningCerts"],
)
def test_operations_defaulting_to_the_caller_need_a_user_name_from_a_role_session(
    iam_node: InProcessNode, iam: Client, call: object
) -> None:
    # AWS: "Must specify userName when calling with non-User credentials" (ValidationError),
    # whatever the role's policies allow: a role session is not the account root.
    with (
        role_session(iam_node, iam, allow("iam:*")) as session,
        pytest.raises(ValidationError, match="Must specify userName"),
    ):
        call(session)  # type: ignore[operator]
    # The account root's keys were not touched.
    assert len(iam.list_access_keys().access_key_metadata) == 1


def test_role_session_names_users_explicitly(iam_node: InProcessNode, iam: Client) -> None:
    with role_session(iam_node, iam, allow("iam:GetUser", "iam:ListAccessKeys")) as session:
        assert session.get_user(user_name="caller").user.user_name == "caller"
        assert len(session.list_access_keys(user_name="caller").access_key_metadata) == 1


def test_role_session_cannot_change_a_password(iam_node: InProcessNode, iam: Client) -> None:
    iam.update_account_password_policy(allow_users_to_change_password=True)
    with (
        role_session(iam_node, iam, allow("iam:*")) as session,
        pytest.raises(InvalidUserTypeError),
    ):
        session.change_password(old_password="Old-pass-1", new_password="New-pass-12")
