"""Sts handlers for federated users (GetFederationToken), key owners (GetAccessKeyInfo) and
encoded authorization failures (DecodeAuthorizationMessage)."""

from __future__ import annotations

import re
from dataclasses import replace

from iamstore.node.access_key_ids import account_of_temporary_key
from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.api.sts_roles import (
    compile_session_policies,
    request_environment,
    required,
    session_policies,
)
from iamstore.node.api.sts_sessions import (
    MAX_SESSION_TAGS,
    StsError,
    caller_session_duration,
    credentials_message,
    seal_session,
)
from iamstore.node.auth.authz_messages import MAX_DECODED_BYTES
from iamstore.node.auth.sessions import (
    Session,
    SessionKind,
    TokenError,
    new_key_id,
    new_secret,
)
from iamstore.node.domain.errors import AccessDenied, InvalidInput, ValidationError
from iamstore.node.policy import Outcome
from iamstore.v1 import sts_pb2 as spb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)

# AWS's userNameType for GetFederationToken's Name: 2 to 32 of [\w+=,.@-].
_FEDERATED_NAME = re.compile(r"[\w+=,.@-]{2,32}\Z", re.ASCII)


def _tags(req: spb.GetFederationTokenRequest) -> tuple[tuple[str, str], ...]:
    given = tuple(convert.tag_pairs(req.tags))
    if len(given) > MAX_SESSION_TAGS:
        raise ValidationError(f"at most {MAX_SESSION_TAGS} session tags are allowed", "Tags")
    keys = {key.lower() for key, _ in given}
    if len(keys) != len(given):
        raise InvalidInput("duplicate tag keys in `Tags`", "Tags")
    for key, _ in given:
        if key.lower().startswith("aws:"):
            raise InvalidInput(f"tag key `{key}` uses the reserved prefix `aws:`", "Tags")
    return given


@op("GetFederationToken")
async def get_federation_token(
    call: Call, req: spb.GetFederationTokenRequest
) -> spb.GetFederationTokenResponse:
    """A federated-user session: the caller's permissions narrowed by the session policies.

    AWS (GetFederationToken API reference): long-term credentials only (a user's or the
    root's); 900 s to 129,600 s, 43,200 s by default, one hour at most for the root; without
    a session policy the federated user may do nothing; sts:GetFederationToken is asked of
    the caller on `arn:aws:sts::ACCOUNT:federated-user/NAME`.
    """
    caller = call.caller
    authorizer = call.components.authorizer
    if caller.session is not None:
        raise AccessDenied("Cannot call GetFederationToken with session credentials")
    name = required(opt_str(req, "name"), "Name")
    if not _FEDERATED_NAME.match(name):
        raise ValidationError(f"`{name}` is not a valid federated user name", "Name")
    root = caller.user_id is None
    duration = caller_session_duration(opt_int(req, "duration_seconds"), root=root)
    policies = session_policies(
        authorizer, call.view, caller.account_id, opt_str(req, "policy"), req.policy_arns
    )
    tags = _tags(req)
    federated_arn = f"arn:aws:sts::{caller.account_id}:federated-user/{name}"
    if not root:
        principal = authorizer.principal_for_caller(caller)
        context = authorizer.contexts.build(
            principal.facts, request_environment(authorizer, call.peer), request_tags=tags
        )
        # Session tags need sts:TagSession as well (IAM User Guide, "Passing session tags in
        # AWS STS", permissions required to add session tags): they override the user's own
        # tags as aws:PrincipalTag for the session's calls.
        actions = ["sts:GetFederationToken", *(["sts:TagSession"] if tags else [])]
        for action in actions:
            decision = authorizer.decide(
                principal, action, federated_arn, caller.account_id, None, context
            )
            if decision.outcome is not Outcome.ALLOW:
                raise AccessDenied(
                    f"User: {caller.arn} is not authorized to perform: {action} "
                    f"on resource: {federated_arn}"
                )
    # Authorized: only now compile what the session names (bounded, off the loop).
    await compile_session_policies(call.components, policies)
    now = call.components.now_ms() // 1000
    session = Session(
        access_key_id=new_key_id(caller.account_id),
        secret_access_key=new_secret(),
        kind=SessionKind.FEDERATED,
        account_id=caller.account_id,
        # INVARIANT: the account id here means "issued by the root" (user ids never are one).
        principal_id=caller.user_id or caller.account_id,
        principal_name=name,
        issued_at=now,
        expires_at=now + duration,
        policies=policies.documents,
        policy_arns=policies.arns,
    )
    session = replace(session, tags=tags)
    token, packed = seal_session(call.components, session)
    return spb.GetFederationTokenResponse(
        credentials=credentials_message(session, token),
        federated_user=spb.FederatedUser(federated_user_id=session.user_id, arn=session.arn),
        packed_policy_size=packed,
    )


@op("GetAccessKeyInfo")
async def get_access_key_info(
    call: Call, req: spb.GetAccessKeyInfoRequest
) -> spb.GetAccessKeyInfoResponse:
    """The account that owns an access key (AWS: no permission is needed; STS API Reference,
    GetAccessKeyInfo, https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html).

    Long-term keys (AKIA…) are found in the replica. A temporary key (ASIA…) names its
    account in the id itself (node.access_key_ids): the answer is read from the id,
    in constant work, with nothing looked up or kept per session, and says only the account
    id, whether or not that account exists here (no oracle of which accounts do). An ASIA id
    without iamstore's checksum (made up, or issued before ids named their account) is
    refused as before.
    """
    key_id = required(opt_str(req, "access_key_id"), "AccessKeyId")
    key = call.view.access_keys.get(key_id)
    if key is not None:
        return spb.GetAccessKeyInfoResponse(account=key.account_id)
    account = account_of_temporary_key(key_id)
    if account is not None:
        return spb.GetAccessKeyInfoResponse(account=account)
    raise InvalidInput(f"the access key `{key_id}` is not known to this cluster", "AccessKeyId")


@op("DecodeAuthorizationMessage")
async def decode_authorization_message(
    call: Call, req: spb.DecodeAuthorizationMessageRequest
) -> spb.DecodeAuthorizationMessageResponse:
    """The JSON of an encoded failure message (node.auth.authz_messages), for a caller of
    the message's account allowed sts:DecodeAuthorizationMessage (AWS)."""
    caller = call.caller
    authorizer = call.components.authorizer
    sealer = call.components.sessions
    encoded = required(opt_str(req, "encoded_message"), "EncodedMessage")
    if len(encoded) > 10_240:  # AWS's encodedMessageType maximum
        raise ValidationError("the encoded message exceeds 10240 characters", "EncodedMessage")
    if not caller.is_root:
        principal = authorizer.principal_for_caller(caller)
        context = authorizer.contexts.build(
            principal.facts, request_environment(authorizer, call.peer), session=caller.session
        )
        decision = authorizer.decide(
            principal, "sts:DecodeAuthorizationMessage", "*", caller.account_id, None, context
        )
        if decision.outcome is not Outcome.ALLOW:
            raise AccessDenied(
                f"User: {caller.arn} is not authorized to perform: sts:DecodeAuthorizationMessage"
            )
    try:
        plain = sealer.open_message(caller.account_id, encoded, MAX_DECODED_BYTES)
    except TokenError:
        raise StsError(
            "InvalidAuthorizationMessageException",
            "the message is not an authorization message of this account",
            "EncodedMessage",
        ) from None
    return spb.DecodeAuthorizationMessageResponse(decoded_message=plain.decode())
