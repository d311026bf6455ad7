"""The node's imports go one way: each layer of docs/architecture.md imports only those below."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "node"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
PREFIX = "iamstore.node."


def layers_of(markdown: str) -> dict[str, int]:
    """Each part of the node (`api`, `server`, ...) and its layer: 0 is the top row of the
    table that follows the `| layer | owns |` header."""
    lines = markdown.splitlines()
    start = lines.index("| layer | owns |") + 2
    layers: dict[str, int] = {}
    for depth, line in enumerate(lines[start:]):
        if not line.startswith("|"):
            break
        cell = line.split("|")[1]
        for name in re.findall(r"`([a-z_]+)(?:/|\.py)`", cell):
            layers[name] = depth
    return layers


def part_of(module: str) -> str:
    """`iamstore.node.api.call` -> `api`; `iamstore.node.server` -> `server`."""
    return module.removeprefix(PREFIX).split(".")[0]


def imports_of(path: Path, package: str = "iamstore.node") -> set[str]:
    """The modules of `package` a file imports (at any depth, TYPE_CHECKING included)."""
    found: set[str] = set()
    for item in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(item, ast.Import):
            found.update(a.name for a in item.names if _within(a.name, package))
        elif isinstance(item, ast.ImportFrom) and item.module is not None:
            if item.level:
                raise AssertionError(f"{path}: relative import; write the absolute name")
            if item.module == package:
                found.update(f"{package}.{a.name}" for a in item.names)
            elif _within(item.module, package):
                found.add(item.module)
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(layers: dict[str, int], imports: dict[str, set[str]]) -> list[str]:
    """Each import that goes up, or sideways to another part of the same layer."""
    problems = []
    for source, targets in sorted(imports.items()):
        for target in sorted(targets):
            here, there = part_of(source), part_of(target)
            if here == there:
                continue
            if there not in layers:
                problems.append(f"{source} imports {target}: `{there}` is in no layer")
            elif layers[there] <= layers[here]:
                problems.append(f"{source} imports {target}: not below layer `{here}`")
    return problems


def test_every_part_of_the_node_has_a_layer() -> None:
    layers = layers_of(ARCHITECTURE.read_text())
    parts = {p.stem for p in NODE.iterdir() if p.suffix == ".py" and p.stem != "__init__"}
    parts |= {p.name for p in NODE.iterdir() if (p / "__init__.py").exists()}
    assert sorted(parts - layers.keys()) == []
    assert sorted(layers.keys() - parts) == []


def test_imports_go_down_the_layers() -> None:
    layers = layers_of(ARCHITECTURE.read_text())
    imports = {
        PREFIX + ".".join(path.relative_to(NODE).with_suffix("").parts): imports_of(path)
        for path in NODE.rglob("*.py")
        if path.name != "__init__.py" or path.parent != NODE
    }
    assert violations(layers, imports) == []


@pytest.mark.parametrize(
    ("imports", "problem"),
    [
        # The shape this check was written against: state importing replication's codec.
        (
            {"iamstore.node.state.apply": {"iamstore.node.replication.codec"}},
            "iamstore.node.state.apply imports iamstore.node.replication.codec: "
            "not below layer `state`",
        ),
        # Two parts of one row are independent of each other.
        (
            {"iamstore.node.auth.index": {"iamstore.node.replication.gossip"}},
            "iamstore.node.auth.index imports iamstore.node.replication.gossip: "
            "not below layer `auth`",
        ),
        (
            {"iamstore.node.policy.parse": {"iamstore.node.nowhere"}},
            "iamstore.node.policy.parse imports iamstore.node.nowhere: `nowhere` is in no layer",
        ),
    ],
)
def test_an_import_up_or_sideways_is_reported(imports: dict[str, set[str]], problem: str) -> None:
    assert violations(layers_of(ARCHITECTURE.read_text()), imports) == [problem]


def test_imports_down_and_within_a_part_pass() -> None:
    imports = {
        "iamstore.node.state.apply": {"iamstore.node.commits.codec", "iamstore.node.state.writer"},
        "iamstore.node.server": {"iamstore.node.api.call", "iamstore.node.datadir"},
    }
    assert violations(layers_of(ARCHITECTURE.read_text()), imports) == []


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        # A running node never loads test harnesses, the cluster tools or the client.
        ("node", "iamstore.cluster"),
        ("node", "iamstore.client"),
        # The client is what users install and import: it never reaches into the server.
        ("client", "iamstore.node"),
        ("client", "iamstore.cluster"),
    ],
)
def test_a_folder_never_imports(folder: str, forbidden: str) -> None:
    found = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / folder).rglob("*.py")
        for module in imports_of(path, forbidden)
    }
    assert sorted(found) == []
