"""No import cycles between the packages of mpaas (docs/architecture.md, "Layers").

The unit is a top-level package or module of mpaas (`mpaas.messaging`, `mpaas.app`), except that core/'s
sub-packages db, jobs, http and security are units of their own (the rest of core/ is one). Every import counts:
at the top of a module, inside a function, or under TYPE_CHECKING. On failure the message names, for each
cycle, the imports (module:line) that make each of its steps."""

from __future__ import annotations

import grimp

PACKAGE = "mpaas"
OWN_UNITS = ("mpaas.core.db", "mpaas.core.jobs", "mpaas.core.http", "mpaas.core.security")


def unit_of(module: str) -> str:
    for unit in OWN_UNITS:
        if module == unit or module.startswith(unit + "."):
            return unit
    return ".".join(module.split(".")[:2])


def unit_imports(graph: grimp.ImportGraph) -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) -> the imports that make the step, as `importer:line -> imported`."""
    steps: dict[tuple[str, str], list[str]] = {}
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            step = (unit_of(importer), unit_of(imported))
            if step[0] == step[1]:
                continue
            lines = ",".join(
                str(d["line_number"]) for d in graph.get_import_details(importer=importer, imported=imported)
            )
            steps.setdefault(step, []).append(f"{importer}:{lines} -> {imported}")
    return steps


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: the groups of units that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(sorted(group))
    return groups


def shortest_cycle(start: str, edges: dict[str, set[str]], within: set[str]) -> list[str]:
    """The shortest unit path from `start` back to itself, staying inside its group (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(edges.get(node, ())):
                if nxt not in within:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start]


def describe(group: list[str], edges: dict[str, set[str]], steps: dict[tuple[str, str], list[str]]) -> str:
    """One shortest cycle of the group as an example, then every step between its units with its imports
    (breaking the cycle means removing the steps of one direction)."""
    within = set(group)
    lines = [f"cycle among {', '.join(group)}, e.g. {' -> '.join(shortest_cycle(group[0], edges, within))}:"]
    for a in group:
        for b in sorted(edges[a] & within):
            lines.append(f"  {a} -> {b}")
            lines += [f"      {imp}" for imp in steps[(a, b)]]
    return "\n".join(lines)


def test_no_import_cycles_between_packages():
    graph = grimp.build_graph(PACKAGE)
    steps = unit_imports(graph)
    edges: dict[str, set[str]] = {}
    for a, b in steps:
        edges.setdefault(a, set()).add(b)
        edges.setdefault(b, set())
    cycles = [group for group in strongly_connected(edges) if len(group) > 1]
    assert not cycles, "import cycles between packages of mpaas:\n" + "\n\n".join(
        describe(group, edges, steps) for group in cycles
    )


def test_the_cycle_finder_finds_a_cycle_through_three_packages():
    """The check above is only as good as this: a made-up graph with one cycle of three units and a tail."""
    graph = grimp.ImportGraph()
    for module in ("mpaas.a.x", "mpaas.b.y", "mpaas.c", "mpaas.core.db.z", "mpaas.core.clock"):
        graph.add_module(module)
    for importer, imported in [
        ("mpaas.a.x", "mpaas.b.y"),
        ("mpaas.b.y", "mpaas.c"),
        ("mpaas.c", "mpaas.a.x"),
        ("mpaas.c", "mpaas.core.db.z"),
        ("mpaas.core.db.z", "mpaas.core.clock"),
    ]:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    steps = unit_imports(graph)
    edges: dict[str, set[str]] = {}
    for a, b in steps:
        edges.setdefault(a, set()).add(b)
        edges.setdefault(b, set())
    cycles = [group for group in strongly_connected(edges) if len(group) > 1]
    assert cycles == [["mpaas.a", "mpaas.b", "mpaas.c"]]
    message = describe(cycles[0], edges, steps)
    assert "e.g. mpaas.a -> mpaas.b -> mpaas.c -> mpaas.a" in message and "mpaas.c:1 -> mpaas.a.x" in message


def deferred_imports_without_reason() -> list[str]:
    """Imports of mpaas inside a function (not under TYPE_CHECKING) whose reason is not written down: a
    comment with "deferred" in the function above it, or "deferred" in the module's docstring (a
    module whose every command defers its imports for one measured reason, as cli/main.py)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "src" / "mpaas"
    missing: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text()
        tree = ast.parse(source)
        if "deferred" in (ast.get_docstring(tree) or ""):
            continue
        lines = source.splitlines()
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if not ((module or "").startswith("mpaas") or any(n.startswith("mpaas") for n in names)):
                    continue
                above = "\n".join(lines[function.lineno - 1 : node.lineno])
                if "deferred" not in above:
                    missing.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return missing


def test_every_deferred_import_says_why():
    missing = deferred_imports_without_reason()
    assert not missing, "imports of mpaas inside functions with no '# deferred: <reason>' above them:\n" + "\n".join(
        missing
    )
