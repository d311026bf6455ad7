"""Iam handler for GetAccountAuthorizationDetails: a whole account's authorization data."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.api.iam_federation import profile_message
from iamstore.node.domain import authorization_details, instance_profiles, policies
from iamstore.node.domain.entities import Group, ManagedPolicy, Role, User
from iamstore.node.domain.principal_pins import current_names, shown_document
from iamstore.node.domain.versions import version_number
from iamstore.node.domain.view import View
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)


def _inline(view: View, owner_id: str) -> list[pb.PolicyDetail]:
    owned = sorted(view.inline.get(owner_id, {}).values(), key=lambda p: p.name)
    return [pb.PolicyDetail(policy_name=p.name, policy_document=p.document) for p in owned]


def _attached(view: View, entity: User | Group | Role) -> list[pb.AttachedPolicy]:
    linked = view.managed_policies(view.attachments.of(entity.entity_id), entity.account_id)
    found = sorted(linked, key=lambda p: p.arn)
    return [convert.attached(p) for p in found]


def _boundary(view: View, entity: User | Role) -> pb.AttachedPermissionsBoundary | None:
    arn = policies.boundary_arn(view, entity)
    if arn is None:
        return None
    return pb.AttachedPermissionsBoundary(
        permissions_boundary_type="PermissionsBoundaryPolicy", permissions_boundary_arn=arn
    )


def _user(view: View, u: User) -> pb.UserDetail:
    groups = sorted(g.name for g in view.groups.live(view.members.to(u.user_id), u.account_id))
    detail = pb.UserDetail(
        path=u.path,
        user_name=u.name,
        user_id=u.user_id,
        arn=u.arn,
        create_date=convert.timestamp(u.created_ms),
        user_policy_list=_inline(view, u.user_id),
        group_list=groups,
        attached_managed_policies=_attached(view, u),
        tags=convert.tags(u.tags),
    )
    boundary = _boundary(view, u)
    if boundary is not None:
        detail.permissions_boundary.CopyFrom(boundary)
    return detail


def _group(view: View, g: Group) -> pb.GroupDetail:
    return pb.GroupDetail(
        path=g.path,
        group_name=g.name,
        group_id=g.group_id,
        arn=g.arn,
        create_date=convert.timestamp(g.created_ms),
        group_policy_list=_inline(view, g.group_id),
        attached_managed_policies=_attached(view, g),
    )


def _role(view: View, r: Role) -> pb.RoleDetail:
    profiles = sorted(instance_profiles.profiles_of(view, r), key=lambda p: p.name.lower())
    detail = pb.RoleDetail(
        path=r.path,
        role_name=r.name,
        role_id=r.role_id,
        arn=r.arn,
        create_date=convert.timestamp(r.created_ms),
        # As GetRole shows it: a principal renamed since under its current ARN, a deleted one
        # as its unique id (node.domain.principal_pins), as AWS shows both.
        assume_role_policy_document=shown_document(
            r.trust_policy, current_names(view, r.trust_pins)
        ),
        instance_profile_list=[profile_message(view, p) for p in profiles],
        role_policy_list=_inline(view, r.role_id),
        attached_managed_policies=_attached(view, r),
        tags=convert.tags(r.tags),
    )
    boundary = _boundary(view, r)
    if boundary is not None:
        detail.permissions_boundary.CopyFrom(boundary)
    return detail


def _policy(view: View, p: ManagedPolicy, account_id: str) -> pb.ManagedPolicyDetail:
    used = policies.usage(view, p, account_id)
    versions = sorted(
        view.policy_versions(p.policy_id).values(),
        key=lambda v: version_number(v.version_id),
        reverse=True,
    )
    detail = pb.ManagedPolicyDetail(
        policy_name=p.name,
        policy_id=p.policy_id,
        arn=p.arn,
        path=p.path,
        default_version_id=convert.default_version_id(view, p),
        attachment_count=used.attachments,
        permissions_boundary_usage_count=used.boundaries,
        is_attachable=True,
        create_date=convert.timestamp(p.created_ms),
        update_date=convert.timestamp(convert.updated_ms(view, p)),
        policy_version_list=[convert.version(view, p, v) for v in versions],
    )
    if p.description is not None:
        detail.description = p.description
    return detail


@op("GetAccountAuthorizationDetails")
async def get_account_authorization_details(
    call: Call, req: pb.GetAccountAuthorizationDetailsRequest
) -> pb.GetAccountAuthorizationDetailsResponse:
    view = call.view
    page = authorization_details.details(
        view, call.account_id, list(req.filter), opt_str(req, "marker"), opt_int(req, "max_items")
    )
    response = pb.GetAccountAuthorizationDetailsResponse(
        is_truncated=page.is_truncated, marker=page.marker
    )
    for item in page.items:
        match item:
            case User():
                response.user_detail_list.append(_user(view, item))
            case Group():
                response.group_detail_list.append(_group(view, item))
            case Role():
                response.role_detail_list.append(_role(view, item))
            case ManagedPolicy():
                response.policies.append(_policy(view, item, call.account_id))
    return response
