"""What replicas exchange, below storage, state and replication: the hybrid logical clock,
the commit and row codec, and the snapshot format."""
