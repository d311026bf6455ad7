"""What client and node share byte for byte: signing, error metadata, credentials formats and
consistency tokens. Neither side's own code lives here, so the node never imports the client."""
