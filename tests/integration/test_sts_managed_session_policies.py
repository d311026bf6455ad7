"""Managed session policies (PolicyArns): the session carries the ARNs, resolved when it is
authorized; AWS's 2,048-character plaintext limit counts the ARNs, not the documents."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from iamstore.client import AccessDeniedError, Client, Credentials, IamError, ValidationError
from iamstore.client.models import PolicyDescriptorType, TemporaryCredentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.api import sts_roles
from iamstore.node.auth.supplied import compile_document
from iamstore.node.policy import CompiledPolicy, PolicyKind

READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess"
# The largest AWS managed policy (about 157,000 characters), used by no other test here.
LARGEST_AWS_POLICY = "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"
MAX_PLAINTEXT = 2048  # STS API Reference, AssumeRole, PolicyArns


def _doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(*actions: str) -> str:
    return _doc({"Effect": "Allow", "Action": list(actions), "Resource": "*"})


def _session(node: InProcessNode, creds: TemporaryCredentials | None) -> Client:
    assert creds is not None
    return Client(
        node.address,
        credentials=Credentials(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )


@pytest.fixture
def setup(iam_node: InProcessNode, iam: Client) -> Iterator[tuple[Client, str]]:
    """A user allowed sts:AssumeRole, and a role of the account allowed everything."""
    account = iam.get_caller_identity().account
    trust = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    role_arn = iam.create_role(role_name="worker", assume_role_policy_document=trust).role.arn
    iam.put_role_policy(role_name="worker", policy_name="all", policy_document=_allow("*"))
    iam.create_user(user_name="broker")
    iam.put_user_policy(
        user_name="broker",
        policy_name="assume",
        policy_document=_allow("sts:AssumeRole", "sts:GetFederationToken"),
    )
    key = iam.create_access_key(user_name="broker").access_key
    broker = Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    )
    with broker:
        yield broker, role_arn


def _arns(*arns: str) -> list[PolicyDescriptorType]:
    return [PolicyDescriptorType(arn=arn) for arn in arns]


def test_a_deleted_session_policy_denies_what_it_allowed(
    iam_node: InProcessNode, iam: Client, setup: tuple[Client, str]
) -> None:
    broker, role_arn = setup
    policy_arn = iam.create_policy(
        policy_name="list-users", policy_document=_allow("iam:ListUsers")
    ).policy.arn
    assert policy_arn is not None
    issued = broker.assume_role(
        role_arn=role_arn, role_session_name="audit", policy_arns=_arns(policy_arn)
    ).credentials
    with _session(iam_node, issued) as session:
        session.list_users()
        with pytest.raises(AccessDeniedError):  # narrowed to the policy
            session.list_roles()
        iam.delete_policy(policy_arn=policy_arn)
        with pytest.raises(AccessDeniedError):
            session.list_users()


def test_a_deleted_session_policy_takes_its_denies_with_everything(
    iam_node: InProcessNode, iam: Client, setup: tuple[Client, str]
) -> None:
    # Fail closed: dropping only the deleted policy would drop its Deny and widen the session.
    broker, role_arn = setup
    deny = iam.create_policy(
        policy_name="no-list",
        policy_document=_doc({"Effect": "Deny", "Action": "iam:ListUsers", "Resource": "*"}),
    ).policy.arn
    assert deny is not None
    issued = broker.assume_role(
        role_arn=role_arn,
        role_session_name="audit",
        policy=_allow("iam:List*"),
        policy_arns=_arns(deny),
    ).credentials
    with _session(iam_node, issued) as session:
        session.list_roles()
        with pytest.raises(AccessDeniedError, match="explicit deny"):
            session.list_users()
        iam.delete_policy(policy_arn=deny)
        with pytest.raises(AccessDeniedError):
            session.list_users()
        with pytest.raises(AccessDeniedError):
            session.list_roles()


def test_a_new_default_version_applies_to_sessions_already_issued(
    iam_node: InProcessNode, iam: Client, setup: tuple[Client, str]
) -> None:
    broker, role_arn = setup
    policy_arn = iam.create_policy(
        policy_name="grows", policy_document=_allow("iam:ListUsers")
    ).policy.arn
    assert policy_arn is not None
    issued = broker.assume_role(
        role_arn=role_arn, role_session_name="audit", policy_arns=_arns(policy_arn)
    ).credentials
    with _session(iam_node, issued) as session:
        with pytest.raises(AccessDeniedError):
            session.list_roles()
        iam.create_policy_version(
            policy_arn=policy_arn,
            policy_document=_allow("iam:ListUsers", "iam:ListRoles"),
            set_as_default=True,
        )
        session.list_roles()


def test_another_accounts_policy_is_refused_at_issue(
    iam: Client, other_account: Client, setup: tuple[Client, str]
) -> None:
    broker, role_arn = setup
    foreign = other_account.create_policy(
        policy_name="theirs", policy_document=_allow("*")
    ).policy.arn
    assert foreign is not None
    with pytest.raises(IamError) as refused:
        broker.assume_role(role_arn=role_arn, role_session_name="audit", policy_arns=_arns(foreign))
    assert refused.value.code == "NoSuchEntity"
    with pytest.raises(IamError) as refused:
        broker.get_federation_token(name="reader", policy_arns=_arns(foreign))
    assert refused.value.code == "NoSuchEntity"


def test_the_plaintext_limit_counts_arns_and_the_inline_policy(
    iam: Client, setup: tuple[Client, str]
) -> None:
    broker, role_arn = setup
    # ReadOnlyAccess's document is far longer than 2,048 characters; its ARN is 38.
    made = broker.assume_role(
        role_arn=role_arn, role_session_name="audit", policy_arns=_arns(READ_ONLY_ACCESS)
    )
    assert made.packed_policy_size is not None
    assert made.packed_policy_size < 100
    # Inline policy + ARN: exactly 2,048 characters pass, one more is PackedPolicyTooLarge.
    base = _allow("iam:ListUsers")
    fits = base[:-1] + " " * (MAX_PLAINTEXT - len(READ_ONLY_ACCESS) - len(base)) + base[-1]
    assert len(fits) + len(READ_ONLY_ACCESS) == MAX_PLAINTEXT
    broker.assume_role(
        role_arn=role_arn,
        role_session_name="audit",
        policy=fits,
        policy_arns=_arns(READ_ONLY_ACCESS),
    )
    too_long = fits[:-1] + " " + fits[-1]
    for call in (
        lambda: broker.assume_role(
            role_arn=role_arn,
            role_session_name="audit",
            policy=too_long,
            policy_arns=_arns(READ_ONLY_ACCESS),
        ),
        lambda: broker.get_federation_token(
            name="reader", policy=too_long, policy_arns=_arns(READ_ONLY_ACCESS)
        ),
    ):
        with pytest.raises(IamError) as refused:
            call()
        assert refused.value.code == "PackedPolicyTooLarge"
    # Up to 10 ARNs (AWS's quota); an 11th is a ValidationError.
    arns = [
        str(iam.create_policy(policy_name=f"p{n}", policy_document=_allow("s3:*")).policy.arn)
        for n in range(11)
    ]
    broker.assume_role(role_arn=role_arn, role_session_name="audit", policy_arns=_arns(*arns[:10]))
    with pytest.raises(ValidationError):
        broker.assume_role(role_arn=role_arn, role_session_name="audit", policy_arns=_arns(*arns))


def test_a_large_aws_policy_is_compiled_once_off_the_event_loop(
    iam_node: InProcessNode,
    setup: tuple[Client, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broker, role_arn = setup
    assert iam_node.node is not None
    assert iam_node.node.components is not None
    index = iam_node.node.components.authorizer.index
    view = iam_node.node.components.state.view
    policy = view.policy_by_arn(LARGEST_AWS_POLICY)
    assert policy is not None
    version = view.default_version(policy.policy_id)
    assert version is not None
    assert len(version.document) > 100_000
    assert not index.replica_document_known(PolicyKind.SESSION, version.document)
    threads: list[str] = []

    def recording(name: str, kind: PolicyKind, text: str) -> CompiledPolicy | None:
        threads.append(threading.current_thread().name)
        return compile_document(name, kind, text)

    monkeypatch.setattr(sts_roles, "compile_document", recording)
    for session_name in ("first", "second"):
        broker.assume_role(
            role_arn=role_arn,
            role_session_name=session_name,
            policy_arns=_arns(LARGEST_AWS_POLICY),
        )
    # Compiled once, on the evaluation worker's thread, before the first credentials were
    # returned: the event loop (the node's thread) never compiled it.
    assert index.replica_document_known(PolicyKind.SESSION, version.document)
    assert len(threads) == 1
    assert threads[0] != "iamstore-node"


def test_read_only_access_narrows_a_session(
    iam_node: InProcessNode, setup: tuple[Client, str]
) -> None:
    broker, role_arn = setup
    issued = broker.assume_role(
        role_arn=role_arn, role_session_name="audit", policy_arns=_arns(READ_ONLY_ACCESS)
    ).credentials
    with _session(iam_node, issued) as session:
        session.list_users()
        with pytest.raises(AccessDeniedError):
            session.create_user(user_name="not-read-only")
