"""Mail as a pipeline: compose (notify, digest) -> outbox (store, claim, send, retry) -> SMTP."""
