"""The README's CLI tour and the docs' CLI examples, run verbatim against a real in-process node:
every `iamstore` line goes through the CLI's entry point, the shell lines around them (exports,
`$(...)`, a here-document, the wait loop) are played by a small interpreter that knows only
those forms, so an example written any other way fails here instead of in a reader's shell."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from iamstore.client.cli import cli
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig

ROOT = Path(__file__).resolve().parents[2]
_FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_ASSIGN = re.compile(r"^(\w+)=\$\((iamstore .*)\)$")
_WAIT = re.compile(r"^until (iamstore .*) >/dev/null 2>&1; do sleep [\d.]+; done$")
_HEREDOC = re.compile(r"^cat > (\S+) <<'(\w+)'$")
_NODE = re.compile(r"^iamstore node run (.*) &$")
_VARIABLE = re.compile(r"\$\{?(\w+)\}?")


def cli_blocks(path: Path) -> list[str]:
    """The fenced blocks of a page that run `iamstore` commands (not Python, not scripts)."""
    return [
        block
        for block in _FENCE.findall(path.read_text(encoding="utf-8"))
        if any(line.startswith(("iamstore ", "account=$(iamstore")) for line in block.splitlines())
    ]


class Shell:
    """Plays the shell lines of the examples; `iamstore` lines run in-process through `cli`."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.env: dict[str, str] = {}
        self.variables: dict[str, str] = {}
        # The examples' fixed address -> the free port the test's node really listens on.
        self.addresses: dict[str, str] = {}
        self.node: InProcessNode | None = None
        self.outputs: list[tuple[str, str]] = []

    def close(self) -> None:
        if self.node is not None:
            self.node.stop()

    def run_block(self, block: str) -> None:
        lines = block.replace("\\\n", " ").splitlines()
        position = 0
        while position < len(lines):
            line = re.sub(r"\s+", " ", lines[position]).strip()
            position += 1
            if not line or line.startswith("#"):
                continue
            heredoc = _HEREDOC.match(line)
            if heredoc:
                end = lines.index(heredoc.group(2), position)
                text = "\n".join(lines[position:end]) + "\n"
                (self.workdir / heredoc.group(1)).write_text(text, encoding="utf-8")
                position = end + 1
                continue
            self.run_line(line)

    def run_line(self, line: str) -> None:
        node = _NODE.match(line)
        if node:
            self.start_node(shlex.split(node.group(1)))
        elif line.startswith("export "):
            for assignment in shlex.split(self.expand(line))[1:]:
                name, _, value = assignment.partition("=")
                self.env[name] = self.addresses.get(value, value)
        elif assign := _ASSIGN.match(line):
            self.variables[assign.group(1)] = self.iamstore(assign.group(2)).strip()
        elif wait := _WAIT.match(line):
            self.iamstore(wait.group(1))  # the in-process node is up once started
        elif line.startswith("iamstore "):
            self.iamstore(line)
        else:
            pytest.fail(f"the examples' interpreter does not know this line: {line}")

    def expand(self, line: str) -> str:
        return _VARIABLE.sub(lambda m: self.variables.get(m.group(1), m.group(0)), line)

    def start_node(self, args: list[str]) -> None:
        assert self.node is None, "one node per example run"
        options = dict(zip(args[::2], args[1::2], strict=True))
        data_dir = self.workdir / options["--data-dir"]
        # The examples' fixed port would collide with whatever else runs on this machine.
        self.node = InProcessNode(NodeConfig(data_dir=data_dir, listen="127.0.0.1:0"))
        self.node.start()
        self.addresses[options["--listen"]] = self.node.address

    def iamstore(self, line: str) -> str:
        args = shlex.split(self.expand(line))
        assert args[0] == "iamstore"
        result = CliRunner().invoke(cli, args[1:], env=self.env)
        assert result.exit_code == 0, f"`{line}` exited {result.exit_code}: {result.output}"
        self.outputs.append((line, result.stdout))
        return result.stdout


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shell]:
    monkeypatch.chdir(tmp_path)  # the examples name ./data and policy.json
    for name in ("IAMSTORE_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    played = Shell(tmp_path)
    try:
        yield played
    finally:
        played.close()


def test_the_readme_tour_and_the_authorization_example_run_verbatim(shell: Shell) -> None:
    [tour] = [b for b in cli_blocks(ROOT / "README.md") if "iamstore node run" in b]
    shell.run_block(tour)
    account = shell.variables["account"]
    assert re.fullmatch(r"\d{12}", account)
    outputs = dict(shell.outputs)
    assert "alice" in outputs["iamstore iam list-users --output table"]
    document_line = next(line for line, _ in shell.outputs if "get-policy-version" in line)
    # The policy document prints as the JSON object the tour wrote, not as a string.
    assert json.loads(outputs[document_line]) == json.loads(Path("policy.json").read_text())
    # The authorization page's example asks about alice in the account the tour built: it
    # runs only if `authz check` exits 0, Allow, through the group's policy.
    [check] = cli_blocks(ROOT / "docs" / "authorization.md")
    shell.run_block(check)
    decision = json.loads(shell.outputs[-1][1])
    assert decision["Decision"] == "Allow"
