"""Account aliases: one per account, unique across the cluster (AWS Sign-In User Guide,
"Creating, deleting, and listing an AWS account alias": a new alias overwrites the old one)."""

from __future__ import annotations

from iamstore.node.domain.entities import AccountAlias, Change
from iamstore.node.domain.errors import EntityAlreadyExists, NoSuchEntity, ValidationError
from iamstore.node.domain.rules import Page, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext


def create(view: View, ctx: WriteContext, alias: str) -> list[Change]:
    """Claims `alias` for the account, replacing its old alias; the same alias again is a no-op.

    The shape (3 to 63 lowercase letters, digits and single dashes) is checked against AWS's
    model before this runs. An alias also cannot be a 12-digit number (IAM User Guide, "IAM
    and AWS STS quotas, name requirements, and character limits",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): the sign-in
    URL takes an account id or an alias in one place, so such an alias would pose as another
    account's id.
    """
    if len(alias) == 12 and alias.isascii() and alias.isdigit():
        raise ValidationError(
            f"the account alias `{alias}` cannot be a 12-digit number", "AccountAlias"
        )
    owner = view.alias_owner(alias)
    if owner is not None and owner != ctx.account_id:
        raise EntityAlreadyExists(f"The account alias {alias} already exists.", "AccountAlias")
    if owner == ctx.account_id:
        return []
    return [Change.put(AccountAlias(ctx.account_id, alias, ctx.now_ms))]


def delete(view: View, ctx: WriteContext, alias: str) -> list[Change]:
    claim = view.account_aliases.get(ctx.account_id)
    if claim is None or claim.alias != alias:
        raise NoSuchEntity(f"The account alias {alias} cannot be found.", "AccountAlias")
    return [Change.delete(claim)]


def listed(view: View, account_id: str, marker: str | None, max_items: int | None) -> Page[str]:
    alias = view.alias_of(account_id)
    return paginate([] if alias is None else [alias], lambda a: a, marker, max_items)
