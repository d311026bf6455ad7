"""Handlers for the Node service (Ping) and the Accounts service (member accounts)."""

from __future__ import annotations

from collections.abc import Callable

from iamstore.node.api import convert
from iamstore.node.api.call import Call, NodeComponents
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.domain import accounts
from iamstore.node.domain.entities import AccessKey, Account, Change, root_owner
from iamstore.node.domain.errors import AccessDenied
from iamstore.node.domain.keys import create as create_key
from iamstore.node.domain.rules import paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.state import ConsistencyToken
from iamstore.v1 import node_pb2 as npb

NODE_HANDLERS: dict[str, Handler] = {}
ACCOUNT_HANDLERS: dict[str, Handler] = {}
node_op = registrar(NODE_HANDLERS)
account_op = registrar(ACCOUNT_HANDLERS)


@node_op("Ping")
async def ping(call: Call, req: npb.PingRequest) -> npb.PingResponse:
    return npb.PingResponse(node_id=call.components.node_id)


@node_op("Status")
async def status(call: Call, req: npb.StatusRequest) -> npb.StatusResponse:
    if not call.view.accounts[call.account_id].management:
        raise AccessDenied("only the management account may read node status")
    components = call.components
    response = npb.StatusResponse(
        node_id=components.node_id,
        address=components.address,
        version_vector=components.state.version_vector(),
        digest=components.state.digest(),
    )
    for removed in sorted(call.view.removed_members.values(), key=lambda r: r.key):
        response.removed_members.add(
            node_id=removed.node_id,
            address=removed.address,
            removed_date=convert.timestamp(removed.removed_ms),
        )
    replicator = components.replicator
    now = components.now_ms()
    membership = replicator.membership
    for peer in membership.peers():
        response.peers.add(
            node_id=peer.node_id,
            address=peer.address,
            state=membership.state(peer, now).value,
            last_seen_ms_ago=now - peer.last_ok_ms if peer.last_ok_ms else -1,
        )
    stats = replicator.stats
    response.lag_ms.update(stats.lag_ms)
    response.commits_received = stats.commits_received
    response.gossip_rounds = stats.rounds
    response.digest_mismatches = stats.digest_mismatches
    response.refused_messages = stats.refused_messages
    response.removed = bool(replicator.removed_from_cluster)
    return response


async def create_account(
    components: NodeComponents,
    actor: str,
    caller_account: str,
    name: str,
    management: bool,
    before_commit: Callable[[str, str], None] | None = None,
    account_id: str | None = None,
) -> tuple[Account, AccessKey, str, ConsistencyToken | None]:
    """Creates an account (with `account_id`, else a random id) and its root access key in one
    commit; returns the clear secret once (and the write's consistency token)."""
    account_id = account_id or components.ids.account_id()
    key_id = components.ids.access_key_id()
    secret = components.ids.secret_access_key()
    sealed = components.box.seal(secret, key_id)
    now = components.now_ms()
    if before_commit is not None:
        before_commit(key_id, secret)

    def plan(view: View) -> tuple[list[Change], tuple[Account, AccessKey]]:
        changes, account = accounts.create(view, caller_account, account_id, name, now, management)
        ctx = WriteContext(account_id, now, components.quotas, components.ids.unique_id)
        key_changes, key = create_key(view, ctx, root_owner(account_id), key_id, sealed)
        return changes + key_changes, (account, key)

    (account, key), token = await components.writer.write(actor, "CreateAccount", plan)
    return account, key, secret, token


def _account(account: Account) -> npb.Account:
    return npb.Account(
        account_id=account.account_id,
        account_name=account.name,
        arn=f"arn:aws:iam::{account.account_id}:root",
        create_date=convert.timestamp(account.created_ms),
        management=account.management,
    )


@account_op("CreateAccount")
async def create_account_rpc(
    call: Call, req: npb.CreateAccountRequest
) -> npb.CreateAccountResponse:
    if not call.caller.is_root:
        raise AccessDenied(
            f"User: {call.caller.arn} is not authorized to perform: organizations:CreateAccount"
        )
    account, key, secret, call.token = await create_account(
        call.components,
        call.caller.arn,
        call.account_id,
        opt_str(req, "account_name") or "",
        False,
        account_id=opt_str(req, "account_id"),
    )
    return npb.CreateAccountResponse(
        account=_account(account),
        root_credentials=npb.RootCredentials(
            access_key_id=key.access_key_id, secret_access_key=secret
        ),
    )


@account_op("ListAccounts")
async def list_accounts(call: Call, req: npb.ListAccountsRequest) -> npb.ListAccountsResponse:
    own = call.view.accounts[call.account_id]
    visible = list(call.view.accounts.values()) if own.management else [own]
    page = paginate(
        visible, lambda a: a.account_id, opt_str(req, "marker"), opt_int(req, "max_items")
    )
    return npb.ListAccountsResponse(
        accounts=[_account(a) for a in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )
