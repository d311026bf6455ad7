"""Request building and response reading: the fast paths give the messages and values of the
field-by-field rules."""

from __future__ import annotations

import pytest

from iamstore.client._convert import build_request, to_result
from iamstore.client._operations import AUTHORIZE_BATCH, SIMULATE_CUSTOM_POLICY
from iamstore.client.models import AuthorizeRequest, Tag
from iamstore.client.results import AuthorizeResponse
from iamstore.v1 import authz_pb2 as apb
from iamstore.v1 import iam_pb2

ARN = "arn:aws:iam::111122223333:user/alice"


def test_batch_items_from_mappings_and_dataclasses_build_the_same_message() -> None:
    built = build_request(
        AUTHORIZE_BATCH,
        {
            "requests": [
                {"PrincipalArn": ARN, "Action": "s3:GetObject", "ResourceArn": "arn:aws:s3:::b/k"},
                AuthorizeRequest(
                    principal_arn=ARN,
                    action="s3:PutObject",
                    resource_arn="arn:aws:s3:::b/k",
                    resource_tags=(Tag(key="team", value="blue"),),
                    secure_transport=False,
                ),
            ]
        },
    )
    assert built == apb.AuthorizeBatchRequest(
        requests=[
            apb.AuthorizeRequest(
                principal_arn=ARN, action="s3:GetObject", resource_arn="arn:aws:s3:::b/k"
            ),
            apb.AuthorizeRequest(
                principal_arn=ARN,
                action="s3:PutObject",
                resource_arn="arn:aws:s3:::b/k",
                resource_tags=[iam_pb2.Tag(key="team", value="blue")],
                secure_transport=False,
            ),
        ]
    )
    assert isinstance(built, apb.AuthorizeBatchRequest)
    # An explicit False is sent (the field has presence); None means not given.
    assert built.requests[1].HasField("secure_transport")
    assert not built.requests[0].HasField("secure_transport")


def test_an_unknown_item_field_is_refused() -> None:
    with pytest.raises(TypeError, match="unexpected argument `colour`"):
        build_request(AUTHORIZE_BATCH, {"requests": [{"Colour": "red"}]})


def test_equal_batch_answers_read_as_equal_values_in_request_order() -> None:
    matched = apb.MatchedStatement(
        policy_type="identity", policy_name="arn:aws:iam::111122223333:policy/p", sid="S0"
    )
    allow = apb.AuthorizeResponse(decision="Allow", matched_statements=[matched], principal_arn=ARN)
    deny = apb.AuthorizeResponse(decision="ImplicitDeny", principal_arn=ARN)
    result = to_result(AUTHORIZE_BATCH, apb.AuthorizeBatchResponse(results=[allow, deny, allow]))
    first, second, third = result.results
    assert isinstance(first, AuthorizeResponse)
    assert [r.decision for r in result.results] == ["Allow", "ImplicitDeny", "Allow"]
    assert first == third
    assert first != second
    assert first.matched_statements[0].sid == "S0"
    assert second.matched_statements == ()


def test_answers_holding_a_dict_are_never_shared() -> None:
    # EvaluationResult carries a map (EvalDecisionDetails): each answer gets its own dict.
    item = apb.EvaluationResult(
        eval_action_name="s3:GetObject",
        eval_resource_name="*",
        eval_decision="allowed",
        eval_decision_details={"IAM Policy": "allowed"},
    )
    result = to_result(
        SIMULATE_CUSTOM_POLICY,
        apb.SimulatePolicyResponse(evaluation_results=[item, item], is_truncated=False),
    )
    first, second = result.evaluation_results
    assert first == second
    assert first.eval_decision_details is not second.eval_decision_details
