"""Print the schema in SDL, or Apollo Client's possibleTypes (`make schema` writes both):

python -m graph > schema.graphql
python -m graph --possible-types > possibleTypes.json
"""

import json
import sys

from graphql import GraphQLInterfaceType, GraphQLUnionType
from graphql import build_schema as from_sdl

from graph.schema import build_schema
from settings import Settings

sdl = build_schema(Settings()).as_str()
if sys.argv[1:] == ["--possible-types"]:
    # Each union and interface by name, with the object types it can be: what Apollo Client's
    # cache needs to match fragments on them (production mode has no introspection to ask).
    core = from_sdl(sdl)
    possible = {
        name: sorted(member.name for member in core.get_possible_types(kind))
        for name, kind in sorted(core.type_map.items())
        if isinstance(kind, GraphQLUnionType | GraphQLInterfaceType) and not name.startswith("__")
    }
    print(json.dumps(possible, indent=2))
else:
    print(sdl)
