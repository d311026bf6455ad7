"""AWS's own wire protocol: IAM and STS over HTTP (the Query protocol), beside the gRPC API."""
