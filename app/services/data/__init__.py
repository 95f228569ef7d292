"""Reference data (municipalities, categories, desks) and the demo data set."""
