"""The GraphQL schema of the todo service (Strawberry)."""
