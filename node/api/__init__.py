"""The gRPC API: servicers for Iam, Accounts and Node; where protobuf meets the domain."""
