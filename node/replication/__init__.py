"""Replication: gossip, anti-entropy, snapshots over the wire, peer transport and authentication."""
