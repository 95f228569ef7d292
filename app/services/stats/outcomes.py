"""Partnerships made: what the platform led to, the figure municipalities asked to see.

Counted from the outcome records (app/services/matching/outcomes.py: a request's officer
recorded the partner municipalities), plus requests marked matched without such a record
(imported, or marked before records existed), over the requests `user` may see.
"""

from app.services.matching.outcomes import partnerships_made


def matches_made(user) -> int:
    """How many partnerships were made, counted over the postings `user` may see."""
    return partnerships_made(user)
