"""A node as a real child process (start, wait until it serves, stop, kill -9), and pid checks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType


class NodeProcessError(Exception):
    """The node process exited or did not become ready in time."""


class NodeProcess:
    """`iamstore node run` in a child process, logging to DATA_DIR/node.log.

    `wrapper` goes before the command, e.g. `ip netns exec NS` to run the node in a network
    namespace; it must exec the node in its own process, so the pid is the node's.
    """

    def __init__(
        self,
        data_dir: Path,
        listen: str = "127.0.0.1:0",
        extra_args: tuple[str, ...] = (),
        wrapper: tuple[str, ...] = (),
    ) -> None:
        self.data_dir = data_dir
        self.listen = listen
        self.extra_args = extra_args
        self.wrapper = wrapper
        self._proc: subprocess.Popen[bytes] | None = None
        self.address: str | None = None

    @property
    def endpoint_file(self) -> Path:
        return self.data_dir / "endpoint"

    @property
    def credentials_file(self) -> Path:
        return self.data_dir / "root-credentials"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "node.log"

    def start(self, timeout_s: float = 30.0) -> str:
        """Starts the node and returns its address once it listens."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.endpoint_file.unlink(missing_ok=True)
        log = open(self.log_file, "ab")  # noqa: SIM115 - handed to the child process
        try:
            self._proc = subprocess.Popen(
                [
                    *self.wrapper,
                    sys.executable,
                    "-P",
                    "-c",
                    "from iamstore.client.cli import main; main()",
                    "node",
                    "run",
                    "--data-dir",
                    str(self.data_dir),
                    "--listen",
                    self.listen,
                    *self.extra_args,
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise NodeProcessError(
                    f"node exited with status {self._proc.returncode}; see {self.log_file}"
                )
            if self.endpoint_file.exists():
                self.address = self.endpoint_file.read_text().strip()
                return self.address
            time.sleep(0.05)
        self.kill()
        raise NodeProcessError(f"node did not listen within {timeout_s} s; see {self.log_file}")

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def stop(self, timeout_s: float = 15.0) -> int:
        """SIGTERM, then wait for a clean exit; returns the exit status."""
        if self._proc is None:
            return 0
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
        try:
            return self._proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            raise NodeProcessError(f"node did not stop within {timeout_s} s") from None

    def kill(self) -> None:
        """SIGKILL: the node gets no chance to flush or clean up."""
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()

    def __enter__(self) -> NodeProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.stop()
        finally:
            self.kill()


def process_running(pid: int, marker: str | None = None) -> bool:
    """Whether `pid` is a live process (not a zombie) with `marker` among its arguments.

    The marker (a node's data folder) keeps a recycled pid from passing for the node. A zombie
    counts as gone and is left for its parent to reap (reaping it here would take its exit
    status from the NodeProcess that owns it). Without /proc, only the pid's existence counts.
    """
    proc = Path(f"/proc/{pid}")
    if not Path("/proc/self").exists():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # it exists, under another user
        return True
    try:
        stat = (proc / "stat").read_text()
        arguments = (proc / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if stat.rpartition(")")[2].split()[0] in ("Z", "X"):
        return False
    return marker is None or marker.encode() in arguments
