"""The generator of the client's mechanical code: types, operation table, methods, sync twin.

Run as `scripts/genclient`; it imports iamstore.v1 and botocore, never iamstore.client.
"""
