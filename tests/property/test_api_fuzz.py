"""Random names, paths, tags and documents thrown at the API: every call either succeeds or
fails with a proper AWS error, and a failed call changes nothing (the replica digest holds)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamstore.client import Client, Credentials, IamError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig

# Every code a well-formed but unacceptable admin call may get back (never ServiceFailure).
EXPECTED_CODES = {
    "ValidationError",
    "InvalidInput",
    "MalformedPolicyDocument",
    "EntityAlreadyExists",
    "NoSuchEntity",
    "LimitExceeded",
    "DeleteConflict",
}

name_chars = st.sampled_from("abcXYZ019+=,.@_- /*é\u0000")
names = st.text(name_chars, min_size=0, max_size=70) | st.sampled_from(["alice", "bob", "ALICE"])
paths = (
    st.none()
    | st.sampled_from(["/", "/a/", "/a/b/", "a", "/a", "//", "/ /"])
    | st.text(st.sampled_from("/ab~\t"), max_size=10)
)
tags = st.lists(
    st.fixed_dictionaries(
        {
            "Key": st.text(max_size=130) | st.sampled_from(["k", "aws:x"]),
            "Value": st.text(max_size=20),
        }
    ),
    max_size=4,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Version",
                    "Statement",
                    "Effect",
                    "Action",
                    "Resource",
                    "Principal",
                    "Condition",
                    "Sid",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
VALID_DOC = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}
documents = st.one_of(
    st.just(json.dumps(VALID_DOC)),
    json_values.map(json.dumps),
    st.text(max_size=40),
    st.builds(
        lambda effect, action: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": effect, "Action": action, "Resource": "*"}],
            }
        ),
        st.sampled_from(["Allow", "Deny", "allow", ""]),
        st.sampled_from(["s3:*", "", "*", []]),
    ),
)


@pytest.fixture(scope="module")
def fuzz_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    with InProcessNode(NodeConfig(data_dir=data_dir, listen="127.0.0.1:0")) as node:
        yield node


@pytest.fixture(scope="module")
def fuzz_client(fuzz_node: InProcessNode) -> Iterator[Client]:
    root = resolve_credentials(credentials_file=str(fuzz_node.credentials_file))
    with Client(fuzz_node.address, credentials=root) as management:
        made = management.create_account(account_name="fuzz").root_credentials
        assert made is not None
    credentials = Credentials(made.access_key_id, made.secret_access_key)
    with Client(fuzz_node.address, credentials=credentials) as client:
        client.create_user(user_name="bob")
        yield client


def _digest(node: InProcessNode) -> str:
    assert node.node is not None
    assert node.node.components is not None
    return node.node.components.state.digest()


def _check(node: InProcessNode, call: Callable[[], object]) -> None:
    before = _digest(node)
    failure: IamError | None = None
    try:
        call()
    except IamError as err:
        failure = err
    if failure is not None:
        assert failure.code in EXPECTED_CODES, f"{failure.code}: {failure.message}"
        assert _digest(node) == before, f"failed call ({failure.code}) changed the replica"


FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(name=names, path=paths, user_tags=tags)
def test_create_user(
    fuzz_node: InProcessNode,
    fuzz_client: Client,
    name: str,
    path: str | None,
    user_tags: list[dict[str, str]],
) -> None:
    _check(fuzz_node, lambda: fuzz_client.create_user(user_name=name, path=path, tags=user_tags))


@FUZZ
@given(name=names, path=paths, document=documents)
def test_create_policy(
    fuzz_node: InProcessNode, fuzz_client: Client, name: str, path: str | None, document: str
) -> None:
    _check(
        fuzz_node,
        lambda: fuzz_client.create_policy(policy_name=name, path=path, policy_document=document),
    )


@FUZZ
@given(name=names, document=documents)
def test_put_user_policy(
    fuzz_node: InProcessNode, fuzz_client: Client, name: str, document: str
) -> None:
    _check(
        fuzz_node,
        lambda: fuzz_client.put_user_policy(
            user_name="bob", policy_name=name, policy_document=document
        ),
    )


@FUZZ
@given(name=names, document=documents, duration=st.none() | st.integers(0, 50_000))
def test_create_role(
    fuzz_node: InProcessNode, fuzz_client: Client, name: str, document: str, duration: int | None
) -> None:
    _check(
        fuzz_node,
        lambda: fuzz_client.create_role(
            role_name=name, assume_role_policy_document=document, max_session_duration=duration
        ),
    )


@FUZZ
@given(new_name=st.none() | names, new_path=paths, user_tags=tags)
def test_update_and_tag_user(
    fuzz_node: InProcessNode,
    fuzz_client: Client,
    new_name: str | None,
    new_path: str | None,
    user_tags: list[dict[str, str]],
) -> None:
    _check(fuzz_node, lambda: fuzz_client.tag_user(user_name="bob", tags=user_tags))
    _check(
        fuzz_node,
        lambda: fuzz_client.update_user(user_name="bob", new_user_name=new_name, new_path=new_path),
    )
    if new_name is not None:  # put bob back so the next example finds him
        with contextlib.suppress(IamError):
            fuzz_client.update_user(user_name=new_name, new_user_name="bob")
