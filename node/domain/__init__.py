"""Pure identity domain: entities, their rules, and the planning of every read and write."""
