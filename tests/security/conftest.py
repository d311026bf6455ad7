"""Fixtures of the security tests: a real node per module, a fresh account per test."""

from security_nodes import iam, iam_node, management  # noqa: F401
