"""Handlers for the Audit service: ListAuditEvents over this node's recent audit events."""

from __future__ import annotations

from typing import Any

import grpc

from iamstore.node.api import convert
from iamstore.node.api.call import Call, NodeComponents
from iamstore.node.api.dispatch import Handler, method_handlers, opt_int, opt_str, registrar
from iamstore.node.audit import AuditDecision, AuditEvent, AuditFilter
from iamstore.node.domain.errors import InvalidInput
from iamstore.v1 import audit_pb2 as apb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)
SERVICE = apb.DESCRIPTOR.services_by_name["Audit"]


def audit_handlers(components: NodeComponents) -> grpc.GenericRpcHandler[Any, Any]:
    """The Audit service's generic handler."""
    return method_handlers(SERVICE, apb, HANDLERS, components)


def _decision(value: str | None) -> AuditDecision | None:
    if value is None:
        return None
    try:
        return AuditDecision(value)
    except ValueError:
        allowed = ", ".join(d.value for d in AuditDecision)
        message = f"unknown decision `{value}`: use one of {allowed}"
        raise InvalidInput(message, "Decision") from None


def _event(event: AuditEvent) -> apb.AuditEvent:
    return apb.AuditEvent(
        sequence=event.seq,
        time=convert.timestamp(event.time_ms),
        node=event.node,
        account_id=event.account_id or "",
        principal=event.principal,
        action=event.action,
        resource=event.resource,
        decision=event.decision.value,
        deciding_statement=event.statement,
        source_address=event.source_ip,
        error_code=event.error_code,
        commit=event.commit,
    )


@op("ListAuditEvents")
async def list_audit_events(
    call: Call, req: apb.ListAuditEventsRequest
) -> apb.ListAuditEventsResponse:
    audit = call.components.audit
    own = call.account_id
    account = call.view.accounts.get(own)
    # An event whose account is unknown (an unknown key) belongs to the operator.
    management = account is not None and account.management
    where = AuditFilter(
        principal=opt_str(req, "principal"),
        action=opt_str(req, "action"),
        decision=_decision(opt_str(req, "decision")),
        since_ms=req.since.ToMilliseconds() if req.HasField("since") else None,
    )
    page = audit.page(
        own,
        where,
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
        with_unattributed=management,
    )
    return apb.ListAuditEventsResponse(
        events=[_event(e) for e in page.events],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )
