"""Generated protobuf code for the iamstore API, produced by scripts/genproto."""
