"""Iam handlers for the service last-accessed family: GenerateServiceLastAccessedDetails,
GetServiceLastAccessedDetails and GetServiceLastAccessedDetailsWithEntities.

A job is a small replicated row (which entity, which granularity, when); any node answers
for it from its own replica, computing the report when asked (node.domain.last_accessed), so
a job is COMPLETED as soon as it exists. Jobs belong to their account: another account's job
id is unknown to the caller, exactly like a job id that never existed.
"""

from __future__ import annotations

import re
import uuid

from iamstore.node.api import convert
from iamstore.node.api.authz import authorizer_of
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.api.iam_service_access import entity_by_arn, policy_sources
from iamstore.node.domain import last_accessed
from iamstore.node.domain.entities import (
    Group,
    LastAccessedJob,
    ManagedPolicy,
    Role,
    User,
)
from iamstore.node.domain.errors import InvalidInput, NoSuchEntity
from iamstore.node.domain.rules import paginate
from iamstore.node.policy import PolicyKind
from iamstore.node.policy.document import Policy
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)

Target = User | Role | Group | ManagedPolicy
_JOB_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_GRANULARITIES = (last_accessed.SERVICE_LEVEL, last_accessed.ACTION_LEVEL)


def _target(call: Call, arn: str) -> Target:
    """The user, group, role or managed policy (the caller's, or AWS's) the ARN names."""
    if ":policy/" in arn:
        policy = call.view.policy_by_arn(arn)
        owner = arn.split(":")[4] if arn.count(":") >= 5 else ""
        if policy is None or owner not in (call.account_id, "aws"):
            raise NoSuchEntity(f"the entity `{arn}` cannot be found.", "Arn")
        return policy
    return entity_by_arn(call.view, call.account_id, arn)


def _policies(call: Call, target: Target) -> list[Policy]:
    if not isinstance(target, ManagedPolicy):
        return [source.policy for source in policy_sources(call, target)]
    version = call.view.default_version(target.policy_id)
    if version is None:
        return []
    compiled = authorizer_of(call).document(
        target.arn, PolicyKind.IDENTITY, version.document, "Arn"
    )
    return [compiled.source]


@op("GenerateServiceLastAccessedDetails")
async def generate_service_last_accessed_details(
    call: Call, req: pb.GenerateServiceLastAccessedDetailsRequest
) -> pb.GenerateServiceLastAccessedDetailsResponse:
    granularity = opt_str(req, "granularity") or last_accessed.SERVICE_LEVEL
    if granularity not in _GRANULARITIES:  # the model's enumeration, for callers without it
        raise InvalidInput(f"`{granularity}` is not SERVICE_LEVEL or ACTION_LEVEL", "Granularity")
    target = _target(call, req.arn)
    job_id = str(uuid.uuid4())

    await call.change(
        lambda view, ctx: last_accessed.start_job(
            view, LastAccessedJob(job_id, ctx.account_id, target.arn, granularity, ctx.now_ms)
        )
    )
    return pb.GenerateServiceLastAccessedDetailsResponse(job_id=job_id)


def _job(call: Call, job_id: str) -> LastAccessedJob:
    if not _JOB_ID.fullmatch(job_id):
        raise InvalidInput(f"`{job_id}` is not a job id", "JobId")
    job = call.view.last_accessed_jobs.get(job_id)
    if job is None or job.account_id != call.account_id:
        raise NoSuchEntity(f"the job `{job_id}` cannot be found.", "JobId")
    return job


def _job_target(call: Call, job: LastAccessedJob) -> Target | pb.ErrorDetails:
    """The job's entity, or the error a FAILED job reports when it no longer exists."""
    try:
        return _target(call, job.arn)
    except (NoSuchEntity, InvalidInput) as err:
        return pb.ErrorDetails(message=err.message, code=err.code)


