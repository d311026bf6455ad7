"""Domain values to protobuf messages (the one place the two meet on the node side)."""

from __future__ import annotations

from collections.abc import Sequence

from google.protobuf.timestamp_pb2 import Timestamp

from iamstore.node.domain import policies
from iamstore.node.domain.entities import (
    AccessKey,
    Group,
    LoginProfile,
    ManagedPolicy,
    PolicyVersion,
    Role,
    Tags,
    User,
)
from iamstore.node.domain.principal_pins import current_names, shown_document
from iamstore.node.domain.usage import last_service_use
from iamstore.node.domain.view import View
from iamstore.v1 import iam_pb2 as pb


def timestamp(ms: int) -> Timestamp:
    ts = Timestamp()
    ts.FromMilliseconds(ms)
    return ts


def tags(pairs: Tags) -> list[pb.Tag]:
    return [pb.Tag(key=k, value=v) for k, v in pairs]


def tag_pairs(messages: Sequence[pb.Tag]) -> list[tuple[str, str]]:
    return [(t.key, t.value) for t in messages]


def _boundary(view: View, entity: User | Role) -> pb.AttachedPermissionsBoundary | None:
    arn = policies.boundary_arn(view, entity)
    if arn is None:
        return None
    return pb.AttachedPermissionsBoundary(
        permissions_boundary_type="PermissionsBoundaryPolicy", permissions_boundary_arn=arn
    )


def user(view: View, u: User, *, full: bool = True) -> pb.User:
    """A user as GetUser shows it; list calls leave out tags and the boundary, as AWS does."""
    message = pb.User(
        path=u.path,
        user_name=u.name,
        user_id=u.user_id,
        arn=u.arn,
        create_date=timestamp(u.created_ms),
    )
    if full:
        message.tags.extend(tags(u.tags))
        boundary = _boundary(view, u)
        if boundary is not None:
            message.permissions_boundary.CopyFrom(boundary)
    return message


def group(g: Group) -> pb.Group:
    return pb.Group(
        path=g.path,
        group_name=g.name,
        group_id=g.group_id,
        arn=g.arn,
        create_date=timestamp(g.created_ms),
    )


def role(view: View, r: Role, *, full: bool = True) -> pb.Role:
    message = pb.Role(
        path=r.path,
        role_name=r.name,
        role_id=r.role_id,
        arn=r.arn,
        create_date=timestamp(r.created_ms),
        assume_role_policy_document=shown_document(
            r.trust_policy, current_names(view, r.trust_pins)
        ),
        max_session_duration=r.max_session_duration,
    )
    if r.description is not None:
        message.description = r.description
    if r.max_signin_session_duration is not None:
        message.max_signin_session_duration = r.max_signin_session_duration
    if full:
        message.tags.extend(tags(r.tags))
        boundary = _boundary(view, r)
        if boundary is not None:
            message.permissions_boundary.CopyFrom(boundary)
        last = last_service_use(view, r.role_id)  # any node's latest, as replicated here
        if last is not None:
            message.role_last_used.CopyFrom(
                pb.RoleLastUsed(last_used_date=timestamp(last.used_ms), region=last.region)
            )
    return message


def policy(view: View, p: ManagedPolicy, account_id: str, *, full: bool = True) -> pb.Policy:
    """A policy as `account_id` sees it (an AWS managed policy counts that account's uses)."""
    used = policies.usage(view, p, account_id)
    message = pb.Policy(
        policy_name=p.name,
        policy_id=p.policy_id,
        arn=p.arn,
        path=p.path,
        default_version_id=default_version_id(view, p),
        attachment_count=used.attachments,
        permissions_boundary_usage_count=used.boundaries,
        is_attachable=True,
        create_date=timestamp(p.created_ms),
        update_date=timestamp(updated_ms(view, p)),
    )
    if p.description is not None and full:
        message.description = p.description
    if full:
        message.tags.extend(tags(p.tags))
    return message


def default_version_id(view: View, p: ManagedPolicy) -> str:
    default = view.default_version(p.policy_id)
    return "" if default is None else default.version_id


def updated_ms(view: View, p: ManagedPolicy) -> int:
    # AWS's UpdateDate: when the default version last changed (CreatePolicy sets it too); an
    # AWS managed policy's is its published version's date.
    default = view.defaults.get(p.policy_id)
    if default is not None:
        return max(p.created_ms, default.set_ms)
    published = view.default_version(p.policy_id)
    return p.created_ms if published is None else max(p.created_ms, published.created_ms)


def version(
    view: View, p: ManagedPolicy | None, v: PolicyVersion, *, document: bool = True
) -> pb.PolicyVersion:
    message = pb.PolicyVersion(
        version_id=v.version_id,
        is_default_version=p is not None and default_version_id(view, p) == v.version_id,
        create_date=timestamp(v.created_ms),
    )
    if document:
        message.document = v.document
    return message


def attached(p: ManagedPolicy) -> pb.AttachedPolicy:
    return pb.AttachedPolicy(policy_name=p.name, policy_arn=p.arn)


def key_metadata(user_name: str, key: AccessKey) -> pb.AccessKeyMetadata:
    return pb.AccessKeyMetadata(
        user_name=user_name,
        access_key_id=key.access_key_id,
        status=key.status,
        create_date=timestamp(key.created_ms),
    )


def login_profile(user: User, profile: LoginProfile) -> pb.LoginProfile:
    message = pb.LoginProfile(
        user_name=user.name,
        create_date=timestamp(profile.created_ms),
        password_reset_required=profile.reset_required,
    )
    if profile.max_signin_session_duration is not None:
        message.max_signin_session_duration = profile.max_signin_session_duration
    return message
