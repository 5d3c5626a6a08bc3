"""A model-based concurrent test: many clients at once, over GraphQL and REST, valid and invalid,
while subscribers listen; then everything acknowledged is checked against the event stream, which
must be a true history of the service (tests/acceptance/test_model.py, `make soak`)."""
