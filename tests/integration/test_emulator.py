"""`iamstore emulator` and the pytest plugin: dummy keys act as account 123456789012's root,
issued keys as themselves with real authorization; reset empties it; the fixtures work in
another project's test suite."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from iamstore.cluster.pytest_plugin import RunningEmulator
from iamstore.node.emulator import Emulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    running = RunningEmulator().start()
    try:
        yield running
    finally:
        running.stop()


def _client(service: str, url: str, key: str = "testing", secret: str = "testing") -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        region_name="us-east-1",
    )


def test_unknown_keys_are_the_root_of_123456789012(emulator: RunningEmulator) -> None:
    emulator.reset()
    identity = _client("sts", emulator.url, "AKIAANYTHING", "whatever").get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:root"


def test_issued_keys_act_as_themselves_with_real_authorization(emulator: RunningEmulator) -> None:
    emulator.reset()
    root = _client("iam", emulator.url)
    root.create_user(UserName="dev")
    key = root.create_access_key(UserName="dev")["AccessKey"]
    dev = _client("iam", emulator.url, key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as info:
        dev.create_user(UserName="sneaky")
    assert info.value.response["Error"]["Code"] == "AccessDenied"
    sts = _client("sts", emulator.url, key["AccessKeyId"], key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:user/dev"
    # An issued key with the wrong secret is refused, not taken as the root.
    forged = _client("iam", emulator.url, key["AccessKeyId"], "x" * 40)
    with pytest.raises(ClientError) as info:
        forged.list_users()
    assert info.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_reset_empties_everything(emulator: RunningEmulator) -> None:
    emulator.reset()
    root = _client("iam", emulator.url)
    root.create_user(UserName="before")
    emulator.reset()
    assert root.list_users()["Users"] == []
    root.create_user(UserName="before")  # the name is free again
    refused = urllib.request.Request(emulator.url + "/_iamstore/unknown", data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(refused, timeout=30)
    assert info.value.code == 404
    info.value.close()


async def test_an_emulator_stopped_while_its_node_starts_leaves_nothing_running(
    tmp_path: Path,
) -> None:
    """Golden case: cancelled while its node was starting, the emulator left that node serving
    on its own, its database open, with nothing left to stop it."""
    emulator = Emulator("127.0.0.1:0", tmp_path / "emulator")
    running = asyncio.create_task(emulator.run())
    await asyncio.sleep(0)  # `run` is now waiting for its first node to be ready
    assert not emulator.ready.is_set()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert asyncio.all_tasks() == {asyncio.current_task()}


def test_a_normal_node_refuses_reset(http_node: Any) -> None:
    assert http_node.node.http_url is not None
    request = urllib.request.Request(
        http_node.node.http_url + "/_iamstore/reset", data=b"", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=30)
    assert info.value.code == 400
    assert b"only by `iamstore emulator`" in info.value.read()
    info.value.close()


def test_the_emulator_command_serves_until_stopped(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-P", "-c", "from iamstore.client.cli import main; main()", "emulator",
         "--http-listen", "127.0.0.1:0", "--data-dir", str(tmp_path / "data")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "iamstore emulator at http://127.0.0.1:" in line
        url = line.split(" at ")[1].split()[0]
        identity = _client("sts", url).get_caller_identity()
        assert identity["Account"] == "123456789012"
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=60)  # closes both pipes
    assert process.returncode == 0, errors


@pytest.mark.slow
def test_the_pytest_plugin_in_another_projects_suite(tmp_path: Path) -> None:
    """Two tests create the same user: each starts from an empty emulator."""
    (tmp_path / "test_user_code.py").write_text(
        textwrap.dedent(
            """
            import os
            import boto3

            def test_one(iamstore_aws):
                assert os.environ["AWS_ENDPOINT_URL_IAM"] == iamstore_aws.url
                boto3.client("iam").create_user(UserName="alice")
                assert boto3.client("sts").get_caller_identity()["Account"] == "123456789012"

            def test_two(iamstore_aws):
                iam = boto3.client("iam")
                assert iam.list_users()["Users"] == []
                iam.create_user(UserName="alice")
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_PROFILE"] = "does-not-exist"  # the fixture clears what would win over it
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
