"""GetAccountAuthorizationDetails: an account's users, groups, roles and managed policies,
filtered by kind and paged as one sequence (users, then groups, roles, policies)."""

from __future__ import annotations

from collections.abc import Sequence

from iamstore.node.domain.aws_policies import AWS_ACCOUNT
from iamstore.node.domain.entities import Group, ManagedPolicy, Role, User
from iamstore.node.domain.rules import Page, paginate
from iamstore.node.domain.view import View

Item = User | Group | Role | ManagedPolicy
# AWS's EntityType values, in the order the response lists their kinds.
KINDS = ("User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy")


def _aws_policies_in_use(view: View, account_id: str) -> list[ManagedPolicy]:
    """The AWS managed policies the account's users, groups and roles use: AWS lists those,
    not the whole catalog, among an account's authorization details."""
    principals: list[User | Group | Role] = [
        *view.users.in_account(account_id),
        *view.groups.in_account(account_id),
        *view.roles.in_account(account_id),
    ]
    ids: set[str] = set()
    for principal in principals:
        ids |= view.attachments.of(principal.entity_id)
        boundary = view.boundaries.get(principal.entity_id)
        if boundary is not None:
            ids.add(boundary.policy_id)
    return [p for p in view.managed_policies(ids, account_id) if p.account_id == AWS_ACCOUNT]


def _sort_key(item: Item) -> str:
    kind = {User: 0, Group: 1, Role: 2, ManagedPolicy: 3}[type(item)]
    # INVARIANT: the ARN makes every key unique (two policies may share a name).
    return f"{kind}/{item.name.lower()}/{item.arn}"


def details(
    view: View,
    account_id: str,
    filters: Sequence[str],
    marker: str | None,
    max_items: int | None,
) -> Page[Item]:
    """One page of the account's entities of the kinds in `filters` (all kinds when empty)."""
    wanted = set(filters) or set(KINDS)
    items: list[Item] = []
    if "User" in wanted:
        items.extend(view.users.in_account(account_id))
    if "Group" in wanted:
        items.extend(view.groups.in_account(account_id))
    if "Role" in wanted:
        items.extend(view.roles.in_account(account_id))
    if "LocalManagedPolicy" in wanted:
        items.extend(view.policies.in_account(account_id))
    if "AWSManagedPolicy" in wanted:
        items.extend(_aws_policies_in_use(view, account_id))
    return paginate(items, _sort_key, marker, max_items)
