"""The tag keys of users and roles ignore case and keep the latest spelling (IAM User Guide,
"Tagging IAM resources", Case sensitivity), also when two nodes tag at once and when rows an
earlier version wrote, keyed by the exact key, are read."""

from __future__ import annotations

import itertools

import pytest
from replicas import OpenDatabase

from iamstore.node.commits.codec import Commit
from iamstore.node.domain import fields, tagging
from iamstore.node.domain.entities import Change, EntityField, ManagedPolicy, Role, User
from iamstore.node.domain.errors import InvalidInput, LimitExceeded
from iamstore.node.domain.rules import Quotas, check_tags
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.state import State

ACCOUNT = "111122223333"
USER = User("AIDA1", ACCOUNT, "zhang", "/", 1)
TRUST = '{"Version":"2012-10-17","Statement":[]}'


def context(now_ms: int = 10) -> WriteContext:
    return WriteContext(ACCOUNT, now_ms, Quotas(), lambda prefix: f"{prefix}1")


def view_of(*rows: User | Role | ManagedPolicy | EntityField) -> View:
    view = View()
    for row in rows:
        view.apply(Change.put(row))
    return view


def shown_tags(view: View, entity: User | Role | ManagedPolicy) -> tuple[tuple[str, str], ...]:
    shown = view.shown(entity.TABLE, entity.key)
    assert isinstance(shown, User | Role | ManagedPolicy)
    return shown.tags


def test_tagging_a_user_with_a_key_in_another_case_replaces_the_tag() -> None:
    view = view_of(USER)
    for change in tagging.tag(view, context(), USER, [("Department", "finance")]):
        view.apply(change)
    user = view.users.get(USER.user_id)
    assert user is not None
    for change in tagging.tag(view, context(), user, [("department", "hr")]):
        view.apply(change)
    assert shown_tags(view, USER) == (("department", "hr"),)


def test_untagging_a_user_names_the_key_in_any_case() -> None:
    view = view_of(USER)
    for change in tagging.tag(view, context(), USER, [("Dept", "ops"), ("team", "a")]):
        view.apply(change)
    user = view.users.get(USER.user_id)
    assert user is not None
    for change in tagging.untag(user, ["DEPT"]):
        view.apply(change)
    assert shown_tags(view, USER) == (("team", "a"),)


def test_a_tag_the_user_was_created_with_is_replaced_in_place_by_another_case() -> None:
    created = User("AIDA2", ACCOUNT, "li", "/", 1, tags=(("Dept", "a"), ("team", "b")))
    view = view_of(created)
    for change in tagging.tag(view, context(), created, [("DEPT", "c")]):
        view.apply(change)
    assert shown_tags(view, created) == (("DEPT", "c"), ("team", "b"))


@pytest.mark.parametrize("ignore_case", [True, False])
def test_one_request_naming_a_key_twice_in_two_cases(ignore_case: bool) -> None:
    tags = [("Dept", "a"), ("dept", "b")]
    if ignore_case:  # a user or role: one key named twice, refused whole
        with pytest.raises(InvalidInput, match="duplicate tag key `dept`"):
            check_tags((), tags, Quotas(), ignore_case=True)
    else:  # every other kind: two keys
        assert check_tags((), tags, Quotas()) == (("Dept", "a"), ("dept", "b"))


def test_the_tag_quota_counts_keys_differing_only_in_case_once_for_a_user() -> None:
    quotas = Quotas(tags_per_entity=2)
    existing = (("Dept", "a"), ("team", "b"))
    assert check_tags(existing, [("DEPT", "c")], quotas, ignore_case=True) == (
        ("DEPT", "c"),
        ("team", "b"),
    )
    with pytest.raises(LimitExceeded):
        check_tags(existing, [("DEPT", "c")], quotas)


def test_customer_managed_policy_tag_keys_stay_case_sensitive() -> None:
    policy = ManagedPolicy("ANPA1", ACCOUNT, "cost", "/", 1)
    view = view_of(policy)
    for change in tagging.tag(view, context(), policy, [("Costcenter", "1234")]):
        view.apply(change)
    shown = view.shown(policy.TABLE, policy.key)
    assert isinstance(shown, ManagedPolicy)
    for change in tagging.tag(view, context(), shown, [("costcenter", "5678")]):
        view.apply(change)
    assert shown_tags(view, policy) == (("Costcenter", "1234"), ("costcenter", "5678"))


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


