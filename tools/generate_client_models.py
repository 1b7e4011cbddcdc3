"""Regenerate the SDK's models (src/mpaas/client/models.py) from the server's OpenAPI document.

    python tools/generate_client_models.py           # write models.py (or `make models`)
    python tools/generate_client_models.py --check   # exit 1 if models.py is stale

The generator is `mpaas.client.codegen` (its docstring says what it generates and why);
tests/client/test_sdk_models_generated.py fails while models.py is stale."""

from __future__ import annotations

import sys

from mpaas.client.codegen import main

if __name__ == "__main__":
    sys.exit(main())
