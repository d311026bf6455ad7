"""The model checker's sequential specification of IAM: what acknowledged writes promise.

Row-level checks (model_check.py) say every replica holds the newest image of each row;
these say what each acknowledged *operation* must still mean afterwards, on every replica,
whatever ran concurrently with it (docs/replication.md, "Concurrent writes"):
- a version's id is never handed out twice for one policy, and its document stays as
  acknowledged until a DeletePolicyVersion or DeletePolicy names it;
- a policy's default is the one chosen by the latest acknowledged default-setting operation
  (CreatePolicy, SetDefaultPolicyVersion, CreatePolicyVersion with SetAsDefault);
- the invariants of node/domain/invariants.py hold after every apply;
- a replica that covers a write's consistency token holds everything the writer had applied
  when it planned the write;
- each tag key of an entity holds what the latest acknowledged TagX or UntagX of that key
  left (its value, or no tag), while the entity lives; for users and roles, whose tag keys
  ignore case, "that key" is the key in any case, and the entity holds exactly one tag of it,
  with the latest writer's spelling and value (never one per spelling);
- the MaxSigninSessionDuration of a live role or login profile is what the latest acknowledged
  write of it to that incarnation left (CreateRole or CreateLoginProfile, then UpdateRole or
  UpdateLoginProfile setting or resetting it): a set or reset is lost only to a later one by
  the merge order, a late older write never brings a reset duration back, and a role or
  profile deleted and created again never shows its predecessor's duration;
- a live service-linked role of a service with a documented role carries that role's name and
  has the service's AWS managed policy attached (node/domain/linked_services.py), whatever
  ran concurrently with its creation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from iamstore.cluster.testing.model_check_workload import ACCOUNT
from iamstore.node.domain.fields import tag_keys_ignore_case
from iamstore.node.domain.linked_services import LINKED_SERVICES
from iamstore.node.domain.protected import SERVICE_ROLE_PATH, is_service_linked
from iamstore.node.domain.view import View

Stamp = tuple[int, str]  # (hlc, origin) of the commit that acknowledged a write


@dataclass(frozen=True, slots=True)
class Acked:
    """One acknowledged write that changed something."""

    operation: str
    stamp: Stamp
    policy_name: str | None
    policy_id: str | None  # the policy the write acted on (None: not a policy write)
    version_id: str | None  # the version it made, chose as default or deleted
    document: str | None  # the document of a version it made
    sets_default: bool
    token: Mapping[str, int]  # what the write's consistency token requires
    depends_on: Mapping[str, int]  # the writer's version vector when it planned the write
    # TagX/UntagX: the entity it tagged (table, key, creation time), and each key it set to a
    # value or removed (None).
    tagged: tuple[str, str, int] | None = None
    tags: tuple[tuple[str, str | None], ...] = ()
    # A write of MaxSigninSessionDuration: the entity (table, key, creation time) and the
    # duration it left (None: reset, or created without one).
    signin_duration: tuple[tuple[str, str, int], int | None] | None = None


def reused_version_id(history: Sequence[Acked], new: Acked) -> str | None:
    """A problem if `new` made a version id that an earlier write made for its policy."""
    if new.document is None or new.version_id is None:
        return None
    for earlier in history:
        if (
            earlier.document is not None
            and earlier.policy_id == new.policy_id
            and earlier.version_id == new.version_id
        ):
            return (
                f"version id `{new.version_id}` of {new.policy_name} handed out twice "
                f"({earlier.operation} at {earlier.stamp}, {new.operation} at {new.stamp})"
            )
    return None


def token_problem(write: Acked, covered: Mapping[str, int], name: str) -> str | None:
    """A problem if replica `name`, at vector `covered`, covers the token but not its deps."""

    def covers(required: Mapping[str, int]) -> bool:
        return all(covered.get(origin, 0) >= seq for origin, seq in required.items())

    if covers(write.token) and not covers(write.depends_on):
        return (
            f"{name} covers the token of {write.operation} at {write.stamp} "
            f"({dict(write.token)}) but not what it depended on ({dict(write.depends_on)})"
        )
    return None


def final_problems(history: Sequence[Acked], view: View, name: str) -> list[str]:
    """Every way replica `name`'s settled view breaks what `history` acknowledged."""
    problems: list[str] = []
    deleted_versions = {
        (w.policy_name, w.version_id) for w in history if w.operation == "DeletePolicyVersion"
    }
    deleted_policies = {w.policy_name for w in history if w.operation == "DeletePolicy"}
    latest_default: dict[str, Acked] = {}
    for write in history:
        if write.policy_id is None:
            continue
        if write.sets_default:
            current = latest_default.get(write.policy_id)
            if current is None or write.stamp > current.stamp:
                latest_default[write.policy_id] = write
        if write.document is None or write.policy_name in deleted_policies:
            continue
        if (write.policy_name, write.version_id) in deleted_versions:
            continue
        found = view.versions_of(write.policy_id).get(write.version_id or "")
        if found is None or found.document != write.document:
            problems.append(
                f"{name} lost {write.operation} `{write.version_id}` of {write.policy_name} "
                f"acknowledged at {write.stamp}"
            )
    problems += _tag_problems(history, view, name)
    problems += _signin_duration_problems(history, view, name)
    problems += _service_linked_role_problems(view, name)
    for policy_id, write in sorted(latest_default.items()):
        if write.policy_name in deleted_policies or view.policies.get(policy_id) is None:
            continue
        default = view.default_version(policy_id)
        if default is None or default.version_id != write.version_id:
            problems.append(
                f"{name}'s default of {write.policy_name} is "
                f"`{None if default is None else default.version_id}`, not `{write.version_id}` "
                f"set by {write.operation} at {write.stamp}"
            )
    return problems