def _last_use_fields(last: last_accessed.LastUse | None) -> dict[str, object]:
    if last is None:
        return {}
    return {
        "last_authenticated": convert.timestamp(last.used_ms),
        "last_authenticated_entity": last.entity_arn,
        "last_authenticated_region": last.region,
    }


def _service_message(entry: last_accessed.ServiceReport) -> pb.ServiceLastAccessed:
    message = pb.ServiceLastAccessed(
        service_name=entry.name,
        service_namespace=entry.namespace,
        total_authenticated_entities=entry.total_entities,
        **_last_use_fields(entry.last),  # type: ignore[arg-type]
    )
    for action in entry.actions:
        tracked = message.tracked_actions_last_accessed.add(action_name=action.name)
        if action.last is not None:
            tracked.last_accessed_entity = action.last.entity_arn
            tracked.last_accessed_time.CopyFrom(convert.timestamp(action.last.used_ms))
            tracked.last_accessed_region = action.last.region
    return message


@op("GetServiceLastAccessedDetails")
async def get_service_last_accessed_details(
    call: Call, req: pb.GetServiceLastAccessedDetailsRequest
) -> pb.GetServiceLastAccessedDetailsResponse:
    job = _job(call, req.job_id)
    response = pb.GetServiceLastAccessedDetailsResponse(
        job_type=job.granularity,
        job_creation_date=convert.timestamp(job.created_ms),
        job_completion_date=convert.timestamp(job.created_ms),
        is_truncated=False,
    )
    target = _job_target(call, job)
    if isinstance(target, pb.ErrorDetails):
        response.job_status = "FAILED"
        response.error.CopyFrom(target)
        return response
    policies = _policies(call, target)
    entities = last_accessed.counted_entities(call.view, call.account_id, target)
    uses = last_accessed.uses_of(call.view, entities)
    # Pure and bounded by the policies' quotas, but long for policies full of wildcards:
    # off the event loop, one at a time (node.api.offload).
    entries = await call.components.evaluations.run(
        lambda: last_accessed.report(uses, policies, job.granularity)
    )
    page = paginate(
        entries, lambda e: e.namespace, opt_str(req, "marker"), opt_int(req, "max_items")
    )
    response.job_status = "COMPLETED"
    response.services_last_accessed.extend(_service_message(e) for e in page.items)
    response.is_truncated = page.is_truncated
    if page.marker is not None:
        response.marker = page.marker
    return response


@op("GetServiceLastAccessedDetailsWithEntities")
async def get_service_last_accessed_details_with_entities(
    call: Call, req: pb.GetServiceLastAccessedDetailsWithEntitiesRequest
) -> pb.GetServiceLastAccessedDetailsWithEntitiesResponse:
    job = _job(call, req.job_id)
    response = pb.GetServiceLastAccessedDetailsWithEntitiesResponse(
        job_creation_date=convert.timestamp(job.created_ms),
        job_completion_date=convert.timestamp(job.created_ms),
        is_truncated=False,
    )
    target = _job_target(call, job)
    if isinstance(target, pb.ErrorDetails):
        response.job_status = "FAILED"
        response.error.CopyFrom(target)
        return response
    namespace = req.service_namespace.lower()
    entities = last_accessed.counted_entities(call.view, call.account_id, target)
    uses = last_accessed.entity_uses(call.view, entities, namespace)
    page = paginate(uses, lambda u: u[0].arn, opt_str(req, "marker"), opt_int(req, "max_items"))
    response.job_status = "COMPLETED"
    for entity, stamp in page.items:
        details = response.entity_details_list.add()
        details.entity_info.CopyFrom(
            pb.EntityInfo(
                arn=entity.arn,
                name=entity.name,
                type="USER" if isinstance(entity, User) else "ROLE",
                id=entity.entity_id,
                path=entity.path,
            )
        )
        if stamp is not None:
            details.last_authenticated.CopyFrom(convert.timestamp(stamp.used_ms))
    response.is_truncated = page.is_truncated
    if page.marker is not None:
        response.marker = page.marker
    return response
