"""Statistics for /stats: figures straight from the database (figures), outcomes (matches
made), and server-drawn SVG charts (charts)."""
