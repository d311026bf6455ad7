"""The demo's directory sign-in step runs against a real node and says what happened."""

from __future__ import annotations

from iamstore.client import Client
from iamstore.cluster.demo_saml import directory_sign_in
from iamstore.cluster.testing.inproc import InProcessNode


def test_directory_sign_in_runs_and_reports(iam_node: InProcessNode, iam: Client) -> None:
    steps: list[str] = []
    shown: dict[str, object] = {}
    arn = directory_sign_in(iam, iam_node.address, steps.append, shown.__setitem__)
    assert arn.endswith(":assumed-role/DirectoryEngineers/alice")
    assert shown["GetCallerIdentity"] == arn
    assert "DirectoryEngineers" in str(shown["ListRoles, as alice"])
    assert "already used" in str(shown["the same assertion again"])
    assert len(steps) == 1
