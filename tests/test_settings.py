"""Every setting the code reads is declared in config.py (default and a comment) and listed in
the README's settings table; the table names nothing that does not exist.

Settings read only by Flask or an extension (SESSION_COOKIE_HTTPONLY, RATELIMIT_HEADERS_ENABLED…)
need not be listed unless they come from the environment."""

import ast
import io
import re
import tokenize
from functools import cache
from pathlib import Path

import config

ROOT = Path(__file__).resolve().parents[1]
SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
TEMPLATE_READ = re.compile(r"""\bconfig(?:\[\s*["']([A-Z0-9_]+)["']|\.get\(\s*["']([A-Z0-9_]+)["']|\.([A-Z][A-Z0-9_]+))""")
ENV_READERS = {"get", "_env_int", "_env_bool", "_env_float", "_env_list"}
NOT_SETTINGS = {"HOST", "PORT"}  # the Makefile's, for `make run`


def _is_config(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "config") or (
        isinstance(node, ast.Name) and node.id == "config")


def _reads_in_python(path: Path) -> set[str]:
    """`….config["X"]` and `….config.get("X", …)`. A file that reads a setting by a computed
    name (config[PURPOSES[purpose]]) is taken to read every setting-like string it contains."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names, computed = set(), False
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Subscript) and _is_config(node.value) and isinstance(node.ctx, ast.Load):
            key = node.slice
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in {"get", "setdefault"} and _is_config(node.func.value) and node.args):
            key = node.args[0]
        if key is None:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
        else:
            computed = True
    if computed:
        names |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                  and isinstance(node.value, str) and SETTING_NAME.match(node.value)}
    return names


@cache
def settings_read() -> dict[str, str]:
    """Setting name -> the first file (relative path) that reads it."""
    found: dict[str, str] = {}
    for folder in ("app", "search_index"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix == ".py":
                names = _reads_in_python(path)
            elif path.suffix == ".html":
                names = {next(filter(None, m.groups())) for m in TEMPLATE_READ.finditer(path.read_text(encoding="utf-8"))}
            else:
                continue
            for name in names:
                found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def _config_class_body() -> list[ast.stmt]:
    tree = ast.parse((ROOT / "config.py").read_text(encoding="utf-8"))
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Config").body


def declarations() -> dict[str, dict]:
    """Config's settings: line, whether a comment explains it, environment variables read."""
    source = (ROOT / "config.py").read_text(encoding="utf-8")
    comment_lines = {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                     if tok.type == tokenize.COMMENT}
    result, previous_end, block_commented = {}, None, False
    for statement in _config_class_body():
        if not isinstance(statement, ast.Assign):
            previous_end, block_commented = statement.end_lineno, False
            continue
        gap = range((previous_end or statement.lineno - 1) + 1, statement.lineno)
        if previous_end is None or any(line in comment_lines for line in gap):
            block_commented = any(line in comment_lines for line in gap)
        elif any(not source.splitlines()[line - 1].strip() for line in gap):
            block_commented = False  # a blank line ends the block a comment heads
        own = any(line in comment_lines for line in range(statement.lineno, statement.end_lineno + 1))
        env = {node.args[0].value for node in ast.walk(statement.value)
               if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
               and getattr(node.func, "attr", getattr(node.func, "id", None)) in ENV_READERS}
        for target in statement.targets:
            result[target.id] = {"line": statement.lineno, "commented": own or block_commented, "env": env}
        previous_end = statement.end_lineno
    return result


def readme_table() -> set[str]:
    """Names in the first column of the README's table under "## Configuration"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_the_scan_finds_what_the_code_reads():
    read = settings_read()
    # A literal read, a computed one (tokens.py), one with a default, one in a template.
    assert {"SITE_URL", "RESET_TOKEN_MAX_AGE", "MAIL_RETRY_BASE", "BOARD_EDIT_WINDOW_HOURS"} <= set(read)
    assert read["RESET_TOKEN_MAX_AGE"] == "app/services/accounts/tokens.py"
    declared = declarations()
    assert declared["SEARCH_BACKEND"]["env"] == {"SEARCH_BACKEND"}
    assert declared["SQLALCHEMY_DATABASE_URI"]["env"] == {"DATABASE_URL"}
    assert declared["MAIL_SERVER"]["commented"]  # under its group's comment
    assert "DIGEST_HOUR_JST" in readme_table()


def test_every_setting_read_is_declared_with_a_comment():
    declared = declarations()
    undeclared = {name: where for name, where in settings_read().items() if name not in declared}
    assert not undeclared, f"read but not declared in config.Config: {undeclared}"
    uncommented = sorted(name for name in settings_read() if not declared[name]["commented"])
    assert not uncommented, f"declared in config.py without a comment saying what it does: {uncommented}"
    for name in settings_read():
        assert hasattr(config.Config, name)


def test_every_setting_read_or_from_the_environment_is_in_the_readme():
    listed, declared = readme_table(), declarations()
    missing = []
    for name, info in declared.items():
        needs_row = name in settings_read() or info["env"]
        if needs_row and not ({name} | info["env"]) & listed:
            missing.append(name)
    assert not missing, f"settings missing from README.md's table (## Configuration): {sorted(missing)}"


def test_the_readme_table_names_only_real_settings():
    declared = declarations()
    known = set(declared) | {env for info in declared.values() for env in info["env"]} | {"KAKEHASHI_ENV"}
    stale = sorted(readme_table() - known - NOT_SETTINGS)
    assert not stale, f"README.md's settings table names settings config.py does not have: {stale}"
