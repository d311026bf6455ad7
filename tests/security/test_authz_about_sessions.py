"""Authorize about a role session decides with the whole session, named by its credentials.

Attack kept: `Authorize(principal_arn=arn:aws:sts::A:assumed-role/R/S)` evaluated the role
without the session (its policies, tags, MFA state, issue time) and accepted session names that
were never issued. Now a session is named by its credentials as presented (the ASIA key id
with its session token), which the node opens, and a bare session ARN is refused.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from security_nodes import (
    allow,
    doc,
    mfa_device,
    next_code,
    session_client,
    trust_account,
    user_client,
)

from iamstore.client import AccessDeniedError, Client, Credentials, InvalidInputError
from iamstore.client.cli import cli
from iamstore.client.models import AuthorizeRequest, Tag, TemporaryCredentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.wire.credentials import write_credentials_file

OBJECT = "arn:aws:s3:::reports/q3.csv"


def _assume(
    node: InProcessNode, iam: Client, role_policy: str, **assume: object
) -> tuple[str, TemporaryCredentials]:
    """A session of role `reader` (allowed `role_policy`), assumed by user `caller`; returns
    the session's ARN and credentials."""
    account = iam.get_caller_identity().account
    trust = trust_account(account, "sts:AssumeRole", "sts:TagSession")
    role_arn = iam.create_role(role_name="reader", assume_role_policy_document=trust).role.arn
    assert role_arn is not None
    iam.put_role_policy(role_name="reader", policy_name="p", policy_document=role_policy)
    caller_policy = doc(allow("sts:AssumeRole", "sts:TagSession"))
    with user_client(node, iam, "caller", caller_policy) as caller:
        issued = caller.assume_role(role_arn=role_arn, role_session_name="s1", **assume)  # type: ignore[arg-type]
    assert issued.credentials is not None
    assert issued.assumed_role_user is not None
    return issued.assumed_role_user.arn, issued.credentials


def _ask(iam: Client, creds: TemporaryCredentials, action: str) -> str:
    return iam.authorize(
        access_key_id=creds.access_key_id,
        session_token=creds.session_token,
        action=action,
        resource_arn=OBJECT,
    ).decision


def test_a_bare_session_arn_is_refused(iam_node: InProcessNode, iam: Client) -> None:
    session_arn, _ = _assume(iam_node, iam, doc(allow("s3:*")))
    for arn in (session_arn, session_arn.replace("/s1", "/never-issued")):
        with pytest.raises(InvalidInputError, match="SessionToken"):
            iam.authorize(principal_arn=arn, action="s3:GetObject", resource_arn=OBJECT)


def test_the_session_policy_narrows_the_answer(iam_node: InProcessNode, iam: Client) -> None:
    session_arn, creds = _assume(
        iam_node, iam, doc(allow("s3:*")), policy=doc(allow("s3:GetObject"))
    )
    answer = iam.authorize(
        access_key_id=creds.access_key_id,
        session_token=creds.session_token,
        action="s3:GetObject",
        resource_arn=OBJECT,
    )
    assert answer.decision == "Allow"
    assert answer.principal_arn == session_arn
    assert _ask(iam, creds, "s3:PutObject") == "ImplicitDeny"


def test_a_revoked_session_is_denied(iam_node: InProcessNode, iam: Client) -> None:
    _, creds = _assume(iam_node, iam, doc(allow("s3:*")))
    assert _ask(iam, creds, "s3:GetObject") == "Allow"
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    revoke = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"DateLessThan": {"aws:TokenIssueTime": later.strftime("%Y-%m-%dT%H:%M:%SZ")}},
    }
    iam.put_role_policy(role_name="reader", policy_name="revoke", policy_document=doc(revoke))
    assert _ask(iam, creds, "s3:GetObject") == "ExplicitDeny"


def test_mfa_and_session_tags_are_the_sessions(iam_node: InProcessNode, iam: Client) -> None:
    policy = doc(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        },
        {
            "Effect": "Deny",
            "Action": "s3:DeleteObject",
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
        },
        allow("s3:DeleteObject"),
    )
    _, creds = _assume(iam_node, iam, policy, tags=[Tag(key="team", value="blue")])
    assert _ask(iam, creds, "s3:GetObject") == "Allow"
    assert _ask(iam, creds, "s3:DeleteObject") == "ExplicitDeny"  # a session without MFA
    batch = iam.authorize_batch(
        requests=[
            AuthorizeRequest(
                access_key_id=creds.access_key_id,
                session_token=creds.session_token,
                action=action,
                resource_arn=OBJECT,
            )
            for action in ("s3:GetObject", "s3:DeleteObject")
        ]
    )
    assert [r.decision for r in batch.results] == ["Allow", "ExplicitDeny"]


