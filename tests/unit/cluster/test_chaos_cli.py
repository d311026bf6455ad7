"""`iamstore chaos run` refuses bad options with a usage error before it starts anything."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from iamstore.cluster.chaos.run import chaos_group


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--nodes", "0"], "Invalid value for '--nodes'"),
        (["--nodes", "1"], "Invalid value for '--nodes'"),
        (["--duration", "0"], "Invalid value for '--duration'"),
        (["--faults", "bogus"], "unknown fault `bogus`"),
        (["--network", "elsewhere"], "Invalid value for '--network'"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(chaos_group, ["run", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
