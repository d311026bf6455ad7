"""Tagging rows and account aliases merge as the replication contract says: replicas that
receive the same commits in any order agree, and no operation undoes another's change."""

from __future__ import annotations

import itertools
from dataclasses import replace

from replicas import OpenDatabase

from iamstore.node.commits.codec import Commit
from iamstore.node.domain import aliases, tagging
from iamstore.node.domain.entities import Change, MfaDevice, Tagging, User, tagged_key
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.state import State

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = User("AIDA1", ACCOUNT, "alice", "/", 1)
DEVICE = MfaDevice("AMFA1", ACCOUNT, "d", "/", b"sealed", 5)


def context(account_id: str = ACCOUNT, now_ms: int = 10) -> WriteContext:
    return WriteContext(account_id, now_ms, Quotas(), lambda prefix: f"{prefix}1")


async def _replicas(
    memory_database: OpenDatabase, base: Commit, concurrent: list[Commit]
) -> list[State]:
    """One replica per delivery order of the concurrent commits, each after `base`."""
    replicas = []
    for order in itertools.permutations(concurrent):
        state = await State.load(await memory_database())
        await state.apply(base)
        for commit in order:
            await state.apply(commit)
        replicas.append(state)
    return replicas


async def test_tagging_an_mfa_device_does_not_undo_its_concurrent_enabling(
    memory_database: OpenDatabase,
) -> None:
    """Before tags were rows of their own, TagMFADevice rewrote the device row: a tag change
    on one node and EnableMFADevice on another could lose the enabling (or a deactivation)."""
    base = Commit("n0", 1, 1, "root", "Create", (Change.put(USER), Change.put(DEVICE)))
    view = View()
    for change in base.changes:
        view.apply(change)
    tag = tagging.tag(view, context(), DEVICE, [("team", "a")])
    enabled = replace(DEVICE, user_id=USER.user_id, enabled_ms=10)
    replicas = await _replicas(
        memory_database,
        base,
        [
            Commit("n1", 1, 20, "root", "TagMFADevice", tuple(tag)),
            Commit("n2", 1, 30, "root", "EnableMFADevice", (Change.put(enabled),)),
        ],
    )
    assert len({state.digest() for state in replicas}) == 1
    for state in replicas:
        device = state.view.mfa_devices.get(DEVICE.device_id)
        assert device is not None
        assert device.user_id == USER.user_id  # the enabling survived
        assert device.tags == (("team", "a"),)  # and so did the tag


async def test_two_accounts_claiming_one_alias_agree_on_the_earliest(
    memory_database: OpenDatabase,
) -> None:
    view = View()
    first = aliases.create(view, context(ACCOUNT, 100), "shared")
    second = aliases.create(view, context(OTHER, 200), "shared")
    base = Commit("n0", 1, 1, "root", "Nothing", ())
    replicas = await _replicas(
        memory_database,
        base,
        [
            Commit("n1", 1, 300, "a", "CreateAccountAlias", tuple(first)),
            Commit("n2", 1, 250, "b", "CreateAccountAlias", tuple(second)),
        ],
    )
    assert len({state.digest() for state in replicas}) == 1
    for state in replicas:
        assert state.view.alias_of(ACCOUNT) == "shared"  # created first (100 < 200)
        assert state.view.alias_of(OTHER) is None  # its claim is stored but not listed
        assert state.view.alias_owner("shared") == ACCOUNT


async def test_tags_an_earlier_version_kept_in_a_tagging_row_are_read_under_the_field_rows(
    memory_database: OpenDatabase,
) -> None:
    """Earlier versions kept these kinds' tags in one whole-set Tagging row; such a row (from
    an old data folder or an old commit) still shows, with TagX/UntagX field rows over it,
    in any delivery order, and a deletion tombstones it."""
    legacy = Commit("n0", 2, 2, "root", "TagMFADevice", (Change.put(Tagging(
        tagged_key(DEVICE), (("old", "1"), ("gone", "2"))
    )),))  # fmt: skip
    view = View()
    for change in (*legacy.changes, Change.put(DEVICE)):
        view.apply(change)
    shown = view.mfa_devices.get(DEVICE.device_id)
    assert shown is not None
    assert shown.tags == (("old", "1"), ("gone", "2"))
    untag = tagging.untag(shown, ["gone"])
    tag = tagging.tag(view, context(), shown, [("new", "3")])
    base = Commit("n0", 1, 1, "root", "Create", (Change.put(USER), Change.put(DEVICE)))
    replicas = await _replicas(
        memory_database,
        base,
        [
            legacy,
            Commit("n1", 1, 20, "root", "UntagMFADevice", tuple(untag)),
            Commit("n2", 1, 30, "root", "TagMFADevice", tuple(tag)),
        ],
    )
    for state in replicas:
        device = state.view.mfa_devices.get(DEVICE.device_id)
        assert device is not None
        assert device.tags == (("old", "1"), ("new", "3"))
    deletion = tagging.dropped(replicas[0].view, DEVICE)
    assert Change.delete(Tagging(tagged_key(DEVICE), ())) in deletion
    for malformed in ("no-slash", "mfa_device/", "/"):  # from a peer: names nothing
        view.apply(Change.put(Tagging(malformed, (("x", "1"),))))
    assert view.mfa_devices.get(DEVICE.device_id) == shown
