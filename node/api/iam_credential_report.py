"""Iam handlers for GenerateCredentialReport and GetCredentialReport.

The report is derived data: GenerateCredentialReport writes only a replicated mark (the
account's CredentialReportRequest, with its time), and each node renders the CSV from its own
replica the first time it is asked for that mark, then keeps it (one per account, a few
accounts) so that repeated downloads return the same bytes. Any node can therefore answer
GetCredentialReport once the mark has reached it, and no report is ever copied between nodes;
two nodes asked for the same mark may differ only by uses not yet replicated between them.
"""

from __future__ import annotations

import asyncio

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, registrar
from iamstore.node.api.iam_credentials import key_last_used
from iamstore.node.domain import credential_report, usage
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)

# Rendered reports a node keeps (one per account); older ones are rendered again if asked.
RENDERED_REPORTS_KEPT = 16
_STARTED = "No report exists. Starting a new report generation task"


def _usage(call: Call) -> credential_report.Usage:
    tracker = call.components.usage

    def password(user_id: str) -> int | None:
        stamp = usage.latest(call.view, user_id, usage.PASSWORD)
        times = [t for t in (stamp and stamp.used_ms, tracker.password_not_flushed(user_id)) if t]
        return max(times) if times else None

    return credential_report.Usage(
        key=lambda key_id: key_last_used(call, key_id), password=password
    )


# Rows rendered between two yields to the event loop.
ROWS_PER_SLICE = 250


async def _rendered(call: Call, generated_ms: int) -> bytes:
    kept = call.components.credential_reports
    known = kept.get(call.account_id)
    if known is not None and known[0] == generated_ms:
        return known[1]
    report: list[list[str]] = []
    for row in credential_report.rows(call.view, call.account_id, _usage(call)):
        report.append(row)
        if len(report) % ROWS_PER_SLICE == 0:
            await asyncio.sleep(0)  # a large account's report must not stall the node
    content = credential_report.to_csv(report)
    kept.pop(call.account_id, None)
    kept[call.account_id] = (generated_ms, content)
    while len(kept) > RENDERED_REPORTS_KEPT:  # dicts keep insertion order: oldest first
        del kept[next(iter(kept))]
    return content


@op("GenerateCredentialReport")
async def generate_credential_report(
    call: Call, req: pb.GenerateCredentialReportRequest
) -> pb.GenerateCredentialReportResponse:
    """A new report only when the last is four hours old or more, as AWS
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html)."""

    started = await call.write(
        lambda view, ctx: credential_report.generate(view, ctx.account_id, ctx.now_ms)
    )
    if not started:
        return pb.GenerateCredentialReportResponse(state="COMPLETE")
    mark = call.view.credential_reports[call.account_id]
    await _rendered(call, mark.generated_ms)  # rendered now, so a download right after is ready
    return pb.GenerateCredentialReportResponse(state="STARTED", description=_STARTED)


@op("GetCredentialReport")
async def get_credential_report(
    call: Call, req: pb.GetCredentialReportRequest
) -> pb.GetCredentialReportResponse:
    mark = credential_report.downloadable(
        call.view.credential_reports.get(call.account_id), call.components.now_ms()
    )
    return pb.GetCredentialReportResponse(
        content=await _rendered(call, mark.generated_ms),
        report_format=credential_report.REPORT_FORMAT,
        generated_time=convert.timestamp(mark.generated_ms),
    )
