"""Handlers for AWS's GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy."""

from __future__ import annotations

from collections.abc import Sequence

from iamstore.node.api.authz import authorizer_of
from iamstore.node.api.authz_simulators import group_policies
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, registrar
from iamstore.node.auth.authorize import Authorizer
from iamstore.node.domain.errors import InvalidInput, NoSuchEntity
from iamstore.node.policy import CompiledPolicy, PolicyKind, PrincipalType
from iamstore.node.policy.context_keys import context_keys
from iamstore.v1 import authz_pb2 as apb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)

# Documents per request: AWS states no count; each is at most 131,072 characters (checked
# against AWS's model), so this bounds one request's parsing work.
MAX_INPUT_POLICIES = 50


def _inputs(authorizer: Authorizer, documents: Sequence[str]) -> list[CompiledPolicy]:
    if len(documents) > MAX_INPUT_POLICIES:
        raise InvalidInput(
            f"at most {MAX_INPUT_POLICIES} policies are allowed in `PolicyInputList`",
            "PolicyInputList",
        )
    return [
        authorizer.document(f"PolicyInputList.{i}", PolicyKind.IDENTITY, text, "PolicyInputList")
        for i, text in enumerate(documents, 1)
    ]


def _response(policies: Sequence[CompiledPolicy]) -> apb.GetContextKeysForPolicyResponse:
    return apb.GetContextKeysForPolicyResponse(
        context_key_names=context_keys(p.source for p in policies)
    )


@op("GetContextKeysForCustomPolicy")
async def get_context_keys_for_custom_policy(
    call: Call, req: apb.GetContextKeysForCustomPolicyRequest
) -> apb.GetContextKeysForPolicyResponse:
    return _response(_inputs(authorizer_of(call), list(req.policy_input_list)))


@op("GetContextKeysForPrincipalPolicy")
async def get_context_keys_for_principal_policy(
    call: Call, req: apb.GetContextKeysForPrincipalPolicyRequest
) -> apb.GetContextKeysForPolicyResponse:
    """The keys of the entity's inline and attached policies (a user's groups' too), plus
    those of the documents given (AWS: "GetContextKeysForPrincipalPolicy")."""
    authorizer = authorizer_of(call)
    source_arn = req.policy_source_arn
    policies: list[CompiledPolicy]
    if ":group/" in source_arn:
        group = authorizer.view.groups.named(call.account_id, source_arn.rsplit("/", 1)[-1])
        if group is None or group.arn != source_arn:
            raise NoSuchEntity(f"the entity `{source_arn}` cannot be found.", "PolicySourceArn")
        policies = group_policies(authorizer, group)
    else:
        source = authorizer.principal_by_arn(call.account_id, source_arn, "PolicySourceArn")
        if source.engine_type not in (PrincipalType.USER, PrincipalType.ROLE):
            raise InvalidInput(
                "`PolicySourceArn` must name a user, group or role", "PolicySourceArn"
            )
        policies = list(authorizer.policies(source).identity)
    return _response(policies + _inputs(authorizer, list(req.policy_input_list)))
