"""Durable storage: one SQLite database per node (WAL, one writer connection, migrations)."""
