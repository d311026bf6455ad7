"""Fixtures for client tests: the fake node (see client_fake_node)."""

from client_fake_node import dead_endpoint, node

__all__ = ["dead_endpoint", "node"]
