"""Shared test helpers, importable from every test module as `support.<module>` (pyproject's pytest
`pythonpath` puts tests/ on sys.path). Fixtures live in tests/conftest.py and take their parts from here:

- api: the `Api` client (endpoint-scoped tokens), BASE_URL, OPERATOR_TOKEN, routes and provisioning;
- seed: distributors and inventory written through the platform;
- database: the per-test database (SQLite template copy, or PostgreSQL reset; one database per xdist worker);
- live: a real server on a loopback port for the blocking SDK client;
- processes: running mpaas as separate processes (roles, smsc-sim, callbacks receiver).
"""
