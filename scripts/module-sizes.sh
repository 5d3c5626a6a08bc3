#!/bin/sh
# Fails when a Python module of the project is over 300 lines (the house style's limit; aerich's
# generated migrations, which carry the models' state, excepted).
LIMIT=300
over=$(find . -name '*.py' -not -path './.venv/*' -not -path './build/*' -not -path '*/node_modules/*' \
    -not -path './migrations/*/models/*' -exec wc -l {} + | awk -v limit=$LIMIT '$2 != "total" && $1 > limit')
if [ -n "$over" ]; then
    echo "modules over $LIMIT lines (split them):" >&2
    echo "$over" >&2
    exit 1
fi
echo "every module is at most $LIMIT lines"