@pytest.mark.parametrize("kind", ["user", "role"])
@pytest.mark.parametrize(("dept_hlc", "lower_hlc"), [(20, 30), (30, 20)])
async def test_concurrent_tags_of_one_key_in_two_cases_converge_to_one_tag(
    memory_database: OpenDatabase, kind: str, dept_hlc: int, lower_hlc: int
) -> None:
    """TagUser `Dept` on one node and `dept` on another at once: every replica, whatever the
    order it receives them in, shows one tag, the later writer's spelling and value. Before,
    the two were rows of their own and every replica showed both."""
    entity: User | Role = USER if kind == "user" else Role("AROA1", ACCOUNT, "zhang", "/", 1, TRUST)
    view = view_of(entity)
    on_n1 = tagging.tag(view, context(), entity, [("Dept", "finance")])
    on_n2 = tagging.tag(view, context(), entity, [("dept", "hr")])
    assert [c.key for c in on_n1] == [c.key for c in on_n2]  # one row, keyed by `dept`
    base = Commit("n0", 1, 1, "root", "Create", (Change.put(entity),))
    replicas = await _replicas(
        memory_database,
        base,
        [
            Commit("n1", 1, dept_hlc, "root", "Tag", tuple(on_n1)),
            Commit("n2", 1, lower_hlc, "root", "Tag", tuple(on_n2)),
        ],
    )
    assert len({state.digest() for state in replicas}) == 1
    later = ("Dept", "finance") if dept_hlc > lower_hlc else ("dept", "hr")
    for state in replicas:
        assert shown_tags(state.view, entity) == (later,)


def _legacy_row(entity: User, key: str, value: str | None) -> EntityField:
    """A tag row as versions before caseless keys wrote it: keyed by the exact key."""
    return EntityField(entity.TABLE, entity.key, fields.TAG + key, value, entity.created_ms)


def test_rows_an_earlier_version_wrote_show_one_tag_per_key_in_any_case() -> None:
    # Both spellings stored (an earlier version kept them as two tags): every replica shows
    # the one whose key sorts last, and the next TagUser or UntagUser decides for all of them.
    view = view_of(USER, _legacy_row(USER, "Dept", "a"), _legacy_row(USER, "dept", "b"))
    assert shown_tags(view, USER) == (("dept", "b"),)
    view = view_of(USER, _legacy_row(USER, "Dept", "a"), _legacy_row(USER, "DEPT", "b"))
    assert shown_tags(view, USER) == (("Dept", "a"),)
    user = view.users.get(USER.user_id)
    assert user is not None
    for change in tagging.tag(view, context(), user, [("DePt", "c")]):
        view.apply(change)
    assert shown_tags(view, USER) == (("DePt", "c"),)
    user = view.users.get(USER.user_id)
    assert user is not None
    for change in tagging.untag(user, ["dept"]):
        view.apply(change)
    assert shown_tags(view, USER) == ()


def test_an_earlier_versions_untag_still_hides_a_tag_the_user_was_created_with() -> None:
    created = User("AIDA2", ACCOUNT, "li", "/", 1, tags=(("Dept", "a"), ("team", "b")))
    view = view_of(created, _legacy_row(created, "Dept", None))
    assert shown_tags(view, created) == (("team", "b"),)


def test_a_pair_under_a_key_that_is_not_its_own_is_ignored() -> None:
    # A peer's row must name the lower-cased key of the key it holds: anything else is a row
    # this version does not know, and shows nothing.
    forged = EntityField(USER.TABLE, USER.key, fields.TAG + "team", ("Dept", "x"), 1)
    assert shown_tags(view_of(USER, forged), USER) == ()


def test_a_user_an_earlier_version_created_with_a_key_in_two_cases_shows_one_tag() -> None:
    created = User(
        "AIDA2", ACCOUNT, "li", "/", 1, tags=(("team", "x"), ("Dept", "a"), ("dept", "b"))
    )
    assert shown_tags(view_of(created), created) == (("team", "x"), ("dept", "b"))
