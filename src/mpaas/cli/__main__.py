"""`python -m mpaas.cli`: the `mpaas` command, as the subprocess tests and benches start it."""

from mpaas.cli.main import main

main()
