"""Token-dependency probes on real processes: a write on one node that depends on an entity
made just before on another, read on a third node with only that write's token.

A write's consistency token covers everything its node had applied when it acknowledged, so
a replica that covers it holds what the write depended on (docs/replication.md, "Consistency
tokens"). The probes check that on real nodes under the chaos faults, as the model checker
does on simulated replicas: AddUserToGroup of a group made elsewhere, CreatePolicyVersion of
a policy made elsewhere, AttachUserPolicy of a policy made elsewhere.

Only a definite answer counts: a call that fails (timeout, node down, NotYetReplicated while
the reader is cut off) makes the probe inconclusive, never a violation. The probes' entities
(`dep-N`) are left in place: one probe per half second stays far below IAM's quotas for the
length of a run (a probe refused by a quota is inconclusive too).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from iamstore.client import AsyncClient, IamError
from iamstore.cluster.chaos.history import DependencyRead, History
from iamstore.cluster.chaos.workload import policy_document

T = TypeVar("T")

SCENARIOS = ("membership", "policy_version", "attachment")
PAUSE_S = 0.5  # between two probes

ClientFactory = Callable[[str], AsyncClient]  # node name -> a new client of that node alone


class _Inconclusive(Exception):
    """A call of the probe failed: what it would have shown is unknown."""


async def _call(step: Awaitable[T]) -> T:
    try:
        return await step
    except (IamError, OSError, TimeoutError) as err:
        raise _Inconclusive(str(err)) from None


@contextlib.asynccontextmanager
async def _fresh(make: ClientFactory, node: str) -> AsyncIterator[AsyncClient]:
    """A client of its own: its consistency token is then exactly its own writes' tokens."""
    client = make(node)
    try:
        yield client
    finally:
        await client.close()


class DependencyProbes:
    def __init__(
        self,
        nodes: list[str],
        make: ClientFactory,
        history: History,
        rng: random.Random,
        clock: Callable[[], float],
    ) -> None:
        self.nodes = sorted(nodes)
        self.make = make
        self.history = history
        self.rng = rng
        self.clock = clock
        self.count = 0

    def _roles(self) -> tuple[str, str, str]:
        """(origin, writer, reader): three different nodes where there are three."""
        if len(self.nodes) >= 3:
            origin, writer, reader = self.rng.sample(self.nodes, 3)
            return origin, writer, reader
        origin, writer = self.rng.sample(self.nodes, 2)
        return origin, writer, origin

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.count += 1
            scenario = SCENARIOS[self.count % len(SCENARIOS)]
            origin, writer, reader = self._roles()
            with contextlib.suppress(_Inconclusive):
                missing = await self.probe(scenario, origin, writer, reader)
                self.history.dependency_reads.append(
                    DependencyRead(scenario, origin, writer, reader, self.clock(), missing)
                )
            await asyncio.sleep(PAUSE_S)

    async def probe(self, scenario: str, origin: str, writer: str, reader: str) -> str:
        """Runs one probe; returns what the reader lacked ("" for nothing)."""
        tag = f"dep-{self.count}"
        async with (
            _fresh(self.make, origin) as made_on,
            _fresh(self.make, writer) as written_on,
            _fresh(self.make, reader) as read_on,
        ):
            if scenario == "membership":
                await _call(made_on.create_group(group_name=tag))
                await _call(written_on.create_user(user_name=tag))
                await _call(
                    written_on.add_user_to_group(
                        group_name=tag, user_name=tag, at_least=made_on.consistency_token
                    )
                )
                token = written_on.consistency_token
                return await _missing_group(read_on, tag, token)
            document = policy_document(tag, "Allow")
            created = await _call(made_on.create_policy(policy_name=tag, policy_document=document))
            arn = created.policy.arn or ""
            if scenario == "policy_version":
                made = await _call(
                    written_on.create_policy_version(
                        policy_arn=arn, policy_document=document, at_least=made_on.consistency_token
                    )
                )
                version = made.policy_version.version_id or ""
                token = written_on.consistency_token
                return await _missing_version(read_on, arn, version, token)
            await _call(written_on.create_user(user_name=tag))
            await _call(
                written_on.attach_user_policy(
                    user_name=tag, policy_arn=arn, at_least=made_on.consistency_token
                )
            )
            return await _missing_attachment(read_on, tag, arn, written_on.consistency_token)


async def _missing_group(client: AsyncClient, group: str, token: str | None) -> str:
    try:
        found = await client.get_group(group_name=group, at_least=token)
    except IamError as err:
        if err.code == "NoSuchEntity":
            return f"group `{group}` (the membership's group)"
        raise _Inconclusive(err.code) from None
    if group not in {user.user_name for user in found.users}:
        return f"the membership of `{group}` in `{group}` (the write itself)"
    return ""


async def _missing_version(client: AsyncClient, arn: str, version: str, token: str | None) -> str:
    try:
        await client.get_policy(policy_arn=arn, at_least=token)
    except IamError as err:
        if err.code == "NoSuchEntity":
            return f"policy `{arn}` (the version's policy)"
        raise _Inconclusive(err.code) from None
    try:
        await client.get_policy_version(policy_arn=arn, version_id=version, at_least=token)
    except IamError as err:
        if err.code == "NoSuchEntity":
            return f"version `{version}` of `{arn}` (the write itself)"
        raise _Inconclusive(err.code) from None
    return ""


async def _missing_attachment(client: AsyncClient, user: str, arn: str, token: str | None) -> str:
    try:
        await client.get_policy(policy_arn=arn, at_least=token)
        attached = await client.list_attached_user_policies(user_name=user, at_least=token)
    except IamError as err:
        if err.code == "NoSuchEntity":
            return f"policy `{arn}` or user `{user}` (the attachment's ends)"
        raise _Inconclusive(err.code) from None
    if arn not in {p.policy_arn for p in attached.attached_policies}:
        return f"the attachment of `{arn}` to `{user}` (the write itself)"
    return ""
