"""Print the schema in SDL: `python -m graph > schema.graphql` (`make schema`)."""

from graph.schema import schema

print(schema.as_str())
