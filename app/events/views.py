"""Views (to be filled in)."""
