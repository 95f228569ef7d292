"""Open data: every public, published posting as CSV and JSON Lines (the importer's format)."""
