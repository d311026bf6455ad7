"""What client and node must share byte for byte: request signing and the error wire format."""
