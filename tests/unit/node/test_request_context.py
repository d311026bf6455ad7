"""The request context builder: which aws: keys the node sets, from where, and what it refuses."""

from __future__ import annotations

import datetime

import pytest

from iamstore.node.auth.request_context import (
    ContextBuilder,
    ContextEntryInput,
    Environment,
    PrincipalFacts,
    PrincipalKind,
    entries_to_context,
    peer_ip,
)
from iamstore.node.domain.errors import InvalidInput

NOW = datetime.datetime(2024, 5, 6, 7, 8, 9, 500_000, tzinfo=datetime.UTC)
ALICE = PrincipalFacts(
    arn="arn:aws:iam::111122223333:user/alice",
    account_id="111122223333",
    kind=PrincipalKind.USER,
    user_id="AIDAEXAMPLE",
    user_name="alice",
    tags=(("Team", "blue"),),
)


NO_ENVIRONMENT = Environment()


def build(environment: Environment = NO_ENVIRONMENT, **kw: object) -> dict[str, object]:
    return dict(ContextBuilder(lambda: NOW).build(ALICE, environment, **kw))  # type: ignore[arg-type]


def test_principal_keys_come_from_the_replica() -> None:
    context = build()
    assert context["aws:username"] == "alice"
    assert context["aws:userid"] == "AIDAEXAMPLE"
    assert context["aws:principalarn"] == ALICE.arn
    assert context["aws:principalaccount"] == "111122223333"
    assert context["aws:principaltype"] == "User"
    assert context["aws:principaltag/team"] == "blue"  # condition keys are case-insensitive


def test_time_keys_come_from_the_injected_clock() -> None:
    context = build()
    assert context["aws:currenttime"] == "2024-05-06T07:08:09Z"
    assert context["aws:epochtime"] == str(int(NOW.timestamp()))


def test_clock_is_read_for_every_question() -> None:
    ticks = iter([NOW, NOW + datetime.timedelta(seconds=2)])
    builder = ContextBuilder(lambda: next(ticks))
    first = builder.build(ALICE, Environment())
    second = builder.build(ALICE, Environment())
    assert int(str(second["aws:epochtime"])) - int(str(first["aws:epochtime"])) == 2


def test_long_term_credentials_have_no_mfa_or_token_keys() -> None:
    # AWS global condition keys: MultiFactorAuthPresent/Age and TokenIssueTime are absent
    # when a request is signed with long-term access keys.
    context = build()
    for key in ("aws:multifactorauthpresent", "aws:multifactorauthage", "aws:tokenissuetime"):
        assert key not in context


def test_root_has_no_username_and_account_principal_type() -> None:
    root = PrincipalFacts(
        "arn:aws:iam::111122223333:root", "111122223333", PrincipalKind.ACCOUNT, "111122223333"
    )
    context = ContextBuilder(lambda: NOW).build(root, Environment())
    assert "aws:username" not in context
    assert context["aws:principaltype"] == "Account"
    assert context["aws:userid"] == "111122223333"


def test_environment_defaults_come_from_the_peer_and_the_node() -> None:
    peer = Environment(
        peer_ip="10.0.0.7", peer_tls=False, peer_user_agent="grpc-python/1", node_region="eu-west-1"
    )
    context = build(peer)
    assert context["aws:sourceip"] == "10.0.0.7"
    assert context["aws:securetransport"] == "false"
    assert context["aws:useragent"] == "grpc-python/1"
    assert context["aws:requestedregion"] == "eu-west-1"


def test_values_passed_by_the_calling_service_win_over_peer_defaults() -> None:
    given = Environment(
        peer_ip="10.0.0.7",
        source_ip="203.0.113.5",
        secure_transport=True,
        user_agent="aws-cli/2",
        requested_region="us-west-2",
    )
    context = build(given)
    assert context["aws:sourceip"] == "203.0.113.5"
    assert context["aws:securetransport"] == "true"
    assert context["aws:useragent"] == "aws-cli/2"
    assert context["aws:requestedregion"] == "us-west-2"


def test_no_source_ip_when_neither_peer_nor_caller_gives_one() -> None:
    assert "aws:sourceip" not in build()


def test_request_and_resource_tags() -> None:
    context = build(request_tags=[("Env", "dev"), ("Owner", "a")], resource_tags=[("Env", "prod")])
    assert context["aws:requesttag/env"] == "dev"
    assert context["aws:tagkeys"] == ("Env", "Owner")  # multivalued, keys as given
    assert context["aws:resourcetag/env"] == "prod"
    assert "aws:tagkeys" not in build()


def test_extra_entries_cannot_override_node_keys() -> None:
    context = build(extra={"s3:prefix": "home/", "aws:username": "mallory"})
    assert context["s3:prefix"] == "home/"
    assert context["aws:username"] == "alice"


def test_entries_single_and_multivalued() -> None:
    context = entries_to_context(
        [
            ContextEntryInput("s3:prefix", ("home/",)),
            ContextEntryInput("ec2:ResourceTag/a", ("x",), "stringList"),
            ContextEntryInput("s3:x-amz-acl", ("a", "b")),
        ],
        field="ContextEntries",
        allow_reserved=False,
    )
    assert context == {
        "s3:prefix": "home/",
        "ec2:resourcetag/a": ("x",),
        "s3:x-amz-acl": ("a", "b"),
    }


@pytest.mark.parametrize(
    "key",
    [
        "aws:PrincipalArn",
        "aws:username",
        "AWS:CurrentTime",
        "aws:SourceIp",
        "aws:PrincipalTag/team",
        "aws:RequestTag/x",
        "aws:TagKeys",
        "aws:TokenIssueTime",
    ],
)
def test_entries_naming_node_keys_are_refused(key: str) -> None:
    with pytest.raises(InvalidInput, match="set by the node") as caught:
        entries_to_context(
            [ContextEntryInput(key, ("v",))], field="ContextEntries", allow_reserved=False
        )
    assert caught.value.field == "ContextEntries.1"


def test_simulators_may_name_any_key() -> None:
    context = entries_to_context(
        [ContextEntryInput("aws:CurrentTime", ("2020-01-01T00:00:00Z",))],
        field="ContextEntries",
        allow_reserved=True,
    )
    assert context == {"aws:currenttime": "2020-01-01T00:00:00Z"}


def test_entries_refuse_duplicates_and_unknown_types() -> None:
    with pytest.raises(InvalidInput, match="given twice"):
        entries_to_context(
            [ContextEntryInput("k", ("a",)), ContextEntryInput("K", ("b",))],
            field="ContextEntries",
            allow_reserved=False,
        )
    with pytest.raises(InvalidInput, match="unknown context key type `text`"):
        entries_to_context(
            [ContextEntryInput("k", ("a",), "text")], field="ContextEntries", allow_reserved=False
        )


@pytest.mark.parametrize(
    ("peer", "ip"),
    [("ipv4:127.0.0.1:5000", "127.0.0.1"), ("ipv6:[::1]:5000", "::1"), ("unix:/tmp/s", None)],
)
def test_peer_ip(peer: str, ip: str | None) -> None:
    assert peer_ip(peer) == ip
