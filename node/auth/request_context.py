"""The request context of an authorization question: every `aws:` key, built by the node.

Where each key comes from (the calling service is the signed caller of `Authorize`; it
forwards facts about the original request it is deciding):

| key                              | source                                                       |
|----------------------------------|--------------------------------------------------------------|
| aws:username                     | the principal's user name (IAM users only)                   |
| aws:userid                       | user id (AIDA...); account id for root; ROLEID:session for a |
|                                  | role session; the role id for a role named directly          |
| aws:PrincipalArn                 | the principal's ARN; the role's ARN for a role session       |
| aws:PrincipalAccount             | the principal's account id                                   |
| aws:PrincipalType                | User, Account (root), AssumedRole, FederatedUser             |
| aws:PrincipalTag/k               | the tags of the user or role in the replica; a role session's|
|                                  | session tags replace the role's tags of the same key         |
| aws:CurrentTime, aws:EpochTime   | the node's clock (injected), when the question is answered   |
| aws:SourceIp                     | passed by the calling service; else the peer address of the  |
|                                  | calling service's connection to the node                     |
| aws:SecureTransport              | passed by the calling service; else whether its own call to  |
|                                  | the node used TLS                                            |
| aws:UserAgent                    | passed by the calling service; else its gRPC user agent      |
| aws:RequestedRegion              | passed by the calling service; else the node's region        |
| aws:MultiFactorAuthPresent/Age,  | temporary credentials only: from the session token (MFA      |
| aws:TokenIssueTime,              | given when it was issued, its issue time, its source         |
| aws:SourceIdentity               | identity); AWS leaves these keys out for long-term keys      |
| aws:RequestTag/k, aws:TagKeys    | the request tags passed by the calling service               |
| aws:ResourceTag/k                | the resource tags passed by the calling service              |
| anything else (s3:prefix,        | context entries passed by the calling service, as given      |
| aws:SourceVpc, aws:SourceArn...) |                                                              |

A context entry may not name a key the node builds itself (the first eleven rows): those
are either facts only the node knows or have a field of their own, so a caller cannot
forge, say, aws:PrincipalArn or aws:CurrentTime.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from iamstore.node.auth.sessions import Session
from iamstore.node.domain.errors import InvalidInput
from iamstore.node.policy.variables import Context

Tags = Sequence[tuple[str, str]]


class PrincipalKind(enum.Enum):
    """aws:PrincipalType values for the principals a node can authorize."""

    ACCOUNT = "Account"
    USER = "User"
    ASSUMED_ROLE = "AssumedRole"
    FEDERATED_USER = "FederatedUser"


@dataclass(frozen=True, slots=True)
class PrincipalFacts:
    """What the replica knows about the principal the question is about."""

    arn: str  # aws:PrincipalArn (the role ARN for a role session)
    account_id: str
    kind: PrincipalKind
    user_id: str  # aws:userid
    user_name: str | None = None  # aws:username, IAM users only
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Environment:
    """Facts about the request itself; None means `not given by the calling service`."""

    peer_ip: str | None = None  # the calling service's address, as the node saw it
    peer_tls: bool = False
    peer_user_agent: str | None = None
    node_region: str = "us-east-1"
    source_ip: str | None = None
    secure_transport: bool | None = None
    user_agent: str | None = None
    requested_region: str | None = None


# Keys the node builds: a context entry naming one of them is refused (lower-case).
RESERVED_KEYS = frozenset(
    {
        "aws:username",
        "aws:userid",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:currenttime",
        "aws:epochtime",
        "aws:sourceip",
        "aws:securetransport",
        "aws:useragent",
        "aws:requestedregion",
        "aws:multifactorauthpresent",
        "aws:multifactorauthage",
        "aws:tokenissuetime",
        "aws:sourceidentity",
        "aws:tagkeys",
        "aws:principalisawsservice",
        "aws:viaawsservice",
    }
)
RESERVED_PREFIXES = ("aws:principaltag/", "aws:requesttag/", "aws:resourcetag/")

# AWS's ContextKeyType values; a `...List` type makes the key multivalued.
CONTEXT_KEY_TYPES = frozenset(
    {
        "string",
        "stringList",
        "numeric",
        "numericList",
        "boolean",
        "booleanList",
        "ip",
        "ipList",
        "binary",
        "binaryList",
        "date",
        "dateList",
    }
)


@dataclass(frozen=True, slots=True)
class ContextEntryInput:
    """One caller-supplied key (AWS's ContextEntry)."""

    name: str
    values: tuple[str, ...]
    type: str | None = None


def entries_to_context(
    entries: Iterable[ContextEntryInput], *, field: str, allow_reserved: bool
) -> dict[str, str | tuple[str, ...]]:
    """Caller-supplied entries as context (lower-cased keys); a `...List` type or several
    values make a key multivalued. Reserved keys are refused unless `allow_reserved`."""
    out: dict[str, str | tuple[str, ...]] = {}
    for position, entry in enumerate(entries, 1):
        where = f"{field}.{position}"
        key = entry.name.lower()
        if not key:
            raise InvalidInput("a context entry needs a `ContextKeyName`", where)
        if entry.type is not None and entry.type not in CONTEXT_KEY_TYPES:
            raise InvalidInput(f"unknown context key type `{entry.type}`", where)
        if not allow_reserved and (key in RESERVED_KEYS or key.startswith(RESERVED_PREFIXES)):
            raise InvalidInput(
                f"context key `{entry.name}` is set by the node, not by the caller", where
            )
        if key in out:
            raise InvalidInput(f"context key `{entry.name}` is given twice", where)
        multi = len(entry.values) != 1 or (entry.type or "").endswith("List")
        out[key] = tuple(entry.values) if multi else entry.values[0]
    return out


def principal_keys(principal: PrincipalFacts) -> dict[str, str | tuple[str, ...]]:
    """The aws:Principal*, aws:username and aws:userid keys of one principal."""
    out: dict[str, str | tuple[str, ...]] = {
        "aws:userid": principal.user_id,
        "aws:principalarn": principal.arn,
        "aws:principalaccount": principal.account_id,
        "aws:principaltype": principal.kind.value,
    }
    if principal.user_name is not None:
        out["aws:username"] = principal.user_name
    for key, value in principal.tags:
        out[f"aws:principaltag/{key.lower()}"] = value
    return out


def tag_keys(tags: Tags, prefix: str) -> dict[str, str | tuple[str, ...]]:
    return {f"{prefix}{key.lower()}": value for key, value in tags}


class ContextBuilder:
    """Builds request contexts; the clock is injected and read once per question."""

    def __init__(
        self,
        now: Callable[[], datetime.datetime],
        *,
        epoch_ms: Callable[[], int] | None = None,
    ) -> None:
        # `epoch_ms`, when given, is the same clock read as milliseconds since the epoch: the
        # cheaper read for the authorization path (no datetime built per question).
        self._now = now
        self._epoch_ms = epoch_ms
        self._second = -1
        self._time_keys: tuple[str, str] = ("", "")
        # The principal keys of the last principal asked about: batches ask about one
        # principal many times. PrincipalFacts is frozen, so identity is a safe memo key.
        self._facts: PrincipalFacts | None = None
        self._facts_keys: dict[str, str | tuple[str, ...]] = {}

    def _times(self) -> tuple[str, str]:
        """(aws:CurrentTime, aws:EpochTime), formatted once per second of the clock."""
        epoch_ms = self._epoch_ms
        second = epoch_ms() // 1000 if epoch_ms is not None else int(self._now().timestamp())
        if second != self._second:
            current = datetime.datetime.fromtimestamp(second, datetime.UTC)
            self._time_keys = (current.strftime("%Y-%m-%dT%H:%M:%SZ"), str(second))
            self._second = second
        return self._time_keys

    def build(
        self,
        principal: PrincipalFacts,
        environment: Environment,
        *,
        request_tags: Tags = (),
        resource_tags: Tags = (),
        extra: Mapping[str, str | tuple[str, ...]] | None = None,
        session: Session | None = None,
    ) -> Context:
        """The full context of one question; `extra` holds already-checked caller entries."""
        if principal is not self._facts:
            self._facts_keys = principal_keys(principal)
            self._facts = principal
        context: dict[str, str | tuple[str, ...]]
        if extra:
            context = dict(extra)
            context.update(self._facts_keys)
        else:
            context = self._facts_keys.copy()
        current, epoch = self._times()
        if session is not None:
            context.update(session_keys(session, int(epoch)))
        context["aws:currenttime"] = current
        context["aws:epochtime"] = epoch
        source_ip = environment.source_ip or environment.peer_ip
        if source_ip:
            context["aws:sourceip"] = source_ip
        secure = environment.secure_transport
        context["aws:securetransport"] = (
            "true" if (environment.peer_tls if secure is None else secure) else "false"
        )
        # In every signed request's context in AWS, "false" unless an AWS service is the
        # principal or signs on the principal's behalf (IAM User Guide, AWS global condition
        # context keys): the principals iamstore authenticates are never either.
        context["aws:principalisawsservice"] = "false"
        context["aws:viaawsservice"] = "false"
        user_agent = environment.user_agent or environment.peer_user_agent
        if user_agent:
            context["aws:useragent"] = user_agent
        context["aws:requestedregion"] = environment.requested_region or environment.node_region
        if request_tags:
            context.update(tag_keys(request_tags, "aws:requesttag/"))
            context["aws:tagkeys"] = tuple(key for key, _ in request_tags)
        if resource_tags:
            context.update(tag_keys(resource_tags, "aws:resourcetag/"))
        return context


def _iso(epoch_seconds: int) -> str:
    return datetime.datetime.fromtimestamp(epoch_seconds, datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def session_keys(session: Session, now_epoch: int) -> dict[str, str | tuple[str, ...]]:
    """aws:TokenIssueTime, aws:SourceIdentity and the MFA keys of temporary credentials.

    AWS: aws:MultiFactorAuthPresent is "true" when MFA was given when the credentials were
    issued and "false" for temporary credentials without it; aws:MultiFactorAuthAge is the
    number of seconds since that authentication, present only with MFA.
    """
    keys: dict[str, str | tuple[str, ...]] = {"aws:tokenissuetime": _iso(session.issued_at)}
    if session.source_identity is not None:
        # AWS: aws:SourceIdentity is in the context of every request a session with a source
        # identity makes (AWS global condition context keys).
        keys["aws:sourceidentity"] = session.source_identity
    if session.mfa_authenticated_at is None:
        keys["aws:multifactorauthpresent"] = "false"
    else:
        keys["aws:multifactorauthpresent"] = "true"
        keys["aws:multifactorauthage"] = str(max(0, now_epoch - session.mfa_authenticated_at))
    return keys


def peer_ip(peer: str) -> str | None:
    """The IP address in a gRPC peer string (`ipv4:1.2.3.4:5`, `ipv6:[::1]:5`), else None."""
    kind, _, rest = peer.partition(":")
    if kind == "ipv4":
        return rest.rpartition(":")[0] or None
    if kind == "ipv6":
        host = rest.rpartition(":")[0]
        return host.strip("[]") or None
    return None
