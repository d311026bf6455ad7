"""The replica's state: the one `apply` that local writes and peer commits both go through."""

from iamstore.node.state.apply import State
from iamstore.node.state.writer import ConsistencyToken, Writer

__all__ = ["ConsistencyToken", "State", "Writer"]
