"""Prints an Apollo persisted query manifest (PERSISTED_DOCUMENTS) of a folder's .graphql files,
each one named operation with the fragments it uses; its body is the file's text, exactly.

make persisted-manifest FROM=folder > manifest.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from graph.persisted import manifest


def main() -> int:
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        print("usage: make persisted-manifest FROM=folder-of-graphql-files", file=sys.stderr)
        return 2
    files = sorted(Path(sys.argv[1]).rglob("*.graphql"))
    try:
        document = manifest({str(path): path.read_text(encoding="utf-8") for path in files})
    except ValueError as error:
        print(f"persisted-manifest: {error}", file=sys.stderr)
        return 1
    print(json.dumps(document, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
