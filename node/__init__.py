"""The iamstore node: identity store, signed gRPC API and policy engine on a SQLite replica."""
