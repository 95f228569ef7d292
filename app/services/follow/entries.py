"""What a digest source offers: one `Entry` per item (a posting, a board topic or answer),
with the line that says why it came. Its own module so that the sources (follow/digests.py
for postings, board/digest.py for the board) share it without importing each other."""

from dataclasses import dataclass
from datetime import datetime

from app.models import Follow


@dataclass
class Entry:
    """One item a source offers for a digest."""

    source: str  # "posting", …: with ref_id, what makes an item unique per person
    ref_id: int
    follow: Follow | None  # the group it is listed under
    group: str
    title: str
    path: str  # site-relative link
    why: str  # 「なぜ届いたか」
    when: datetime  # newest first
    meta: str = ""
    summary: str = ""
