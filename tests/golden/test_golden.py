"""Runs every golden case in tests/golden/cases through the offline simulator.

Each case file is a JSON list of cases; a case is one simulator input line plus "rule" (the
AWS documentation rule it encodes) and "expect": a decision ("Allow", "ExplicitDeny",
"ImplicitDeny") or an error code ("MalformedPolicyDocument", "InvalidInput").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iamstore.node.policy import simulate_lines

CASES_DIR = Path(__file__).parent / "cases"
DECISIONS = {"Allow", "ExplicitDeny", "ImplicitDeny"}
ERRORS = {"MalformedPolicyDocument", "InvalidInput"}


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES_DIR.glob("*.json")):
        cases.extend(json.loads(path.read_text()))
    return cases


CASES = load_cases()


def test_corpus_is_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "golden case ids must be unique"
    assert len(CASES) >= 300
    for case in CASES:
        assert case["rule"], case["id"]
        assert case["expect"] in DECISIONS | ERRORS, case["id"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden_case(case: dict[str, Any]) -> None:
    line = {k: v for k, v in case.items() if k not in ("rule", "expect")}
    (output,) = list(simulate_lines([json.dumps(line)]))
    result = json.loads(output)
    assert result["id"] == case["id"]
    if case["expect"] in ERRORS:
        assert "error" in result, f"expected {case['expect']}, got {result}"
        assert result["error"]["code"] == case["expect"]
    else:
        assert "error" not in result, result
        assert result["decision"] == case["expect"], case["rule"]


def test_whole_corpus_in_one_stream_keeps_order() -> None:
    lines = [
        json.dumps({k: v for k, v in case.items() if k not in ("rule", "expect")}) for case in CASES
    ]
    outputs = [json.loads(out) for out in simulate_lines(["", *lines, "not json"])]
    assert [out["id"] for out in outputs[:-1]] == [case["id"] for case in CASES]
    assert outputs[-1]["error"]["code"] == "InvalidInput"
