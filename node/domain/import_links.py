"""An import's refusal to overwrite an entity under a new id while something still links to it.

With `replace`, an entity the account holds under the imported name but another id is deleted
and the imported one created: the same as DeletePolicy, DeleteGroup or DeleteRole then a
Create. Those deletes refuse with DeleteConflict while the policy is attached to a user, group
or role (iamstore's DeletePolicy counts a permissions boundary as a use too), while the group
has members, and while the role is in an instance profile, as AWS documents for each:
https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html,
https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html,
https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html.

An import is refused the same way, unless it drops each such link itself, by overwriting the
entity that holds it (a user it re-imports, whose old attachments and memberships go): that is
asked as the Detach/Remove/Delete*PermissionsBoundary of the link (node.auth.import_targets).
A link left pointing to the deleted id would count as absent, silently dropping a Deny
attached to principals the importer may not detach, a group's members or a role's profiles.
Pure: the view and the plan's final row images in, nothing out or DeleteConflict.

INVARIANT: a plan that passes leaves no link, held or planned, from an entity of the account
to an entity it overwrites under a new id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from iamstore.node.domain.entities import (
    Attachment,
    Boundary,
    Change,
    Group,
    ManagedPolicy,
    Membership,
    ProfileRole,
    Role,
    Row,
)
from iamstore.node.domain.errors import DeleteConflict
from iamstore.node.domain.view import View


def check_no_links_left(
    view: View,
    account: str,
    final: Mapping[tuple[str, str], Change],
    superseded: Sequence[tuple[str, Row, Row, str]],
) -> None:
    """Refuses (DeleteConflict) a plan that deletes an entity `old` of `kind`, overwritten by
    `new`, while a link to it is held and not deleted by the plan, or is planned; `field`
    names the input's id of `new` (`superseded` holds each as (kind, old, new, field)).

    `final` is the plan's last image of each (table, key). The message counts what still
    links, by kind, without names: the importer may not be allowed to list them. Work is
    linear in the plan and the links held to the superseded entities.
    """
    if not superseded:
        return
    planned: defaultdict[str, list[tuple[tuple[str, str], Row]]] = defaultdict(list)
    for key, image in final.items():
        target = None if image.row is None else _target(image.row)
        if image.row is not None and target is not None:
            planned[target].append((key, image.row))
    for kind, old, new, field in superseded:
        left: dict[tuple[str, str], tuple[str, str]] = {}  # link -> (how, holder kind)
        for link, holder_kind in _held_links(view, account, old):
            planned_image = final.get((link.TABLE, link.key))
            if planned_image is None or planned_image.row is not None:
                left[(link.TABLE, link.key)] = (_how(link), holder_kind)
        for key, row in planned.get(old.key, ()):
            left.setdefault(key, (_how(row), _planned_holder(view, row)))
        if left:
            counts = Counter(left.values())
            shown = " and ".join(
                f"{how} {count} {holder}(s)" for (how, holder), count in sorted(counts.items())
            )
            raise DeleteConflict(
                f"{kind.lower()} `{new.key}` would replace the account's {kind.lower()} of its "
                f"name (id `{old.key}`), which is still {shown}: AWS refuses to delete it until "
                "those links are removed; remove them first, or import their holders too",
                field,
            )


def _held_links(view: View, account: str, target: Row) -> list[tuple[Row, str]]:
    """The link rows the view holds to `target` from the account's visible entities, each with
    its holder's kind: what DeletePolicy, DeleteGroup and DeleteRole count (what the listings
    show, node.domain.policies.usage), so that what refuses can always be removed. A deleted
    or hidden holder's link grants and denies nothing (node.domain.view._Named)."""
    target_id = target.key
    links: list[tuple[Row, str]] = []
    if isinstance(target, ManagedPolicy):
        for holder in sorted(view.attachments.to(target_id)):
            links.append((Attachment(holder, target_id), _kind_of(view, holder, account)))
        for holder in sorted(view.boundary_users.get(target_id, ())):
            boundary = view.boundaries.get(holder)
            if boundary is not None and boundary.policy_id == target_id:
                links.append((boundary, _kind_of(view, holder, account)))
    elif isinstance(target, Group):
        for user_id in sorted(view.members.of(target_id)):
            links.append((Membership(target_id, user_id), _kind_of(view, user_id, account)))
    elif isinstance(target, Role):
        for profile_id in sorted(view.profile_roles.to(target_id)):
            mine = view.instance_profiles.of_account(profile_id, account) is not None
            links.append((ProfileRole(profile_id, target_id), "instance profile" if mine else ""))
    return [(link, holder_kind) for link, holder_kind in links if holder_kind]


def _kind_of(view: View, entity_id: str, account: str | None = None) -> str:
    """'user', 'group' or 'role' for the visible entity `entity_id` (of `account`, when
    given); '' when none is."""
    for named, kind in ((view.users, "user"), (view.groups, "group"), (view.roles, "role")):
        row = named.get(entity_id)
        if row is not None and account in (None, row.account_id):
            return kind
    return ""


def _target(link: Row) -> str | None:
    """The id a link row points to (a policy, a group, a role); None for another row."""
    if isinstance(link, Attachment | Boundary):
        return link.policy_id
    if isinstance(link, Membership):
        return link.group_id
    return link.role_id if isinstance(link, ProfileRole) else None


def _planned_holder(view: View, link: Row) -> str:
    """The kind of what holds a planned link (an entity the plan may be creating)."""
    if isinstance(link, ProfileRole):
        return "instance profile"
    if isinstance(link, Membership):
        return "user"
    holder = link.entity_id if isinstance(link, Attachment | Boundary) else ""
    return _kind_of(view, holder) or "principal"


def _how(link: Row) -> str:
    if isinstance(link, Attachment):
        return "attached to"
    if isinstance(link, Boundary):
        return "the permissions boundary of"
    return "holding" if isinstance(link, Membership) else "in"
