"""Policy validation: validations per second of a typical 10-statement policy, against
parsing the same document (the baseline, measured in the same run), and what AWS's catalog
costs to load (time, and memory measured with tracemalloc).

`scripts/bench validation [--seconds S]`
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from collections.abc import Callable

from iamstore.node.policy import PolicyKind, parse_policy
from iamstore.node.policy.validation import PolicyType, validate_policy
from iamstore.node.service_catalog import ReferenceCatalog

# Ten statements as people write them: named actions and `Get*`-style wildcards over five
# services, specific ARNs with a policy variable, and conditions of four types.
TYPICAL = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]},
            {"Sid": "Own", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
             "Resource": "arn:aws:s3:::home/${aws:username}/*"},
            {"Sid": "Ec2", "Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"},
            {"Sid": "Stop", "Effect": "Allow",
             "Action": ["ec2:StartInstances", "ec2:StopInstances"],
             "Resource": "arn:aws:ec2:*:123456789012:instance/*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
            {"Sid": "Mfa", "Effect": "Deny", "Action": "iam:*", "Resource": "*",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
            {"Sid": "Logs", "Effect": "Allow",
             "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": "arn:aws:logs:eu-west-1:123456789012:log-group:/app/*"},
            {"Sid": "Queue", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
             "Resource": "arn:aws:sqs:eu-west-1:123456789012:jobs"},
            {"Sid": "Net", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}},
            {"Sid": "Tls", "Effect": "Deny", "Action": "sqs:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole",
             "Resource": "arn:aws:iam::123456789012:role/app-*",
             "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}},
        ],
    }
)  # fmt: skip


def _rate(work: Callable[[], object], seconds: float) -> tuple[float, float]:
    """(calls per second, median µs) over about `seconds`."""
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return len(samples) / sum(samples), samples[len(samples) // 2] * 1e6


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench validation")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)

    catalog = ReferenceCatalog()
    started = time.perf_counter()
    first = validate_policy(TYPICAL, PolicyType.IDENTITY_POLICY, catalog)
    first_ms = (time.perf_counter() - started) * 1e3
    assert not first, [f.code for f in first]  # the typical policy is clean

    parse_rate, parse_us = _rate(lambda: parse_policy(TYPICAL, PolicyKind.IDENTITY), args.seconds)
    rate, median_us = _rate(
        lambda: validate_policy(TYPICAL, PolicyType.IDENTITY_POLICY, catalog), args.seconds
    )

    def load_whole() -> ReferenceCatalog:
        whole = ReferenceCatalog()
        for prefix in sorted(whole.prefixes()):
            whole.service(prefix)
        return whole

    started = time.perf_counter()
    whole = load_whole()
    load_s = time.perf_counter() - started
    tracemalloc.start()  # a second load for its memory: tracing slows it several times
    traced = load_whole()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced

    print("| measure | value | vs baseline |")
    print("|---|---:|---:|")
    print(f"| parse only (baseline): documents/s | {parse_rate:,.0f} ({parse_us:.0f} µs) | 100% |")
    print(
        f"| validate, catalog warm: documents/s | {rate:,.0f} ({median_us:.0f} µs) "
        f"| {rate / parse_rate:.0%} |"
    )
    print(f"| first validation, catalog cold (5 services read) | {first_ms:.0f} ms | |")
    print(
        f"| whole catalog: {whole.loaded_services()} services read and compiled "
        f"| {load_s:.1f} s, {held / 2**20:.0f} MiB | |"
    )
