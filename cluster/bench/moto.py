"""moto's server mode in a virtual environment of its own, the baseline `scripts/bench http`
compares iamstore's Query API with (moto is no dependency of iamstore's)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from iamstore.cluster.local import free_ports

# The version measured; the environment is made once and kept (`.venv-moto/`, git-ignored).
MOTO_REQUIREMENT = "moto[server]==5.2.5"


def ensure_environment(venv: Path) -> Path:
    """The `moto_server` executable of `venv`, installing moto there first if needed."""
    server = venv / "bin" / "moto_server"
    if server.exists():
        return server
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", MOTO_REQUIREMENT],
        check=True,
        timeout=900,
    )
    return server


@dataclass(frozen=True, slots=True)
class MotoServer:
    url: str
    pid: int  # the server's own process (moto_server runs in one, threads inside)


@contextlib.contextmanager
def moto_server(venv: Path, timeout_s: float = 60.0) -> Iterator[MotoServer]:
    """Runs moto's server on a free loopback port; yields it, stops it on exit."""
    server = ensure_environment(venv)
    (port,) = free_ports(1)
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(url + "/moto-api/", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto's server did not start") from None
                time.sleep(0.2)
        yield MotoServer(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
