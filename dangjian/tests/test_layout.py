"""The layout rules of docs/ARCHITECTURE.md, checked on the source tree (no database).

* the base (``dangjian/``) imports no domain app at module level;
* no import cycle among first-party modules, counting function-level imports, except a task
  module and the action that enqueues it;
* no ``<feature>_<layer>.py`` module at an app's top level, and no module named like the
  standard library;
* the tree's storage columns are named only by the tree API, the tree models and the tree
  index/check modules (and the bulk writers that fill them).
"""
import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("dangjian", "organizations", "grids", "services", "assessments", "network", "portal")
DOMAIN = ("organizations", "grids", "services", "assessments", "network")
LAYERS = ("choices", "models", "selectors", "actions", "permissions", "forms", "views", "urls", "tasks", "demo",
          "serializers", "export", "tests")
# An app's top level (apart from feature folders) holds only these.
APP_TOP_LEVEL = {"__init__.py", "apps.py", "admin.py", "models.py", "urls.py", "tasks.py", "conftest.py",
                 "api", "migrations", "management", "demo", "tests", "__pycache__"}
# The modules allowed to name lft / rght / tree_id (besides migrations and tests).
TREE_COLUMN_MODULES = {
    "dangjian/trees.py",
    "organizations/areas/models.py",
    "organizations/orgs/models.py",
    "organizations/trees/index.py",
    "organizations/trees/check.py",
    # bulk writers that fill the mptt columns of nodes they create (assign_tree_fields + COPY)
    "organizations/demo/generator.py",
    "organizations/imports/importers.py",
    # the members' denormalized ancestor columns, derived from the nested ranges in raw SQL and in
    # memory (see the dangjian/trees.py docstring)
    "organizations/members/places.py",
}


def sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            yield rel, path


def module_name(rel: str) -> str:
    name = rel[:-3].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def first_party_imports(path: Path):
    """``(imported module, line, module_level)`` for every first-party import in ``path``."""
    tree = ast.parse(path.read_text())
    in_function = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function.update(id(sub) for sub in ast.walk(node) if isinstance(sub, (ast.Import, ast.ImportFrom)))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in PACKAGES:
                for alias in node.names:
                    yield f"{node.module}.{alias.name}", node.module, node.lineno, id(node) not in in_function
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    yield alias.name, alias.name, node.lineno, id(node) not in in_function


def test_the_base_imports_no_domain_app_at_module_level():
    offenders = [
        f"{rel}:{line} imports {module}"
        for rel, path in sources()
        if rel.startswith("dangjian/") and "/tests/" not in rel
        for _full, module, line, module_level in first_party_imports(path)
        if module_level and module.split(".")[0] in DOMAIN
    ]
    assert offenders == []


def _graph():
    modules = {module_name(rel): path for rel, path in sources() if "/tests/" not in rel}
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for full, module, _line, _module_level in first_party_imports(path):
            target = full if full in modules else module
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, out, counter = {}, {}, [], set(), [], 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(component)
    return out


def test_no_import_cycle_except_a_task_and_the_code_that_enqueues_it():
    graph = _graph()
    for name in graph:
        if name.endswith(".tasks"):
            # a task module may import the action it runs, which imports the task to enqueue it
            for caller in graph:
                if name in graph[caller] and caller in graph[name]:
                    graph[caller].discard(name)
    assert [sorted(c) for c in _cycles(graph)] == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


@pytest.mark.parametrize("app", DOMAIN)
def test_an_app_top_level_holds_feature_folders_and_app_modules_only(app):
    strays = []
    for entry in (ROOT / app).iterdir():
        if entry.name in APP_TOP_LEVEL:
            continue
        if entry.is_dir() and (entry / "__init__.py").exists():
            continue  # a feature folder
        strays.append(entry.name)
    assert strays == [], "a module beside the feature folders means a feature folder is missing"


def test_no_module_is_named_feature_underscore_layer_or_after_the_standard_library():
    pattern = re.compile(rf"^[a-z]+_({'|'.join(LAYERS)})\.py$")
    stdlib = set(sys.stdlib_module_names)
    bad = [
        rel for rel, path in sources()
        if "/tests/" not in rel and "/management/commands/" not in rel and (pattern.match(path.name) or path.stem in stdlib - set(LAYERS))
    ]
    assert bad == []


def test_tree_columns_are_named_only_by_the_tree_modules():
    word = re.compile(r"\b(lft|rght|tree_id)\b")
    offenders = sorted(
        rel for rel, path in sources()
        if "/tests/" not in rel and not rel.startswith("dangjian/testing/") and rel not in TREE_COLUMN_MODULES
        and word.search(path.read_text())
    )
    assert offenders == []
