"""`iamstore cluster up` gives every node an HTTP endpoint: boto3 writes on one node and reads
its write on another, naming it with the consistency token the first node returned."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from iamstore.cluster.local import LocalCluster
from iamstore.wire.credentials import resolve_credentials

pytestmark = pytest.mark.slow


def _iamstore(*args: str) -> str:
    return subprocess.run(
        [sys.executable, "-P", "-c", "from iamstore.client.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def test_every_node_serves_iam_over_http_and_reads_its_peers_writes(tmp_path: Path) -> None:
    root = tmp_path / "cluster"
    try:
        up = json.loads(
            _iamstore(
                # Plain http here; the next test covers a TLS cluster's https.
                *("cluster", "up", "--nodes", "2", "--dir", str(root), "--base-port", "0"),
                *("--json", "--insecure-peer-plaintext"),
            )
        )
        urls = [node["http"] for node in up["nodes"]]
        assert all(url.startswith("http://127.0.0.1:") for url in urls)
        assert len(set(urls)) == 2
        status = json.loads(_iamstore("cluster", "status", "--dir", str(root), "--json"))
        assert [node["http"] for node in status["nodes"]] == urls
        assert urls[0] in _iamstore("cluster", "status", "--dir", str(root))

        credentials = resolve_credentials(credentials_file=up["root_credentials"])
        session = boto3.Session(
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret_access_key,
            region_name="us-east-1",
        )
        config = Config(retries={"max_attempts": 1})
        first = session.client("iam", endpoint_url=urls[0], config=config)
        second = session.client("iam", endpoint_url=urls[1], config=config)
        made = first.create_user(UserName="replicated")
        token = made["ResponseMetadata"]["HTTPHeaders"]["x-iamstore-consistency-token"]

        def at_least(request: Any, **_: Any) -> None:
            request.headers["x-iamstore-at-least"] = token

        second.meta.events.register("before-sign.iam.GetUser", at_least)
        got = second.get_user(UserName="replicated")["User"]
        assert got["UserId"] == made["User"]["UserId"]
    finally:
        if root.exists():
            LocalCluster.load(root).kill()


def test_a_tls_cluster_serves_https_with_the_nodes_certificate(tmp_path: Path) -> None:
    cluster = LocalCluster(tmp_path / "tls", nodes=1, base_port=0, tls=True)
    try:
        cluster.start(timeout_s=30)
        assert cluster.ca_file is not None
        url = cluster.http_url("node1")
        assert url.startswith("https://127.0.0.1:")
        credentials = resolve_credentials(credentials_file=str(cluster.credentials_file))
        session = boto3.Session(
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret_access_key,
            region_name="us-east-1",
        )
        config = Config(retries={"max_attempts": 1})
        iam = session.client("iam", endpoint_url=url, verify=str(cluster.ca_file), config=config)
        iam.create_user(UserName="over-tls")
        # aws:SecureTransport is true on the https port: a user allowed only over TLS is let in.
        iam.put_user_policy(
            UserName="over-tls",
            PolicyName="tls-only",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "iam:GetUser",
                            "Resource": "*",
                            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
                        }
                    ],
                }
            ),
        )
        key = iam.create_access_key(UserName="over-tls")["AccessKey"]
        user = boto3.Session(
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            region_name="us-east-1",
        ).client("iam", endpoint_url=url, verify=str(cluster.ca_file), config=config)
        assert user.get_user(UserName="over-tls")["User"]["UserName"] == "over-tls"
    finally:
        cluster.kill()
