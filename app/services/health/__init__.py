"""Readiness of this web process for traffic (`/readyz`): database, schema, search index, worker."""
