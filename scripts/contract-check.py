"""Checks that each newer schema keeps the older one whole: no breaking change in graphql-core's
sense (a type, field, argument, enum value or union member removed, or a type changed).

    python scripts/contract-check.py OLDER NEWER [NEWER...]

`make check` runs it on the shared contract, this project's copy (which may be ahead of it, with
what the contract's README adds) and the exported schema.
"""

from __future__ import annotations

import sys
from pathlib import Path

from graphql import build_schema, find_breaking_changes


def main(older: str, *newer: str) -> int:
    failed = False
    base = build_schema(Path(older).read_text())
    for path in newer:
        for change in find_breaking_changes(base, build_schema(Path(path).read_text())):
            print(f"{path} breaks {older}: {change.description}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
