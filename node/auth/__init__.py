"""Authentication: SigV4-verified callers, sealed secrets, password hashing."""
