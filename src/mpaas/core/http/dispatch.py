"""Route dispatch by a table (issue 20), in place of FastAPI's scan of every included router.

FastAPI (>= 0.165) keeps each included router as one `_IncludedRouter` node and matches a request by asking
every node in turn, each of which asks every route it holds: about 200 regular-expression matches and as many
scope bookkeeping steps for a path served by the last router (`GET /healthz` spent 60% of its time there).
`RouteTable` is installed as the app router's `middleware_stack` (the callable `Router.__call__` runs) and
selects the same route from a table built once from the same routes:

- every route path FastAPI would try (the effective paths of the included routers, prefixes applied, in
  FastAPI's order) becomes a leaf;
- a path without parameters is a key of `static`: its entry lists, per method, the leaf FastAPI's scan would
  pick (the first full match, else the first route whose path matches, which answers 405), computed against
  every leaf, parameterised ones included, when the table is built;
- any other path is matched against the parameterised leaves filed under its first segment (plus those whose
  first segment is itself a parameter), in order: a handful of expressions instead of every route.

The selected route is then handled exactly as FastAPI's own `_IncludedRouter._handle_selected` does (the same
scope keys, form limits, telemetry hook and `route.handle`), so 405 with its `Allow` header, validation,
dependencies and the error envelope are FastAPI's. A path no route matches goes to the router's `default` (the
404 envelope), unless adding or removing a trailing slash would match: then FastAPI's own router answers (its
redirect). Lifespan and WebSocket scopes, a `root_path`, and any route kind the table does not model (host
routes, frontend groups, low-priority routes) are left to FastAPI's router unchanged; so is everything when the
FastAPI internals this relies on are missing (another FastAPI version): `enabled` says which.

The table is built on the first request and again when routes are added to the app itself (the app router's
routes version); routes added to an already included router after that are not seen (nothing here adds any).
The path it is keyed on is the canonical one: the app's edge (`HttpEdge`, core/http/server.py) has already
rewritten `/V1.0/oauth2/TOKENS/` to `/v1.0/OAuth2/tokens`."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

log = logging.getLogger("mpaas.http")

try:  # FastAPI's private routing internals, as of 0.165; without them FastAPI's own router serves every request
    from fastapi.routing import (
        _FASTAPI_EFFECTIVE_ROUTE_CONTEXT_KEY,
        _FASTAPI_INCLUDED_ROUTER_KEY,
        _FASTAPI_SCOPE_KEY,
        APIRoute,
        APIWebSocketRoute,
        _apply_router_form_limits,
        _EffectiveRouteContext,
        _IncludedRouter,
        _route_selected,
        _update_scope,
    )

    _INTERNALS = True
except ImportError:  # pragma: no cover - another FastAPI version
    _INTERNALS = False


class _Unsupported(Exception):
    """A route the table does not model: FastAPI's router serves every request."""


@dataclass(slots=True, eq=False)
class Leaf:
    """One route as FastAPI's scan meets it: `context` and `chain` for a route of an included router (its
    effective context and the included-router nodes leading to it, outermost first), neither for a route of
    the app router itself."""

    order: int
    route: BaseRoute
    regex: re.Pattern
    methods: frozenset[str] | None
    has_params: bool
    context: Any = None
    chain: tuple = ()
    form_limits: tuple = ()  # the form limits of each chain node that sets any, in order
    path_format: str = ""  # the path template, prefixes applied

    def matches_path(self, path: str) -> bool:
        return self.regex.match(path) is not None

    def accepts(self, method: str) -> bool:
        return self.methods is None or method in self.methods


@dataclass(slots=True)
class Entry:
    """A static path: the leaf FastAPI selects for each method, and for any other method."""

    by_method: dict[str, Leaf]
    other: Leaf


