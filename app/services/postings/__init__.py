"""Postings: the write path (editing), lists (listing), bulk import (importer)."""
