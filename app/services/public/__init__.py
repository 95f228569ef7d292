"""What the residents' pages show: stories and the exchange record (map, partners)."""
