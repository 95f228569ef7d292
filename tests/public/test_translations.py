"""The English catalogue is complete, compiled, and covers every string the templates show.

Two ways a Japanese string reaches an English visitor untranslated, each caught here:
- it is written in a template outside `_()` (so it is never extracted), or
- it is marked but the catalogue was not re-extracted and translated after the change.
"""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
FOLDER = APP / "translations" / "en" / "LC_MESSAGES"
# Kana and kanji; the middle dot ・ alone is punctuation, not a word to translate.
JAPANESE = re.compile(r"[\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
# Written the same in both languages on purpose: the brand, and the link back to Japanese.
SAME_IN_BOTH = {"架け橋", "日本語", "架け橋 Kakehashi"}
GETTEXT_CALLS = {"_", "gettext", "ngettext", "_l", "lazy_gettext", "pgettext"}
EXTRACT = "README.md"  # the extract/update/compile commands to run


def _catalogue():
    with open(FOLDER / "messages.po", "rb") as f:
        return read_po(f, locale="en")


def test_english_catalogue_is_complete_and_compiled():
    po = _catalogue()
    with open(FOLDER / "messages.mo", "rb") as f:
        mo = read_mo(f)
    untranslated = [m.id for m in po if m.id and (not m.string or m.fuzzy)]
    assert not untranslated, f"untranslated: {untranslated}"
    def text(message):  # plural forms: a tuple in the .po, a list in the .mo
        return tuple(message.string) if isinstance(message.string, list | tuple) else message.string

    stale = [m.id for m in po if m.id and (mo.get(m.id) is None or text(mo.get(m.id)) != text(m))]
    assert not stale, f"run: pybabel compile -d app/translations ({stale[:3]})"


def _templates() -> list[Path]:
    return sorted(p for p in APP.rglob("templates/**/*.html"))


def _untranslated_text(source: str) -> list[str]:
    """Japanese text in a template that does not go through a gettext call."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    found: list[str] = []

    def visit(node, inside_gettext=False):
        if isinstance(node, nodes.TemplateData) and not inside_gettext:
            found.extend(_japanese_pieces(node.data))
        elif isinstance(node, nodes.Const) and isinstance(node.value, str) and not inside_gettext:
            found.extend(_japanese_pieces(node.value))
        is_call = isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and (
            node.node.name in GETTEXT_CALLS)
        for child in node.iter_child_nodes():
            visit(child, inside_gettext or is_call)

    # Code and data examples (<code>, <pre>: a CSV header, a command) are written as they are.
    source = re.sub(r"<(code|pre)\b[^>]*>.*?</\1>", "", source, flags=re.S)
    visit(env.parse(source))
    return found


def _japanese_pieces(text: str) -> list[str]:
    pieces = [piece.strip() for piece in re.split(r'<[^>]*>|[<>"\n]', text)]
    # The brand may stand beside other text (「| 架け橋 Kakehashi」 in a title).
    return [p for p in pieces if p not in SAME_IN_BOTH and JAPANESE.search(p.replace("架け橋", ""))]


def test_untranslated_text_is_found_in_a_template():
    """The check itself: text, attributes and string constants outside _() are reported."""
    source = ('<p>担当者</p><a title="{{ _("検索") }}">{{ _("検索") }}</a>'
              '{{ "編集" if x else _("新規") }}<b>架け橋</b><pre>団体コード,ドメイン</pre>')
    assert _untranslated_text(source) == ["担当者", "編集"]


def test_every_template_string_goes_through_gettext():
    problems = {}
    for path in _templates():
        pieces = _untranslated_text(path.read_text(encoding="utf-8"))
        if pieces:
            problems[str(path.relative_to(ROOT))] = pieces[:5]
    assert not problems, "Japanese text outside _() (wrap it, then update the catalogue):\n" + "\n".join(
        f"  {name}: {pieces}" for name, pieces in problems.items())


def test_every_marked_string_is_in_the_english_catalogue():
    """What `pybabel extract` would find (babel.cfg) is all in messages.po, translated."""
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None,
                "lazy_gettext": None, "pgettext": ((1, "c"), 2)}
    extracted = {msg[2] if isinstance(msg[2], str) else msg[2][0]
                 for msg in extract_from_dir(str(APP), method_map, keywords=keywords)}
    catalogue = {m.id if isinstance(m.id, str) else m.id[0]: m for m in _catalogue() if m.id}
    missing = sorted(m for m in extracted if m not in catalogue or not catalogue[m].string)
    assert not missing, (
        f"{len(missing)} string(s) not translated in {FOLDER.relative_to(ROOT)}/messages.po — "
        f"run the extract/update commands in {EXTRACT}, add the English, compile: {missing[:8]}")


# Python modules whose strings people read on a page: form labels, choices and messages, flash
# messages, error pages. Left out on purpose: the JSON API and open-data metadata (Japanese for
# every client), and text that only goes into mail (the worker writes mail in Japanese).
PAGE_MODULES = ["*/forms.py", "*/views.py", "errors.py", "fields.py", "validators.py", "filters.py", "search/params.py"]
NOT_PAGES = {"api/views.py", "opendata/views.py"}
MAIL_ONLY = {"board/views.py": ("このメールは、あなたが架け橋の職員掲示板に書いた話題「",
                                 "」を読んだ職員から連絡があったため送信しています。")}


def _untranslated_literals(source: str) -> list[str]:
    """Japanese string literals outside a gettext call (docstrings and single characters aside)."""
    import ast

    tree = ast.parse(source)
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in GETTEXT_CALLS | {"N_"}:
                inside.update(id(sub) for arg in node.args for sub in ast.walk(arg))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                inside.add(id(first.value))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > 1
            and id(node) not in inside and JAPANESE.search(node.value)]


def test_untranslated_literals_are_found_in_python():
    source = ('"""説明。"""\nx = StringField(_l("お名前"))\nflash("保存しました。")\n'
              'y = f"{a}の担当者"\nz = "ぁ"\nw = N_("東北")\n')
    assert _untranslated_literals(source) == ["保存しました。", "の担当者"]


def test_every_page_string_in_python_goes_through_gettext():
    problems = {}
    for pattern in PAGE_MODULES:
        for path in sorted(APP.glob(pattern)):
            name = str(path.relative_to(APP))
            if name in NOT_PAGES:
                continue
            found = [text for text in _untranslated_literals(path.read_text(encoding="utf-8"))
                     if text not in MAIL_ONLY.get(name, ())]
            if found:
                problems[name] = found[:5]
    assert not problems, "Japanese text outside _()/_l() (wrap it, then update the catalogue):\n" + "\n".join(
        f"  app/{name}: {pieces}" for name, pieces in problems.items())


def _untranslated_refusals(source: str) -> list[str]:
    """Japanese literals in what a service raises or refuses with (`raise XError("…")`,
    `permissions.require(…, "…")`, `Forbidden("…")`) outside a gettext call: views flash or
    show these messages, so they must follow the visitor's language."""
    import ast

    tree = ast.parse(source)
    calls = [node.exc for node in ast.walk(tree) if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)]
    calls += [node for node in ast.walk(tree) if isinstance(node, ast.Call) and (
        getattr(node.func, "attr", None) == "require" or getattr(node.func, "id", None) in ("require", "Forbidden"))]
    found = []
    for call in calls:
        wrapped = {id(sub) for node in ast.walk(call) if isinstance(node, ast.Call) and (
            getattr(node.func, "id", None) in GETTEXT_CALLS) for sub in ast.walk(node)}
        found += [node.value for arg in [*call.args, *(k.value for k in call.keywords)] for node in ast.walk(arg)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and JAPANESE.search(node.value) and id(node) not in wrapped]
    return found


def test_untranslated_refusals_are_found_in_a_service():
    source = ('raise ContactError("本文を入力してください。")\n'
              'raise BoardError(f"理由は{n}文字以内")\n'
              'permissions.require(ok, "この操作はできません。")\n'
              'raise AccountError(_("正しくありません"), field="email")\n'
              'raise ValueError("people out of range")\n')
    assert set(_untranslated_refusals(source)) == {"本文を入力してください。", "理由は", "文字以内", "この操作はできません。"}


# The importer's report is read at the command line (flask postings import), in Japanese.
CLI_ONLY = {"services/postings/importer.py"}


def test_every_refusal_of_a_service_goes_through_gettext():
    problems = {}
    for path in sorted((APP / "services").rglob("*.py")):
        if str(path.relative_to(APP)) in CLI_ONLY:
            continue
        found = _untranslated_refusals(path.read_text(encoding="utf-8"))
        if found:
            problems[str(path.relative_to(APP))] = found[:5]
    assert not problems, "Japanese refusals outside _() (wrap them, then update the catalogue):\n" + "\n".join(
        f"  app/{name}: {pieces}" for name, pieces in problems.items())
