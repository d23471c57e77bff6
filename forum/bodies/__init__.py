"""Working groups and networks: bodies the secretariat coordinates with the forum."""
