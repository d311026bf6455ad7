"""Names as AWS validates them: ASCII where AWS's patterns are ASCII (no look-alike `ädmin`),
Unicode where AWS allows it (tag keys), and no typed user name kept for a failed sign-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from iamstore.client import AccessDeniedError, Client, Credentials, ValidationError
from iamstore.client.credentials import resolve_credentials
from iamstore.client.providers import sign_in
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.api.model_patterns import UnsupportedPattern, compile_model_pattern
from iamstore.node.api.signin import HIDDEN_PRINCIPAL, IMPOSSIBLE_NAME, failure_key
from iamstore.node.config import NodeConfig
from iamstore.node.policy import MalformedPolicyDocumentError, PolicyKind, parse_policy

NAME = r"[\w+=,.@-]+"
TAG_KEY = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"
TRUST_ACCOUNT = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": ["sts:AssumeRole", '
    '"sts:TagSession"]}]}'
)
ALLOW_ALL = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)


# --- the pattern translation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "look_alike",
    [
        "ädmin",  # Latin small a with diaeresis
        "\u0430dmin",  # Cyrillic small a
        "admin\u0661",  # Arabic-Indic digit one
        "\uff41dmin",  # fullwidth small a
        "admin\u00b2",  # superscript two
    ],
)
def test_an_iam_name_pattern_refuses_non_ascii_word_characters(look_alike: str) -> None:
    assert compile_model_pattern(NAME).fullmatch(look_alike) is None
    assert compile_model_pattern(NAME).fullmatch("Admin_1+=,.@-") is not None


def test_digits_and_spaces_are_java_ascii_classes() -> None:
    assert compile_model_pattern(r"\d{12}").fullmatch("١٢٣٤٥٦٧٨٩٠١٢") is None
    assert compile_model_pattern(r"\d{12}").fullmatch("123456789012") is not None
    assert compile_model_pattern(r"[\d]+").fullmatch("12٣") is None
    # Java's \S is "not an ASCII space": a no-break space is in it, and [\s\S] is anything.
    assert compile_model_pattern(r"\S").fullmatch("\u00a0") is not None
    assert compile_model_pattern(r"[\s\S]*").fullmatch("a \u00a0\n\u2028é") is not None
    assert compile_model_pattern(r"[\W]").fullmatch("ä") is not None
    assert compile_model_pattern(r"[\W]").fullmatch("a") is None


def test_unicode_properties_stay_unicode_as_aws_allows_in_tag_keys() -> None:
    assert compile_model_pattern(TAG_KEY).fullmatch("Kostenstelle-ä 1") is not None
    assert compile_model_pattern(TAG_KEY).fullmatch("key<script>") is None


def test_a_dot_matches_no_line_terminator_as_in_java() -> None:
    assert (
        compile_model_pattern("arn:aws:organizations::.+:.+").fullmatch(
            "arn:aws:organizations::1\n:x"
        )
        is None
    )
    assert compile_model_pattern("a.c").fullmatch("abc") is not None


@pytest.mark.parametrize("pattern", [r"\p{Alpha}+", r"\bword", "[a[b]]", "[abc"])
def test_java_syntax_without_an_exact_translation_is_refused(pattern: str) -> None:
    # Java's POSIX classes are ASCII and `regex`'s are Unicode: refused, never widened.
    with pytest.raises(UnsupportedPattern):
        compile_model_pattern(pattern)


def test_every_pattern_of_the_iam_and_sts_models_translates() -> None:
    session = botocore.session.get_session()
    translated = 0
    for service in ("iam", "sts"):
        model = session.get_service_model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            if pattern is not None:
                compile_model_pattern(pattern)
                translated += 1
    assert translated > 30


# --- through a node --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    data_dir: Path = tmp_path_factory.mktemp("names-node")
    with InProcessNode(NodeConfig(data_dir=data_dir, listen="127.0.0.1:0")) as running:
        yield running


@pytest.fixture(scope="module")
def management(node: InProcessNode) -> Iterator[Client]:
    credentials = resolve_credentials(credentials_file=str(node.credentials_file))
    with Client(node.address, credentials=credentials) as client:
        yield client


@pytest.fixture
def iam(node: InProcessNode, management: Client) -> Iterator[Client]:
    root = management.create_account(account_name="names").root_credentials
    assert root is not None
    credentials = Credentials(root.access_key_id, root.secret_access_key)
    with Client(node.address, credentials=credentials) as client:
        yield client


LOOK_ALIKE = "ädmin"
CREATES: dict[str, Callable[[Client, str], object]] = {
    "user": lambda iam, name: iam.create_user(user_name=name),
    "group": lambda iam, name: iam.create_group(group_name=name),
    "role": lambda iam, name: iam.create_role(
        role_name=name, assume_role_policy_document=TRUST_ACCOUNT % "123456789012"
    ),
    "policy": lambda iam, name: iam.create_policy(policy_name=name, policy_document=ALLOW_ALL),
    "instance profile": lambda iam, name: iam.create_instance_profile(instance_profile_name=name),
    "mfa device": lambda iam, name: iam.create_virtual_mfa_device(virtual_mfa_device_name=name),
    "user path": lambda iam, name: iam.create_user(user_name="pathed", path=f"/{name}/"),
}


@pytest.mark.parametrize("kind", sorted(CREATES))
def test_look_alike_names_are_refused_and_change_nothing(iam: Client, kind: str) -> None:
    with pytest.raises(ValidationError) as refused:
        CREATES[kind](iam, LOOK_ALIKE)
    assert refused.value.code == "ValidationError"
    assert "failed to satisfy constraint" in refused.value.message
    assert iam.list_users().users == ()
    assert iam.list_groups().groups == ()
    assert iam.list_roles().roles == ()


def test_a_lookup_by_a_look_alike_name_is_a_validation_error(iam: Client) -> None:
    iam.create_user(user_name="admin")
    with pytest.raises(ValidationError):
        iam.get_user(user_name=LOOK_ALIKE)


def test_unicode_tag_keys_are_accepted_as_aws_accepts_them(iam: Client) -> None:
    iam.create_user(user_name="tagged", tags=[{"Key": "Kostenstelle-ä", "Value": "Zürich"}])
    assert iam.list_user_tags(user_name="tagged").tags[0].key == "Kostenstelle-ä"


def test_sts_requests_are_checked_against_the_sts_model(node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account
    iam.create_role(role_name="target", assume_role_policy_document=TRUST_ACCOUNT % account)
    iam.create_user(user_name="caller")
    iam.put_user_policy(user_name="caller", policy_name="all", policy_document=ALLOW_ALL)
    key = iam.create_access_key(user_name="caller").access_key
    role_arn = f"arn:aws:iam::{account}:role/target"
    credentials = Credentials(key.access_key_id, key.secret_access_key)
    with Client(node.address, credentials=credentials) as user:
        for bad in (
            {"role_session_name": "sessiön"},
            {"tags": [{"Key": "bad<key>", "Value": "v"}]},
            {"tags": [{"Key": "k", "Value": "x" * 257}]},
        ):
            arguments: dict[str, Any] = {"role_session_name": "ok-session", **bad}
            with pytest.raises(ValidationError):
                user.assume_role(role_arn=role_arn, **arguments)
        assumed = user.assume_role(role_arn=role_arn, role_session_name="ok-session")
        assert assumed.assumed_role_user.arn.endswith("/target/ok-session")


def test_a_failed_sign_in_never_keeps_the_typed_name_of_an_unknown_user(
    node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account
    typed = "Correct-horse-9-typed-in-the-name-field"
    with pytest.raises(AccessDeniedError):
        sign_in(node.address, account=account, user_name=typed, password="whatever-1")
    failures = [
        e
        for e in iam.list_audit_events(action="iamstore:SignIn").events
        if e.decision == "AuthenticationFailure"
    ]
    assert [(e.principal, e.error_code) for e in failures] == [(HIDDEN_PRINCIPAL, "NoSuchUser")]
    assert all(typed not in repr(e) for e in failures)


@pytest.mark.parametrize("name", ["\u00e4dmin-corp", "x" * 51, "tab\there"])
def test_account_names_are_printable_ascii_as_in_aws_organizations(
    management: Client, name: str
) -> None:
    before = len(management.list_accounts().accounts)
    with pytest.raises(ValidationError) as refused:
        management.create_account(account_name=name)
    assert refused.value.field == "AccountName"
    assert len(management.list_accounts().accounts) == before


def test_sign_in_failures_are_counted_under_small_keys_whatever_is_typed() -> None:
    # What can name no user or no account shares one bucket: such names never exist.
    huge = "x" * 100_000
    assert failure_key("123456789012", "123456789012", huge) == ("123456789012", IMPOSSIBLE_NAME)
    assert failure_key(huge, None, "alice") == (IMPOSSIBLE_NAME, "alice")
    assert failure_key("123456789012", "123456789012", "\u00e4dmin")[1] == IMPOSSIBLE_NAME
    # An account or user that could exist keeps its own bucket even when it does not, so
    # throttling cannot tell real accounts from unknown ones.
    assert failure_key("999999999999", None, "Alice") == ("999999999999", "alice")
    assert failure_key("Some-Corp", None, "alice") == ("some-corp", "alice")


def test_account_ids_in_policies_are_ascii_digits(iam: Client) -> None:
    # Arabic-Indic digits look like an account id to Python's \d, never to AWS: the API's
    # document pattern refuses them, and so does the policy parser (resource policies given
    # to Authorize reach it without that pattern).
    digits = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"
    with pytest.raises(ValidationError):
        iam.create_role(
            role_name="foreign-digits", assume_role_policy_document=TRUST_ACCOUNT % digits
        )
    assert iam.list_roles().roles == ()
    with pytest.raises(MalformedPolicyDocumentError):
        parse_policy(TRUST_ACCOUNT % digits, PolicyKind.TRUST)
    assert parse_policy(TRUST_ACCOUNT % "123456789012", PolicyKind.TRUST) is not None
