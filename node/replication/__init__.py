"""Replication: the hybrid logical clock, the commit codec, and (later) gossip between nodes."""
