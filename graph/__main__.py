"""Print the schema in SDL: `python -m graph > schema.graphql` (`make schema`)."""

from graph.schema import build_schema
from settings import Settings

print(build_schema(Settings()).as_str())
