"""`iamstore node run` refuses option values outside their bounds before starting anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from iamstore.node.cli import node_group


@pytest.mark.parametrize("seconds", ["0", "-1", "61", "soon"])
def test_at_least_timeout_out_of_bounds_is_refused(tmp_path: Path, seconds: str) -> None:
    # Each waiting call is held by the node: the wait is bounded, and never zero.
    data_dir = tmp_path / "node"
    result = CliRunner().invoke(
        node_group, ["run", "--data-dir", str(data_dir), "--at-least-timeout", seconds]
    )
    assert result.exit_code == 2
    assert "--at-least-timeout" in result.output
    assert not data_dir.exists()  # nothing started