def _tag_problems(history: Sequence[Acked], view: View, name: str) -> list[str]:
    """Each tag key of a live entity as the latest acknowledged TagX/UntagX of it left it (for
    users and roles, of the key in any case: one tag, the latest writer's spelling)."""
    latest: dict[tuple[tuple[str, str, int], str], tuple[Acked, str, str | None]] = {}
    for write in history:
        if write.tagged is None:
            continue
        caseless = tag_keys_ignore_case(write.tagged[0])
        for key, value in write.tags:
            tag_of = (write.tagged, key.lower() if caseless else key)
            current = latest.get(tag_of)
            if current is None or write.stamp > current[0].stamp:
                latest[tag_of] = (write, key, value)
    problems: list[str] = []
    for ((table, entity_key, created_ms), same), (write, key, value) in sorted(latest.items()):
        entity = view.shown(table, entity_key)
        if entity is None or getattr(entity, "created_ms", None) != created_ms:
            continue  # deleted (a delete wins over a concurrent tag), or created again since
        caseless = tag_keys_ignore_case(table)
        found = [
            (k, v) for k, v in getattr(entity, "tags", ()) if (k.lower() if caseless else k) == same
        ]
        # An UntagX names the key as the caller spelled it; a TagX leaves its own spelling.
        wanted = [] if value is None else [(key, value)]
        if found != wanted:
            problems.append(
                f"{name}'s {table} `{entity_key}` has tags {found!r} for key `{key}`, not "
                f"{wanted!r} as {write.operation} at {write.stamp} left it"
            )
    return problems


def _signin_duration_problems(history: Sequence[Acked], view: View, name: str) -> list[str]:
    """Each live role's and login profile's MaxSigninSessionDuration as the latest acknowledged
    write of it to that incarnation left it."""
    latest: dict[tuple[str, str, int], Acked] = {}
    for write in history:
        if write.signin_duration is None:
            continue
        incarnation = write.signin_duration[0]
        current = latest.get(incarnation)
        if current is None or write.stamp > current.stamp:
            latest[incarnation] = write
    problems: list[str] = []
    for (table, key, created_ms), write in sorted(latest.items()):
        entity = view.shown(table, key)
        if entity is None or getattr(entity, "created_ms", None) != created_ms:
            continue  # deleted (a delete wins over a concurrent update), or created again since
        assert write.signin_duration is not None
        wanted = write.signin_duration[1]
        found = getattr(entity, "max_signin_session_duration", None)
        if found != wanted:
            problems.append(
                f"{name}'s {table} `{key}` has MaxSigninSessionDuration {found}, not {wanted} "
                f"as {write.operation} at {write.stamp} left it"
            )
    return problems


def _service_linked_role_problems(view: View, name: str) -> list[str]:
    """Each live service-linked role of a documented service: its documented name (or that
    name with a custom suffix) and the service's managed policy attached."""
    problems: list[str] = []
    for role in view.roles.in_account(ACCOUNT):
        if not is_service_linked(role):
            continue
        service = role.path.removeprefix(SERVICE_ROLE_PATH).rstrip("/")
        known = LINKED_SERVICES.get(service)
        if known is None:
            continue
        if role.name != known.role_name and not role.name.startswith(known.role_name + "_"):
            problems.append(f"{name}'s service-linked role of {service} is named `{role.name}`")
        policy = view.policy_by_arn(known.policy_arn)
        if policy is None or policy.policy_id not in view.attachments.of(role.role_id):
            problems.append(
                f"{name}'s service-linked role `{role.name}` lacks `{known.policy_arn}`"
            )
    return problems
