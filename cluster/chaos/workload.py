"""The seeded workload: workers writing and authorizing on every node at once, all recorded.

Each worker owns its names, so the history of any one name is sequential and a worker knows
exactly what its writes should have left behind. A worker sends each call to a node of its
choosing with `at_least` = every write it had acknowledged (causal: a delete on node3 sees the
create made on node1). After a call whose outcome is unknown (timeout, unavailable), the name is
abandoned for a fresh one and its ops are marked not strict, so checks never guess.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from iamstore.client import AsyncClient, IamError
from iamstore.client.credentials import Credentials
from iamstore.cluster.chaos.history import (
    History,
    Op,
    Outcome,
    StaleRead,
    decode_token,
    encode_token,
    merge_tokens,
)

T = TypeVar("T")

# A refusal with one of these codes means the call changed nothing.
DEFINITE = frozenset(
    {
        "NoSuchEntity",
        "EntityAlreadyExists",
        "DeleteConflict",
        "LimitExceeded",
        "NotYetReplicated",
        "InvalidInput",
        "ValidationError",
        "MalformedPolicyDocument",
        "AccessDenied",
    }
)
USERS_PER_WORKER = 3
MAX_VERSIONS = 5  # AWS: a managed policy keeps at most five versions


def policy_document(bucket: str, effect: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": effect, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
            ],
        }
    )


@dataclass
class UserModel:
    slot: int
    generation: int = 0
    present: bool = False
    user_id: str = ""
    arn: str = ""
    in_group: bool = False
    attached: str = ""  # the policy ARN attached, or ""
    keys: list[str] = field(default_factory=list)
    create_token: dict[str, int] = field(default_factory=dict)
    create_node: str = ""

    def name(self, worker: str) -> str:
        return f"u-{worker}-{self.slot}-{self.generation}"


@dataclass
class PolicyModel:
    generation: int = 0
    arn: str = ""
    versions: list[str] = field(default_factory=list)
    default: str = ""

    def name(self, worker: str) -> str:
        return f"p-{worker}-{self.generation}"


class Clients:
    """One AsyncClient per (worker, node): the tokens a client collects are its own."""

    def __init__(self, addresses: dict[str, str], credentials: Credentials, timeout: float):
        self._addresses = addresses
        self._credentials = credentials
        self._timeout = timeout
        self._open: list[AsyncClient] = []

    def make(self) -> dict[str, AsyncClient]:
        clients = {
            name: AsyncClient(address, credentials=self._credentials, timeout=self._timeout)
            for name, address in self._addresses.items()
        }
        self._open.extend(clients.values())
        return clients

    def single(self, node: str) -> AsyncClient:
        """A new client of one node, which the caller closes (its tokens are its own writes')."""
        return AsyncClient(self._addresses[node], credentials=self._credentials,
                           timeout=self._timeout)  # fmt: skip

    async def close(self) -> None:
        for client in self._open:
            await client.close()


class Worker:
    def __init__(
        self,
        name: str,
        home: str,
        clients: dict[str, AsyncClient],
        history: History,
        rng: random.Random,
        clock: Callable[[], float],
    ) -> None:
        self.name = name
        self.home = home
        self.clients = clients
        self.history = history
        self.rng = rng
        self.clock = clock
        self.token: dict[str, int] = {}
        self.users = [UserModel(slot) for slot in range(USERS_PER_WORKER)]
        self.policy = PolicyModel()
        self.group = f"g-{name}"
        self.group_ready = False
        self.bucket = f"b-{name}"

    def pick_node(self) -> str:
        if self.rng.random() < 0.6:
            return self.home
        return self.rng.choice(sorted(self.clients))

    async def call(
        self,
        node: str,
        kind: str,
        entity: str,
        request: dict[str, str],
        action: Callable[[AsyncClient, str | None], Awaitable[T]],
        *,
        write: bool,
        at_least: dict[str, int] | None = None,
    ) -> tuple[Outcome, T | None, Op]:
        client = self.clients[node]
        before = decode_token(client.consistency_token)
        start = self.clock()
        outcome, value, error = Outcome.OK, None, ""
        try:
            value = await action(client, encode_token(self.token if at_least is None else at_least))
        except IamError as err:
            outcome = Outcome.FAIL if err.code in DEFINITE else Outcome.UNKNOWN
            error = err.code
        except Exception as err:
            outcome, error = Outcome.UNKNOWN, type(err).__name__
        end = self.clock()
        after = decode_token(client.consistency_token)
        token = {o: s for o, s in after.items() if s > before.get(o, 0)}
        if outcome is Outcome.OK and write:
            self.token = merge_tokens([self.token, token])
        op = Op(
            self.name, node, kind, entity, start, end, outcome, request, {}, error, token, write
        )
        self.history.ops.append(op)
        return outcome, value, op

    def _record_result(self, op: Op, **result: str) -> None:
        self.history.ops[self.history.ops.index(op)] = Op(
            op.worker, op.node, op.kind, op.entity, op.start, op.end, op.outcome, op.request,
            result, op.error, op.token, op.write, op.strict,
        )  # fmt: skip

    async def setup(self) -> bool:
        node = self.home
        if not self.group_ready:
            outcome, _, _ = await self.call(
                node, "create_group", self.group, {},
                lambda c, t: c.create_group(group_name=self.group, at_least=t), write=True,
            )  # fmt: skip
            self.group_ready = outcome is Outcome.OK
        if not self.policy.arn:
            await self.create_policy(node)
        return self.group_ready and bool(self.policy.arn)

    async def create_policy(self, node: str) -> None:
        name = self.policy.name(self.name)
        outcome, created, op = await self.call(
            node, "create_policy", name, {"effect": "Allow"},
            lambda c, t: c.create_policy(
                policy_name=name, policy_document=policy_document(self.bucket, "Allow"),
                at_least=t,
            ),
            write=True,
        )  # fmt: skip
        if outcome is Outcome.OK and created is not None and created.policy.arn:
            self.policy.arn = created.policy.arn
            self._record_result(op, arn=created.policy.arn)
            self.policy.versions = ["v1"]
            self.policy.default = "v1"
        elif outcome is Outcome.UNKNOWN:
            self.policy = PolicyModel(self.policy.generation + 1)

    def _abandon(self, user: UserModel) -> None:
        self.users[user.slot] = UserModel(user.slot, user.generation + 1)

    async def step(self) -> None:
        roll = self.rng.random()
        node = self.pick_node()
        present = [u for u in self.users if u.present]
        if roll < 0.15 and present:
            await self.authorize(node, self.rng.choice(present))
        elif roll < 0.25 and present:
            await self.fresh_read(self.rng.choice(present))
        elif roll < 0.35:
            await self.policy_step(node)
        else:
            await self.user_step(node, self.rng.choice(self.users))

    async def authorize(self, node: str, user: UserModel) -> None:
        resource = f"arn:aws:s3:::{self.bucket}/object"
        _, answer, op = await self.call(
            node, "authorize", user.name(self.name), {"resource": resource},
            lambda c, t: c.authorize(
                principal_arn=user.arn, action="s3:GetObject", resource_arn=resource, at_least=t
            ),
            write=False,
        )  # fmt: skip
        if answer is not None:
            self._record_result(op, decision=answer.decision)

    async def fresh_read(self, user: UserModel) -> None:
        """A read elsewhere with the create's token must see the user (or say not yet)."""
        others = [n for n in sorted(self.clients) if n != user.create_node] or [user.create_node]
        node = self.rng.choice(others)
        name = user.name(self.name)
        outcome, _, op = await self.call(
            node, "get_user", name, {"at_least": encode_token(user.create_token) or ""},
            lambda c, t: c.get_user(user_name=name, at_least=t), write=False,
            at_least=user.create_token,
        )  # fmt: skip
        if outcome is Outcome.FAIL and op.error == "NoSuchEntity":
            self.history.stale_reads.append(StaleRead(op, f"user `{name}` created before"))

    async def policy_step(self, node: str) -> None:
        policy = self.policy
        if not policy.arn:
            await self.create_policy(node)
            return
        arn = policy.arn
        spare = [v for v in policy.versions if v != policy.default]
        if len(policy.versions) >= MAX_VERSIONS and spare:
            version = spare[0]
            outcome, _, _ = await self.call(
                node, "delete_policy_version", arn, {"version": version},
                lambda c, t: c.delete_policy_version(policy_arn=arn, version_id=version,
                                                     at_least=t),
                write=True,
            )  # fmt: skip
            if outcome is Outcome.OK:
                policy.versions.remove(version)
        elif spare and self.rng.random() < 0.4:
            version = self.rng.choice(spare)
            outcome, _, _ = await self.call(
                node, "set_default_policy_version", arn, {"version": version},
                lambda c, t: c.set_default_policy_version(policy_arn=arn, version_id=version,
                                                          at_least=t),
                write=True,
            )  # fmt: skip
            if outcome is Outcome.OK:
                policy.default = version
        else:
            effect = self.rng.choice(["Allow", "Deny"])
            as_default = self.rng.random() < 0.5
            outcome, created, op = await self.call(
                node, "create_policy_version", arn, {"effect": effect},
                lambda c, t: c.create_policy_version(
                    policy_arn=arn, policy_document=policy_document(self.bucket, effect),
                    set_as_default=as_default, at_least=t,
                ),
                write=True,
            )  # fmt: skip
            if outcome is Outcome.OK and created is not None:
                version = created.policy_version.version_id or ""
                policy.versions.append(version)
                self._record_result(op, version=version, default=str(as_default).lower())
                if as_default:
                    policy.default = version
        if outcome is Outcome.UNKNOWN:
            self.policy = PolicyModel(policy.generation + 1)

    async def user_step(self, node: str, user: UserModel) -> None:
        name = user.name(self.name)
        if not user.present:
            outcome, created, op = await self.call(
                node, "create_user", name, {},
                lambda c, t: c.create_user(user_name=name, at_least=t), write=True,
            )  # fmt: skip
            if outcome is Outcome.OK and created is not None:
                user.present, user.user_id, user.arn = True, created.user.user_id, created.user.arn
                user.create_token, user.create_node = op.token, node
                self._record_result(op, user_id=user.user_id)
        elif self.rng.random() < 0.15:
            await self.delete_user(node, user)
            return
        else:
            choice = self.rng.choice(["group", "attach", "key"])
            if choice == "group":
                kind = "remove_user_from_group" if user.in_group else "add_user_to_group"
                method = getattr(AsyncClient, kind)
                outcome, _, _ = await self.call(
                    node, kind, name, {"group": self.group},
                    lambda c, t: method(c, group_name=self.group, user_name=name, at_least=t),
                    write=True,
                )  # fmt: skip
                if outcome is Outcome.OK:
                    user.in_group = not user.in_group
            elif choice == "attach" and self.policy.arn:
                arn = user.attached or self.policy.arn
                kind = "detach_user_policy" if user.attached else "attach_user_policy"
                method = getattr(AsyncClient, kind)
                outcome, _, _ = await self.call(
                    node, kind, name, {"policy": arn},
                    lambda c, t: method(c, user_name=name, policy_arn=arn, at_least=t),
                    write=True,
                )  # fmt: skip
                if outcome is Outcome.OK:
                    user.attached = "" if user.attached else arn
            else:
                outcome = await self.key_step(node, user)
        if outcome is Outcome.UNKNOWN:
            self._abandon(user)

    async def key_step(self, node: str, user: UserModel, delete: bool = False) -> Outcome:
        name = user.name(self.name)
        if not delete and len(user.keys) < 2 and (not user.keys or self.rng.random() < 0.5):
            outcome, created, op = await self.call(
                node, "create_access_key", name, {},
                lambda c, t: c.create_access_key(user_name=name, at_least=t), write=True,
            )  # fmt: skip
            if outcome is Outcome.OK and created is not None:
                user.keys.append(created.access_key.access_key_id)
                self._record_result(op, access_key_id=created.access_key.access_key_id)
            return outcome
        key = user.keys[0]
        outcome, _, _ = await self.call(
            node, "delete_access_key", name, {"access_key_id": key},
            lambda c, t: c.delete_access_key(user_name=name, access_key_id=key, at_least=t),
            write=True,
        )  # fmt: skip
        if outcome is Outcome.OK:
            user.keys.remove(key)
        return outcome

    async def delete_user(self, node: str, user: UserModel) -> None:
        """Clears what IAM requires gone first (AWS DeleteUser: DeleteConflict), then deletes."""
        name = user.name(self.name)
        if user.in_group or user.attached or user.keys:
            # One prerequisite per step keeps every call a separate, recorded operation.
            await self.user_step_prerequisite(node, user)
            return
        outcome, _, op = await self.call(
            node, "delete_user", name, {"user_id": user.user_id},
            lambda c, t: c.delete_user(user_name=name, at_least=t), write=True,
        )  # fmt: skip
        if outcome is Outcome.OK:
            self._record_result(op, user_id=user.user_id)
            self.users[user.slot] = UserModel(user.slot, user.generation)
        elif outcome is Outcome.UNKNOWN:
            self._abandon(user)

    async def user_step_prerequisite(self, node: str, user: UserModel) -> None:
        name = user.name(self.name)
        if user.in_group:
            outcome, _, _ = await self.call(
                node, "remove_user_from_group", name, {"group": self.group},
                lambda c, t: c.remove_user_from_group(group_name=self.group, user_name=name,
                                                      at_least=t),
                write=True,
            )  # fmt: skip
            if outcome is Outcome.OK:
                user.in_group = False
        elif user.attached:
            arn = user.attached
            outcome, _, _ = await self.call(
                node, "detach_user_policy", name, {"policy": arn},
                lambda c, t: c.detach_user_policy(user_name=name, policy_arn=arn, at_least=t),
                write=True,
            )  # fmt: skip
            if outcome is Outcome.OK:
                user.attached = ""
        else:
            outcome = await self.key_step(node, user, delete=True)
        if outcome is Outcome.UNKNOWN:
            self._abandon(user)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if not (self.group_ready and self.policy.arn):
                await self.setup()
            else:
                await self.step()
            await asyncio.sleep(self.rng.uniform(0.005, 0.03))
