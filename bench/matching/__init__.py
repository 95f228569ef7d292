"""Benchmark of the suggested partners (app/services/matching): a judged set of query postings
and disaster scenarios, graded 0–3 by reading, over the demo postings plus postings written by
other people (bench/data/extra_*.jsonl). See bench/matching/run.py."""
