"""The house's structure: imports point one way, and the search contract is search_index's."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "search_index")


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _imported(name: str, path: Path, node, modules) -> list[str]:
    """The house modules an import statement loads (the nearest module a name belongs to)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
    found = []
    for target in names:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target:
            found.append(target)
    return found


def _import_graph(everywhere: bool = False) -> dict[str, set[str]]:
    """Module -> house modules it imports at its top level (`everywhere`: inside functions
    too). A package importing its own submodules (a blueprint registering its views) is not
    an edge: that is how it is built."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges = set()
        for node in ast.walk(tree) if everywhere else tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges.update(_imported(name, path, node, modules))
        own = name + "." if path.name == "__init__.py" else None
        graph[name] = {m for m in edges if m != name and not (own and m.startswith(own))}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert _cycles(_import_graph()) == []


def test_search_index_never_imports_the_app_or_flask():
    graph = _import_graph(everywhere=True)
    for name, edges in graph.items():
        if name.startswith("search_index"):
            assert not [m for m in edges if m.startswith("app")], name
    for path in (ROOT / "search_index").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert not [a.name for a in node.names if a.name.split(".")[0] == "flask"], path
            elif isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "flask", path


def test_the_app_uses_search_index_through_its_public_interface():
    """`from search_index import …` only: the modules inside are the engine's business."""
    graph = _import_graph(everywhere=True)
    inside = {name: sorted(m for m in edges if m.startswith("search_index."))
              for name, edges in graph.items() if name.startswith("app")}
    assert {name: found for name, found in inside.items() if found} == {}


def test_the_search_page_labels_every_facet_of_the_engine():
    from app.services.search.query import FACET_LABELS
    from search_index import FACET_NAMES

    assert list(FACET_LABELS) == list(FACET_NAMES)


ROLE_LOOKS = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\.is_central\b|\.is_admin\b|\.manages_accounts\s*(==|and|or|\))")


def test_views_and_templates_ask_the_rule_book():
    """Who may do what is decided in app/permissions only: views and templates ask it
    (`permissions.can_…(current_user, …)`) and never look at a user's role or desk themselves."""
    found = []
    for path in [*(ROOT / "app").rglob("*views.py"), *(ROOT / "app").rglob("*.html")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_LOOKS.search(line.replace("permissions.is_admin", "")):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_services_and_permissions_never_import_a_blueprint():
    """Imports point down (docs/architecture.md): what a service needs from a feature's
    package belongs in a service, in app/models or in a small shared module."""
    blueprints = {f"app.{p.parent.name}" for p in (ROOT / "app").glob("*/views.py")}
    graph = _import_graph(everywhere=True)
    lower = ("app.services", "app.permissions", "app.models")
    upward = {name: sorted(m for m in edges if ".".join(m.split(".")[:2]) in blueprints)
              for name, edges in graph.items() if name.startswith(lower)}
    assert {name: found for name, found in upward.items() if found} == {}
