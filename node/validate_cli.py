"""`iamstore validate-policy`: validates a policy document locally, without a node."""

from __future__ import annotations

import json
import sys
from typing import TextIO

import click

from iamstore.node.policy.validation import (
    MAX_DOCUMENT_CHARS,
    Finding,
    PolicyTooLargeError,
    PolicyType,
    has_errors,
    validate_policy,
)
from iamstore.node.policy.validation.findings import TRUST_POLICY_RESOURCE_TYPE


def _location(finding: Finding) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in finding.path)[1:] or "-"


def render_table(findings: tuple[Finding, ...]) -> str:
    """One line per finding: type, code, location, details."""
    if not findings:
        return "no findings\n"
    rows = [(f.finding_type.value, f.code, _location(f), f.details) for f in findings]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    header = ("TYPE", "CODE", "LOCATION")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "  DETAILS"]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        lines.append("  ".join(cells) + "  " + row[3])
    return "\n".join(lines) + "\n"


@click.command("validate-policy")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--policy-type",
    type=click.Choice([t.value for t in PolicyType]),
    default=PolicyType.IDENTITY_POLICY.value,
    show_default=True,
    help="The kind of policy, as Access Analyzer's ValidatePolicy takes it.",
)
@click.option(
    "--trust-policy",
    is_flag=True,
    help=f"A role trust policy (a RESOURCE_POLICY of type {TRUST_POLICY_RESOURCE_TYPE}).",
)
@click.option("--output", type=click.Choice(["table", "json"]), default="table", show_default=True)
def validate_policy_command(
    source: TextIO, policy_type: str, trust_policy: bool, output: str
) -> None:
    """Report findings for a policy document (FILE, or - for standard input): errors,
    security warnings, warnings and suggestions. Exits 1 when there is an ERROR finding."""
    from iamstore.node.service_catalog import shared_catalog

    text = source.read(MAX_DOCUMENT_CHARS + 1)
    kind = PolicyType(policy_type)
    if trust_policy:
        kind = PolicyType.RESOURCE_POLICY
    try:
        findings = validate_policy(
            text,
            kind,
            shared_catalog(),
            resource_type=TRUST_POLICY_RESOURCE_TYPE if trust_policy else None,
        )
    except PolicyTooLargeError as err:
        raise click.ClickException(str(err)) from None
    if output == "json":
        json.dump({"findings": [f.to_json() for f in findings]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(findings))
    sys.exit(1 if has_errors(findings) else 0)
