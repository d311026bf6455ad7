"""The replica's state: the one `apply` that local writes and peer commits both go through."""

from node.state.apply import State
from node.state.writer import Token, Writer

__all__ = ["State", "Token", "Writer"]
