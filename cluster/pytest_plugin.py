"""pytest fixtures for any test suite: an iamstore emulator for the session, reset per test.

Installed with the package (the `pytest11` entry point), so a project that depends on
iamstore writes `def test_x(iamstore_aws): boto3.client("iam").create_user(...)` and its code
under test talks to a real IAM, with real authorization, on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import threading
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from iamstore.node.emulator import Emulator

# What boto3, the aws CLI and every SDK read (endpoint variables: AWS SDKs' "service-specific
# endpoints" setting); dummy credentials act as the emulator account's root.
ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS")
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
# Credentials and profiles that would otherwise win over the dummy ones.
CLEARED = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")


class RunningEmulator:
    """An emulator serving from a background thread with its own event loop."""

    def __init__(self, http_listen: str = "127.0.0.1:0") -> None:
        self._http_listen = http_listen
        self._emulator: Emulator | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        if self._emulator is None or self._emulator.url is None:
            raise RuntimeError("the emulator is not serving")
        return self._emulator.url

    def start(self, timeout_s: float = 30.0) -> RunningEmulator:
        self._thread = threading.Thread(target=self._run, name="iamstore-emulator", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout_s):
            raise TimeoutError("the iamstore emulator did not start")
        if self._error is not None:
            raise self._error
        return self

    def _run(self) -> None:
        from iamstore.node.emulator import Emulator

        loop = asyncio.new_event_loop()
        self._loop = loop
        self._emulator = Emulator(self._http_listen)
        try:
            loop.run_until_complete(self._main(self._emulator))
        except BaseException as err:  # surfaced to start() / stop()
            self._error = err
        finally:
            self._started.set()
            loop.close()

    async def _main(self, emulator: Emulator) -> None:
        running = asyncio.create_task(emulator.run())
        ready = asyncio.create_task(emulator.ready.wait())
        await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
        if running.done():  # it stopped before serving: start() raises why
            ready.cancel()
            await running
            return
        self._started.set()
        await running

    def reset(self, timeout_s: float = 30.0) -> None:
        """Wipes every account, user, role and key (the emulator's own `POST /_iamstore/reset`)."""
        request = urllib.request.Request(self.url + "/_iamstore/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            if response.status != 200:
                raise RuntimeError(f"reset answered {response.status}")

    def stop(self, timeout_s: float = 30.0) -> None:
        loop, emulator, thread = self._loop, self._emulator, self._thread
        if loop is not None and emulator is not None and thread is not None:
            if not loop.is_closed():
                loop.call_soon_threadsafe(emulator.stop)
            thread.join(timeout_s)

    def environment(self) -> dict[str, str]:
        """The variables that point boto3, the aws CLI and other SDKs at this emulator."""
        return {**dict.fromkeys(ENDPOINT_VARIABLES, self.url), **DUMMY_CREDENTIALS}


@pytest.fixture(scope="session")
def iamstore_emulator() -> Iterator[RunningEmulator]:
    """One emulator for the whole session, on a free port of 127.0.0.1."""
    emulator = RunningEmulator().start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def iamstore_aws(
    iamstore_emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> RunningEmulator:
    """The emulator, emptied for this test, with AWS_ENDPOINT_URL* and dummy credentials set."""
    iamstore_emulator.reset()
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in iamstore_emulator.environment().items():
        monkeypatch.setenv(name, value)
    return iamstore_emulator
