"""Everything that touches an upstream library's internals, one module per library.

Each patch is installed only when it recognises what it patches; otherwise it is skipped, logged
and counted (`compat.report()`), never an import-time crash. pyproject.toml bounds these
libraries' versions, and `make test-latest` runs the suite's core against the newest allowed.
"""
