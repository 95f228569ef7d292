"""Saved searches and follows (follows), matching new postings (matching), digests (digests)."""
