"""The pure IAM policy engine: parse, validate, compile and evaluate policy documents."""

from iamstore.node.policy.compile import (
    CompiledPolicy,
    MatchedStatement,
    PolicyGroup,
    compile_policy,
    pattern_count,
    renamed,
)
from iamstore.node.policy.document import Effect, Policy, PolicyKind, Statement, serialize_policy
from iamstore.node.policy.errors import MalformedPolicyDocumentError, PolicyError
from iamstore.node.policy.evaluate import Decision, Outcome, PolicySet, evaluate, outcome_of
from iamstore.node.policy.parse import parse_policy
from iamstore.node.policy.principals import PrincipalType, Request, make_request, normalize_context
from iamstore.node.policy.simulate import simulate_lines

__all__ = [
    "CompiledPolicy",
    "Decision",
    "Effect",
    "MalformedPolicyDocumentError",
    "MatchedStatement",
    "Outcome",
    "Policy",
    "PolicyError",
    "PolicyGroup",
    "PolicyKind",
    "PolicySet",
    "PrincipalType",
    "Request",
    "Statement",
    "compile_policy",
    "evaluate",
    "make_request",
    "normalize_context",
    "outcome_of",
    "parse_policy",
    "pattern_count",
    "renamed",
    "serialize_policy",
    "simulate_lines",
]