@dataclass(slots=True)
class Table:
    leaves: list[Leaf] = field(default_factory=list)
    static: dict[str, Entry] = field(default_factory=dict)
    groups: dict[str, tuple[Leaf, ...]] = field(default_factory=dict)  # first segment -> parameterised leaves
    wildcard: tuple[Leaf, ...] = ()  # parameterised leaves whose first segment is a parameter
    version: int = -1


def _first_segment(path: str) -> str:
    end = path.find("/", 1)
    return path[1:] if end < 0 else path[1:end]


def _walk(routes, chain: tuple, limits: tuple, out: list[Leaf]) -> None:
    for route in routes:
        if isinstance(route, (WebSocketRoute, APIWebSocketRoute)):
            continue  # never matches an http scope
        if isinstance(route, _IncludedRouter):
            # effective_candidates() is what `_match` iterates: nested routers there are new nodes carrying the
            # combined include context, and those are the nodes `handle` puts in the scope.
            node_limits = limits + ((route.include_context.form_limits,) if route.include_context.form_limits else ())
            for candidate in route.effective_candidates():
                if isinstance(candidate, _IncludedRouter):
                    _walk([candidate], chain + (route,), node_limits, out)
                elif isinstance(candidate, _EffectiveRouteContext) and isinstance(candidate.original_route, APIRoute):
                    original = candidate.original_route
                    out.append(
                        Leaf(
                            order=len(out),
                            route=original,
                            regex=candidate.path_regex,
                            methods=frozenset(candidate.methods) if candidate.methods else None,
                            has_params=bool(candidate.param_convertors),
                            context=candidate,
                            chain=chain + (route,),
                            form_limits=node_limits,
                            path_format=candidate.path_format,
                        )
                    )
                else:  # a plain route, mount, host or frontend group inside an included router
                    raise _Unsupported(repr(candidate))
            if route.original_router._low_priority_routes or route.effective_low_priority_routes():
                raise _Unsupported("low-priority routes")
        elif chain:
            raise _Unsupported(repr(route))
        elif isinstance(route, (Route, Mount)):  # APIRoute is a Route
            methods = getattr(route, "methods", None)
            out.append(
                Leaf(
                    order=len(out),
                    route=route,
                    regex=route.path_regex,
                    methods=frozenset(methods) if methods else None,
                    has_params=isinstance(route, Mount) or bool(route.param_convertors),
                    path_format=route.path_format,
                )
            )
        else:
            raise _Unsupported(repr(route))


def build_table(router) -> Table:
    """The table for `router` (the app's APIRouter). Raises _Unsupported for a route it does not model."""
    if router._low_priority_routes or getattr(router, "_frontend_routes", None) is not None:
        raise _Unsupported("low-priority or frontend routes")
    leaves: list[Leaf] = []
    _walk(router.routes, (), (), leaves)
    table = Table(leaves=leaves, version=router._routes_version)
    methods = {m for leaf in leaves if leaf.methods for m in leaf.methods}
    for leaf in leaves:
        if leaf.has_params:
            continue
        path = leaf.path_format
        if path in table.static:
            continue
        candidates = [other for other in leaves if other.matches_path(path)]
        if not candidates:  # cannot happen: a static route matches its own path
            continue
        any_method = next((c for c in candidates if c.methods is None), None)
        by_method = {m: next((c for c in candidates if c.accepts(m)), candidates[0]) for m in methods}
        table.static[path] = Entry(by_method=by_method, other=any_method or candidates[0])
    params = [leaf for leaf in leaves if leaf.has_params]
    wildcard = []
    groups: dict[str, list[Leaf]] = {}
    for leaf in params:
        segment = _first_segment(leaf.path_format)
        if "{" in segment:
            wildcard.append(leaf)
        else:
            groups.setdefault(segment, []).append(leaf)
    table.wildcard = tuple(wildcard)
    table.groups = {
        segment: tuple(sorted(group + wildcard, key=lambda leaf: leaf.order)) for segment, group in groups.items()
    }
    return table


