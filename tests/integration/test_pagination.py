"""Marker/MaxItems/IsTruncated on every list call, walked by hand and by the client's paginators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from iam_helpers import ALLOW_S3, TRUST_EC2

from iamstore.client import Client, ValidationError

ALLOW_EC2 = ALLOW_S3.replace("s3:GetObject", "ec2:Describe*")
FIVE = [f"item{i}" for i in range(5)]


@dataclass(frozen=True, slots=True)
class Listing:
    """One list operation: its parameters, what a complete walk must return, and how to read it."""

    operation: str
    params: dict[str, Any]
    expected: set[str]
    items: Callable[[Any], list[str]]
    page_size: int = 2


def _tags(page: Any) -> list[str]:
    return [t.key for t in page.tags]


def _attached(page: Any) -> list[str]:
    return [p.policy_name for p in page.attached_policies]


def _policy(iam: Client, name: str) -> str:
    arn = iam.create_policy(policy_name=name, policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    return arn


def users(iam: Client) -> Listing:
    for name in FIVE:
        iam.create_user(user_name=name)
    return Listing("list_users", {}, set(FIVE), lambda p: [u.user_name for u in p.users])


def user_tags(iam: Client) -> Listing:
    iam.create_user(user_name="u", tags=[{"Key": k, "Value": "v"} for k in FIVE])
    return Listing("list_user_tags", {"user_name": "u"}, set(FIVE), _tags)


def group_members(iam: Client) -> Listing:
    iam.create_group(group_name="g")
    for name in FIVE:
        iam.create_user(user_name=name)
        iam.add_user_to_group(group_name="g", user_name=name)
    return Listing(
        "get_group", {"group_name": "g"}, set(FIVE), lambda p: [u.user_name for u in p.users]
    )


def groups(iam: Client) -> Listing:
    for name in FIVE:
        iam.create_group(group_name=name)
    return Listing("list_groups", {}, set(FIVE), lambda p: [g.group_name for g in p.groups])


def groups_for_user(iam: Client) -> Listing:
    iam.create_user(user_name="u")
    for name in FIVE:
        iam.create_group(group_name=name)
        iam.add_user_to_group(group_name=name, user_name="u")
    return Listing(
        "list_groups_for_user",
        {"user_name": "u"},
        set(FIVE),
        lambda p: [g.group_name for g in p.groups],
    )


def roles(iam: Client) -> Listing:
    for name in FIVE:
        iam.create_role(role_name=name, assume_role_policy_document=TRUST_EC2)
    return Listing("list_roles", {}, set(FIVE), lambda p: [r.role_name for r in p.roles])


def role_tags(iam: Client) -> Listing:
    iam.create_role(
        role_name="r",
        assume_role_policy_document=TRUST_EC2,
        tags=[{"Key": k, "Value": "v"} for k in FIVE],
    )
    return Listing("list_role_tags", {"role_name": "r"}, set(FIVE), _tags)


def policies(iam: Client) -> Listing:
    for name in FIVE:
        _policy(iam, name)
    return Listing(
        "list_policies",
        {"scope": "Local"},
        set(FIVE),
        lambda p: [x.policy_name for x in p.policies],
    )


def policy_versions(iam: Client) -> Listing:
    arn = _policy(iam, "p")
    for _ in range(4):
        iam.create_policy_version(policy_arn=arn, policy_document=ALLOW_EC2)
    return Listing(
        "list_policy_versions",
        {"policy_arn": arn},
        {f"v{i}" for i in range(1, 6)},
        lambda p: [v.version_id for v in p.versions],
    )


def policy_tags(iam: Client) -> Listing:
    arn = iam.create_policy(
        policy_name="p", policy_document=ALLOW_S3, tags=[{"Key": k, "Value": "v"} for k in FIVE]
    ).policy.arn
    return Listing("list_policy_tags", {"policy_arn": arn}, set(FIVE), _tags)


def _attached_listing(kind: str) -> Callable[[Client], Listing]:
    def build(iam: Client) -> Listing:
        if kind == "user":
            iam.create_user(user_name="e")
        elif kind == "group":
            iam.create_group(group_name="e")
        else:
            iam.create_role(role_name="e", assume_role_policy_document=TRUST_EC2)
        for name in FIVE:
            getattr(iam, f"attach_{kind}_policy")(
                **{f"{kind}_name": "e"}, policy_arn=_policy(iam, name)
            )
        return Listing(
            f"list_attached_{kind}_policies", {f"{kind}_name": "e"}, set(FIVE), _attached
        )

    build.__name__ = f"attached_{kind}_policies"
    return build


def _inline_listing(kind: str) -> Callable[[Client], Listing]:
    def build(iam: Client) -> Listing:
        if kind == "user":
            iam.create_user(user_name="e")
        elif kind == "group":
            iam.create_group(group_name="e")
        else:
            iam.create_role(role_name="e", assume_role_policy_document=TRUST_EC2)
        for name in FIVE:
            getattr(iam, f"put_{kind}_policy")(
                **{f"{kind}_name": "e"}, policy_name=name, policy_document=ALLOW_S3
            )
        return Listing(
            f"list_{kind}_policies",
            {f"{kind}_name": "e"},
            set(FIVE),
            lambda p: list(p.policy_names),
        )

    build.__name__ = f"{kind}_inline_policies"
    return build


def entities_for_policy(iam: Client) -> Listing:
    arn = _policy(iam, "p")
    for name in ("u1", "u2"):
        iam.create_user(user_name=name)
        iam.attach_user_policy(user_name=name, policy_arn=arn)
    for name in ("g1", "g2"):
        iam.create_group(group_name=name)
        iam.attach_group_policy(group_name=name, policy_arn=arn)
    iam.create_role(role_name="r1", assume_role_policy_document=TRUST_EC2)
    iam.attach_role_policy(role_name="r1", policy_arn=arn)

    def names(page: Any) -> list[str]:
        return (
            [u.user_name for u in page.policy_users]
            + [g.group_name for g in page.policy_groups]
            + [r.role_name for r in page.policy_roles]
        )

    return Listing(
        "list_entities_for_policy", {"policy_arn": arn}, {"u1", "u2", "g1", "g2", "r1"}, names
    )


def access_keys(iam: Client) -> Listing:
    iam.create_user(user_name="u")
    ids = {iam.create_access_key(user_name="u").access_key.access_key_id for _ in range(2)}
    return Listing(
        "list_access_keys",
        {"user_name": "u"},
        ids,
        lambda p: [k.access_key_id for k in p.access_key_metadata],
        page_size=1,
    )


LISTINGS = [
    users,
    user_tags,
    group_members,
    groups,
    groups_for_user,
    roles,
    role_tags,
    policies,
    policy_versions,
    policy_tags,
    entities_for_policy,
    access_keys,
    *(_attached_listing(kind) for kind in ("user", "group", "role")),
    *(_inline_listing(kind) for kind in ("user", "group", "role")),
]


def _ids(build: Callable[[Client], Listing]) -> str:
    return build.__name__


@pytest.mark.parametrize("build", LISTINGS, ids=_ids)
def test_walking_pages_by_marker_returns_everything_once(
    iam: Client, build: Callable[[Client], Listing]
) -> None:
    # "Using pagination": while IsTruncated, call again with Marker; MaxItems bounds a page.
    listing = build(iam)
    call = getattr(iam, listing.operation)
    seen: list[str] = []
    marker: str | None = None
    pages = 0
    while True:
        page = call(**listing.params, max_items=listing.page_size, marker=marker)
        items = listing.items(page)
        pages += 1
        assert len(items) <= listing.page_size
        seen.extend(items)
        if not page.is_truncated:
            assert page.marker is None
            break
        assert len(items) == listing.page_size
        assert page.marker
        marker = page.marker
        assert pages < 20
    assert sorted(seen) == sorted(listing.expected)
    expected_pages = -(-len(listing.expected) // listing.page_size)
    assert pages == expected_pages


@pytest.mark.parametrize("build", LISTINGS, ids=_ids)
def test_paginator_walks_every_page(iam: Client, build: Callable[[Client], Listing]) -> None:
    listing = build(iam)
    pages = list(
        iam.get_paginator(listing.operation).paginate(  # type: ignore[call-overload]
            **listing.params, max_items=listing.page_size
        )
    )
    assert len(pages) > 1
    assert [p.is_truncated for p in pages] == [True] * (len(pages) - 1) + [False]
    walked = [item for p in pages for item in listing.items(p)]
    assert sorted(walked) == sorted(listing.expected)


@pytest.mark.parametrize("build", LISTINGS, ids=_ids)
def test_one_call_without_max_items_returns_everything(
    iam: Client, build: Callable[[Client], Listing]
) -> None:
    # MaxItems defaults to 100.
    listing = build(iam)
    page = getattr(iam, listing.operation)(**listing.params)
    assert page.is_truncated is False
    assert sorted(listing.items(page)) == sorted(listing.expected)


def test_default_page_is_one_hundred_items(iam: Client) -> None:
    for i in range(101):
        iam.create_group(group_name=f"g{i:03d}")
    first = iam.list_groups()
    assert (len(first.groups), first.is_truncated) == (100, True)
    rest = iam.list_groups(marker=first.marker)
    assert [g.group_name for g in rest.groups] == ["g100"]
    assert rest.is_truncated is False


def test_accounts_paginate_for_the_management_account(
    management: Client, iam: Client, other_account: Client
) -> None:
    everything = management.list_accounts(max_items=1000)
    assert everything.is_truncated is False
    expected = sorted(a.account_id for a in everything.accounts)
    assert len(expected) >= 3
    pages = list(management.get_paginator("list_accounts").paginate(max_items=2))
    assert len(pages) == -(-len(expected) // 2)
    assert sorted(a.account_id for p in pages for a in p.accounts) == expected


@pytest.mark.parametrize("max_items", [0, 1001])
def test_max_items_outside_1_to_1000_is_a_validation_error(iam: Client, max_items: int) -> None:
    with pytest.raises(ValidationError) as raised:
        iam.list_users(max_items=max_items)
    assert raised.value.message.startswith(
        f"1 validation error detected: Value '{max_items}' at 'maxItems' failed to satisfy"
    )
