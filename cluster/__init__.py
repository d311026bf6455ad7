"""Running iamstore nodes on one machine: real node processes and in-process nodes for tests."""
