"""Matching needs with offers: suggested partners for a posting, disaster mode, and the
partnerships made. Plain functions the pages, the API and the CLI share."""

from app.services.matching.suggestions import Suggestion, looks_for_partners, suggest, suggestible
from app.services.matching.text import TextUnavailable

__all__ = ["Suggestion", "TextUnavailable", "looks_for_partners", "suggest", "suggestible"]
