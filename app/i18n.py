"""Locale selection: Japanese by default, English when the visitor toggles it (cookie).

Fixed labels kept in the code (kinds, statuses, regions …) are marked with `N_`: they stay
plain Japanese strings (data, mail, imports use them as they are) and are still extracted into
the catalogue, so pages can show them translated with the `translated` filter.
"""

from flask import current_app, has_request_context, request
from flask_babel import get_locale, gettext

LANG_COOKIE = "lang"


def select_locale() -> str:
    # The CLI and the mail worker have no request: their messages are in the default language.
    # The JSON API answers every client alike (in Japanese), whatever its cookies say.
    chosen = (request.cookies.get(LANG_COOKIE)
              if has_request_context() and request.blueprint != "api" else None)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def N_(text: str) -> str:  # noqa: N802 (the gettext convention for "mark, don't translate yet")
    return text


def english() -> bool:
    """A page for a visitor who chose English (mail, the CLI and the API stay Japanese)."""
    return has_request_context() and str(get_locale() or "") == "en"


def join_words(words) -> str:
    """「物資の提供・職員の派遣」 in Japanese, "Supplies, Staff" in English."""
    return (", " if english() else "・").join(str(w) for w in words)


def translated(label) -> str:
    """A fixed label marked with N_, in the visitor's language (plain text, still escaped)."""
    return gettext(str(label)) if label else label


def category_label(code: str, survey_label: str) -> str:
    """A survey category as shown: the survey's own Japanese label, or for an English visitor
    the plain English name of its theme (the survey has no English of its own)."""
    if english():
        from app.public.themes import THEMES

        if code in THEMES:
            return THEMES[code][1]
    return survey_label