def test_credentials_that_do_not_open_are_refused(iam_node: InProcessNode, iam: Client) -> None:
    _, creds = _assume(iam_node, iam, doc(allow("s3:*")))
    tampered = creds.session_token[:-4] + ("AAAA" if creds.session_token[-4:] != "AAAA" else "BBBB")
    other_key = "ASIA" + "A" * 16
    for key_id, token in ((creds.access_key_id, tampered), (other_key, creds.session_token)):
        with pytest.raises(InvalidInputError, match="not valid"):
            iam.authorize(
                access_key_id=key_id,
                session_token=token,
                action="s3:GetObject",
                resource_arn=OBJECT,
            )
    with pytest.raises(InvalidInputError, match="need their `SessionToken`"):
        iam.authorize(access_key_id=creds.access_key_id, action="s3:GetObject", resource_arn=OBJECT)


def test_another_accounts_session_is_not_yours_to_ask_about(
    iam_node: InProcessNode, iam: Client, management: Client
) -> None:
    _, creds = _assume(iam_node, iam, doc(allow("s3:*")))
    with pytest.raises(AccessDeniedError, match="not in your account"):
        management.authorize(
            access_key_id=creds.access_key_id,
            session_token=creds.session_token,
            action="s3:GetObject",
            resource_arn=OBJECT,
        )


def test_a_session_can_ask_about_itself(iam_node: InProcessNode, iam: Client) -> None:
    _, creds = _assume(iam_node, iam, doc(allow("s3:*", "iamstore:Authorize")))
    with session_client(iam_node, creds) as session:
        assert _ask(session, creds, "s3:GetObject") == "Allow"


def test_a_user_session_is_asked_about_within_its_limits(
    iam_node: InProcessNode, iam: Client
) -> None:
    # AWS: GetSessionToken credentials call no IAM operation without MFA, and of STS only
    # AssumeRole and GetCallerIdentity; the answer about them says the same.
    policy = doc(allow("iam:ListUsers", "s3:GetObject", "sts:*"))
    with user_client(iam_node, iam, "alice", policy) as alice:
        serial, totp = mfa_device(iam, "alice")
        plain = alice.get_session_token().credentials
        with_mfa = alice.get_session_token(serial_number=serial, token_code=next_code(totp))
    assert plain is not None
    assert with_mfa.credentials is not None
    answers = {
        action: (_ask(iam, plain, action), _ask(iam, with_mfa.credentials, action))
        for action in ("s3:GetObject", "iam:ListUsers", "sts:AssumeRole", "sts:GetSessionToken")
    }
    assert answers == {
        "s3:GetObject": ("Allow", "Allow"),
        "iam:ListUsers": ("ImplicitDeny", "Allow"),
        "sts:AssumeRole": ("Allow", "Allow"),
        "sts:GetSessionToken": ("ImplicitDeny", "ImplicitDeny"),
    }


def test_the_cli_asks_about_a_session_by_its_credentials(
    iam_node: InProcessNode, iam: Client, tmp_path: Path
) -> None:
    session_arn, creds = _assume(iam_node, iam, doc(allow("s3:GetObject")))
    iam.create_user(user_name="service")
    iam.put_user_policy(
        user_name="service", policy_name="p", policy_document=doc(allow("iamstore:Authorize"))
    )
    key = iam.create_access_key(user_name="service").access_key
    credentials = tmp_path / "credentials"
    write_credentials_file(credentials, Credentials(key.access_key_id, key.secret_access_key))
    base = [
        "--endpoint",
        iam_node.address,
        "--credentials-file",
        str(credentials),
        "--output",
        "json",
        "authz",
        "check",
        "--access-key-id",
        creds.access_key_id,
        "--resource",
        OBJECT,
    ]
    env = {"IAMSTORE_AUTHZ_SESSION_TOKEN": creds.session_token}
    allowed = CliRunner().invoke(cli, [*base, "--action", "s3:GetObject"], env=env)
    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.output)["PrincipalArn"] == session_arn
    denied = CliRunner().invoke(cli, [*base, "--action", "s3:PutObject"], env=env)
    assert denied.exit_code == 1, denied.output
    both = CliRunner().invoke(cli, [*base, "--action", "s3:GetObject", "--principal", session_arn])
    assert both.exit_code != 0