class RouteTable:
    """The app router's dispatcher (see the module docstring). Call `install(app)` once the routes are added."""

    def __init__(self, router):
        self.router = router
        self.fallback = router.app  # FastAPI's own scan: lifespan, websockets, redirects, anything unmodelled
        self.enabled = _INTERNALS
        self._table: Table | None = None

    def table(self) -> Table | None:
        """The current table, built on first use and again when the app router's routes change; None when
        the table is off (FastAPI serves every request)."""
        table = self._table
        if table is not None and table.version == self.router._routes_version:
            return table
        if not self.enabled:
            return None
        try:
            self._table = build_table(self.router)
        except _Unsupported as exc:
            log.warning("route table off, FastAPI's router serves every request: %s", exc)
            self.enabled = False
            return None
        return self._table

    def candidates(self, path: str) -> tuple[Leaf, ...] | Entry | None:
        table = self.table()
        assert table is not None
        entry = table.static.get(path)
        if entry is not None:
            return entry
        if path[:1] != "/":
            return None
        group = table.groups.get(_first_segment(path), table.wildcard)
        return tuple(leaf for leaf in group if leaf.regex.match(path) is not None) or None

    def select(self, path: str, method: str) -> Leaf | None:
        """The leaf FastAPI's scan would select for `path` and `method`, None for no match."""
        found = self.candidates(path)
        if found is None:
            return None
        if isinstance(found, Entry):
            return found.by_method.get(method, found.other)
        return next((leaf for leaf in found if leaf.accepts(method)), found[0])

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("root_path") or self.table() is None:
            await self.fallback(scope, receive, send)
            return
        path = scope["path"]
        leaf = self.select(path, scope["method"])
        router = self.router
        if leaf is None:
            if router.redirect_slashes and path != "/":
                other = path.rstrip("/") if path.endswith("/") else path + "/"
                if self.candidates(other) is not None:
                    await self.fallback(scope, receive, send)  # FastAPI's redirect to the other spelling
                    return
            _apply_router_form_limits(scope, router.form_limits)
            if "router" not in scope:
                scope["router"] = router
            await router.default(scope, receive, send)
            return
        # What APIRouter.app does before and after its scan picks this route.
        _apply_router_form_limits(scope, router.form_limits)
        if "router" not in scope:
            scope["router"] = router
        context = leaf.context
        if context is None:  # a route of the app router itself
            route = leaf.route
            _match, child_scope = route.matches(scope)
            _update_scope(scope, child_scope)
            _route_selected(scope=scope, path=getattr(route, "path_format", None), mount=isinstance(route, Mount))
            await route.handle(scope, receive, send)
            return
        # What each _IncludedRouter.handle on the way, then _handle_selected, do (FastAPI's routing.py).
        for limits in leaf.form_limits:
            _apply_router_form_limits(scope, limits)
        fastapi_scope = scope.setdefault(_FASTAPI_SCOPE_KEY, {})
        fastapi_scope[_FASTAPI_INCLUDED_ROUTER_KEY] = leaf.chain[-1]
        path_params = dict(scope.get("path_params", {}))
        if leaf.has_params:
            match = leaf.regex.match(path)
            convertors = context.param_convertors
            for key, value in match.groupdict().items():  # type: ignore[union-attr]
                path_params[key] = convertors[key].convert(value)
        route = leaf.route
        scope["endpoint"] = context.endpoint
        scope["path_params"] = path_params
        scope["route"] = route
        _route_selected(scope=scope, path=leaf.path_format)
        fastapi_scope[_FASTAPI_EFFECTIVE_ROUTE_CONTEXT_KEY] = context
        await route.handle(scope, receive, send)


def install(app) -> RouteTable:
    """Serve `app`'s routes through a RouteTable (its router's middleware stack, which is the router's own
    `app` unless router middleware was configured: then nothing is installed and the table only serves the
    edge's maps)."""
    router = app.router
    table = RouteTable(router)
    if router.middleware_stack == router.app:
        router.middleware_stack = table
    return table
