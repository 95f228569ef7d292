"""The committed English catalogue is complete and its compiled .mo matches the .po."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

FOLDER = Path(__file__).resolve().parents[2] / "app" / "translations" / "en" / "LC_MESSAGES"


def test_english_catalogue_is_complete_and_compiled():
    with open(FOLDER / "messages.po", "rb") as f:
        po = read_po(f, locale="en")
    with open(FOLDER / "messages.mo", "rb") as f:
        mo = read_mo(f)
    untranslated = [m.id for m in po if m.id and (not m.string or m.fuzzy)]
    assert not untranslated, f"untranslated: {untranslated}"
    def text(message):  # plural forms: a tuple in the .po, a list in the .mo
        return tuple(message.string) if isinstance(message.string, list | tuple) else message.string

    stale = [m.id for m in po if m.id and (mo.get(m.id) is None or text(mo.get(m.id)) != text(m))]
    assert not stale, f"run: pybabel compile -d app/translations ({stale[:3]})"
