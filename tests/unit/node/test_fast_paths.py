"""The authorization fast paths keep their results: shared compiles, the clock and memos."""

from __future__ import annotations

import datetime
import json

from iamstore.node.auth.index import PolicyIndex
from iamstore.node.auth.request_context import (
    ContextBuilder,
    Environment,
    PrincipalFacts,
    PrincipalKind,
)
from iamstore.node.commits.codec import decode_row, encode_row, row_from_wire
from iamstore.node.domain.entities import (
    Attachment,
    Change,
    DefaultVersion,
    ManagedPolicy,
    PolicyVersion,
    User,
)
from iamstore.node.domain.view import View
from iamstore.node.policy import (
    PolicyKind,
    PolicySet,
    compile_policy,
    evaluate,
    make_request,
    parse_policy,
)
from iamstore.node.policy import renamed as renamed_policy

ACCOUNT = "123456789012"
DOC = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Get", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
        ],
    }
)
ALICE = PrincipalFacts(
    arn=f"arn:aws:iam::{ACCOUNT}:user/alice",
    account_id=ACCOUNT,
    kind=PrincipalKind.USER,
    user_id="AIDA1",
    user_name="alice",
    tags=(("Team", "blue"),),
)


def test_two_policies_with_one_text_share_matchers_but_keep_their_names() -> None:
    view = View()
    user = User("AIDA1", ACCOUNT, "alice", "/", 1)
    changes = [Change.put(user)]
    for n in (1, 2):
        changes.append(Change.put(ManagedPolicy(f"ANPA{n}", ACCOUNT, f"p{n}", "/", 1)))
        changes.append(Change.put(PolicyVersion(f"ANPA{n}", "v1", DOC, 1)))
        changes.append(Change.put(DefaultVersion(f"ANPA{n}", "v1", DOC, 1, 1)))
        changes.append(Change.put(Attachment("AIDA1", f"ANPA{n}")))
    for change in changes:
        view.apply(change)
    first, second = PolicyIndex(view).for_user("AIDA1").identity
    assert (first.name, second.name) == (
        f"arn:aws:iam::{ACCOUNT}:policy/p1",
        f"arn:aws:iam::{ACCOUNT}:policy/p2",
    )
    assert first.statements[0].action is second.statements[0].action  # compiled once
    request = make_request(user.arn, "s3:PutObject", "arn:aws:s3:::b/k")
    decision = evaluate(request, PolicySet(identity=(first, second)))
    assert [m.policy_name for m in decision.matched] == [first.name, second.name]


def test_renamed_policy_decides_as_a_fresh_compile_under_that_name() -> None:
    parsed = parse_policy(DOC, PolicyKind.IDENTITY)
    copy = renamed_policy(compile_policy(parsed, "old"), "new")
    fresh = compile_policy(parsed, "new")
    for action in ("s3:GetObject", "s3:PutObject", "ec2:RunInstances"):
        request = make_request(f"arn:aws:iam::{ACCOUNT}:user/a", action, "arn:aws:s3:::b/k")
        assert evaluate(request, PolicySet(identity=(copy,))) == evaluate(
            request, PolicySet(identity=(fresh,))
        )
    assert copy.candidates("s3") == copy.statements


def test_epoch_clock_gives_the_same_time_keys_as_the_datetime_clock() -> None:
    now = datetime.datetime(2024, 5, 6, 7, 8, 9, 500_000, tzinfo=datetime.UTC)
    millis = int(now.timestamp() * 1000)
    by_datetime = ContextBuilder(lambda: now).build(ALICE, Environment())
    by_millis = ContextBuilder(lambda: now, epoch_ms=lambda: millis).build(ALICE, Environment())
    assert by_millis == by_datetime
    assert by_millis["aws:currenttime"] == "2024-05-06T07:08:09Z"


def test_epoch_clock_is_read_for_every_question() -> None:
    ticks = iter([1_000_000, 3_500_000])
    builder = ContextBuilder(
        lambda: datetime.datetime.now(datetime.UTC), epoch_ms=lambda: next(ticks)
    )
    assert builder.build(ALICE, Environment())["aws:epochtime"] == "1000"
    assert builder.build(ALICE, Environment())["aws:epochtime"] == "3500"


def test_contexts_of_one_principal_are_independent_copies() -> None:
    builder = ContextBuilder(lambda: datetime.datetime.now(datetime.UTC))
    first = builder.build(ALICE, Environment(source_ip="10.0.0.1"))
    second = builder.build(ALICE, Environment(), extra={"s3:prefix": "home/"})
    assert first["aws:sourceip"] == "10.0.0.1"
    assert "aws:sourceip" not in second
    assert "s3:prefix" not in first
    assert second["aws:principaltag/team"] == "blue"


def test_stored_rows_decode_to_tuples_like_peer_rows() -> None:
    user = User("AIDA1", ACCOUNT, "alice", "/", 1, (("team", "blue"), ("cost", "7")))
    assert decode_row("user", encode_row(user)) == user
    wire = {"user_id": "AIDA1", "account_id": ACCOUNT, "name": "alice", "path": "/"}
    peer = row_from_wire("user", {**wire, "created_ms": 1, "tags": [["team", "blue"]]})
    assert peer == User("AIDA1", ACCOUNT, "alice", "/", 1, (("team", "blue"),))
