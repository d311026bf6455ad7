"""Iam handlers for TagX, UntagX and ListXTags of every taggable kind, from one table (the
tags themselves are node/domain/tagging.py's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str
from iamstore.node.domain import (
    instance_profiles,
    lookup,
    mfa,
    oidc,
    saml,
    server_certificates,
    tagging,
)
from iamstore.node.domain.rules import tag_page
from iamstore.node.domain.view import View
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}


@dataclass(frozen=True, slots=True)
class _Kind:
    """One taggable kind: its noun in AWS's operation names (TagX, UntagX, ListXTags), the
    request field naming the entity, and how to find it: (view, account, name or ARN,
    operation) -> the entity, or NoSuchEntity (AccessDenied for an AWS managed policy)."""

    noun: str
    field: str
    find: Callable[[View, str, str, str], tagging.Taggable]


def _policy(view: View, account_id: str, arn: str, operation: str) -> tagging.Taggable:
    if operation.startswith("List"):
        return lookup.policy(view, account_id, arn)
    return lookup.customer_policy(view, account_id, arn, operation)


KINDS = (
    _Kind("User", "user_name", lambda v, a, name, _: lookup.user(v, a, name)),
    _Kind("Role", "role_name", lambda v, a, name, _: lookup.role(v, a, name)),
    _Kind("Policy", "policy_arn", _policy),
    _Kind(
        "InstanceProfile",
        "instance_profile_name",
        lambda v, a, name, _: instance_profiles.get(v, a, name),
    ),
    _Kind("MFADevice", "serial_number", lambda v, a, serial, _: mfa.by_serial(v, a, serial)),
    _Kind(
        "OpenIDConnectProvider",
        "open_id_connect_provider_arn",
        lambda v, a, arn, _: oidc.get(v, a, arn),
    ),
    _Kind("SAMLProvider", "saml_provider_arn", lambda v, a, arn, _: saml.get(v, a, arn)),
    _Kind(
        "ServerCertificate",
        "server_certificate_name",
        lambda v, a, name, _: server_certificates.get(v, a, name),
    ),
)


def _register(kind: _Kind) -> None:
    pb_any: Any = pb
    tag_op, untag_op, list_op = f"Tag{kind.noun}", f"Untag{kind.noun}", f"List{kind.noun}Tags"

    async def tag(call: Call, req: Any) -> Any:
        name, tags = getattr(req, kind.field), convert.tag_pairs(req.tags)
        # The entity is found on the view the write is planned on, not on an earlier one.
        await call.change(
            lambda view, ctx: tagging.tag(
                view, ctx, kind.find(view, ctx.account_id, name, tag_op), tags
            )
        )
        return getattr(pb_any, f"{tag_op}Response")()

    async def untag(call: Call, req: Any) -> Any:
        name, keys = getattr(req, kind.field), list(req.tag_keys)
        await call.change(
            lambda view, ctx: tagging.untag(kind.find(view, ctx.account_id, name, untag_op), keys)
        )
        return getattr(pb_any, f"{untag_op}Response")()

    async def list_tags(call: Call, req: Any) -> Any:
        entity = kind.find(call.view, call.account_id, getattr(req, kind.field), list_op)
        page = tag_page(entity.tags, opt_str(req, "marker"), opt_int(req, "max_items"))
        return getattr(pb_any, f"{list_op}Response")(
            tags=convert.tags(tuple(page.items)), is_truncated=page.is_truncated, marker=page.marker
        )

    HANDLERS[tag_op] = tag
    HANDLERS[untag_op] = untag
    HANDLERS[list_op] = list_tags


for _kind in KINDS:
    _register(_kind)
