"""Service-linked roles: created for an AWS service at `/aws-service-role/SERVICE/`, trusted by
that service alone, protected from other changes, deleted with a task whose status is read back.

A service in node.domain.linked_services gets the role name its guide documents
(`autoscaling.amazonaws.com` -> AWSServiceRoleForAutoScaling) and the AWS managed policy AWS
attaches to it; another service's role is named `AWSServiceRoleFor` and the service's prefix
with each dash- or dot-separated word capitalized, with no policy (no documentation says more).
Either name takes `_SUFFIX` when a custom suffix is given.
"""

from __future__ import annotations

import json

from iamstore.node.domain import lookup, roles
from iamstore.node.domain.entities import Attachment, Change, DeletionTask, ProfileRole, Role
from iamstore.node.domain.errors import InvalidInput, NoSuchEntity
from iamstore.node.domain.linked_services import LINKED_SERVICES
from iamstore.node.domain.protected import SERVICE_ROLE_PATH, is_service_linked
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

SERVICE_SUFFIX = ".amazonaws.com"
NAME_PREFIX = "AWSServiceRoleFor"


def role_name(service: str, suffix: str | None) -> str:
    known = LINKED_SERVICES.get(service)
    if known is not None:
        name = known.role_name
    else:
        words = service.removesuffix(SERVICE_SUFFIX).replace(".", "-").split("-")
        name = NAME_PREFIX + "".join(w[:1].upper() + w[1:] for w in words if w)
    return name if suffix is None else f"{name}_{suffix}"


def trust_policy(service: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"Service": [service]}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def create(
    view: View, ctx: WriteContext, service: str, description: str | None, suffix: str | None
) -> tuple[list[Change], Role]:
    if not service.endswith(SERVICE_SUFFIX) or len(service) == len(SERVICE_SUFFIX):
        raise InvalidInput(
            f"`{service}` is not an AWS service principal (SERVICE.amazonaws.com)",
            "AWSServiceName",
        )
    name = role_name(service, suffix)
    if view.roles.named(ctx.account_id, name) is not None:
        raise InvalidInput(
            f"Service role name {name} has been taken in this account, please try a "
            "different suffix.",
            "CustomSuffix",
        )
    changes, role = roles.create(
        view,
        ctx,
        name,
        f"{SERVICE_ROLE_PATH}{service}/",
        trust_policy(service),
        description,
        None,
        (),
        None,
        service_linked=True,
    )
    known = LINKED_SERVICES.get(service)
    if known is not None:
        # AWS attaches the service's policy as it creates the role; nobody else may attach or
        # detach one (the role is protected), so this is the only place it is linked.
        policy = lookup.policy(view, ctx.account_id, known.policy_arn)
        changes.append(Change.put(Attachment(role.role_id, policy.policy_id)))
    return changes, role


def delete(view: View, ctx: WriteContext, name: str) -> tuple[list[Change], str]:
    """Deletes the role with its inline policies and attachments, unless an instance profile
    still uses it: then the task FAILED and the role stays. Returns the task's id,
    `task/aws-service-role/SERVICE/NAME/ID` as AWS spells it."""
    role = view.roles.named(ctx.account_id, name)
    if role is None:
        raise NoSuchEntity(f"The role with name {name} cannot be found.", "RoleName")
    if not is_service_linked(role):
        raise InvalidInput(f"the role {name} is not a service-linked role", "RoleName")
    task_id = f"task{role.path}{role.name}/{ctx.new_id('')}"
    in_use = view.instance_profiles.live(view.profile_roles.to(role.role_id), role.account_id)
    if in_use:
        names = ", ".join(sorted(p.name for p in in_use))
        task = DeletionTask(task_id, ctx.account_id, "FAILED", f"in use by {names}", ctx.now_ms)
        return [Change.put(task)], task_id
    rid = role.role_id
    changes = [Change.delete(role)]
    changes += [Change.delete(p) for p in view.inline.get(rid, {}).values()]
    changes += [
        Change.delete(a)
        for a in (view.get("attachment", f"{rid}/{pid}") for pid in view.attachments.of(rid))
        if a is not None
    ]
    boundary = view.boundaries.get(rid)
    if boundary is not None:
        changes.append(Change.delete(boundary))
    changes += [Change.delete(ProfileRole(pid, rid)) for pid in sorted(view.profile_roles.to(rid))]
    changes.append(Change.put(DeletionTask(task_id, ctx.account_id, "SUCCEEDED", None, ctx.now_ms)))
    return changes, task_id


def task(view: View, account_id: str, task_id: str) -> DeletionTask:
    if not task_id.startswith("task/"):
        raise InvalidInput(f"`{task_id}` is not a deletion task id", "DeletionTaskId")
    found = view.deletion_tasks.get(task_id)
    if found is None or found.account_id != account_id:
        raise NoSuchEntity(f"Deletion task {task_id} cannot be found.", "DeletionTaskId")
    return found
