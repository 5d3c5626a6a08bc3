"""web/observations.py: the outcome of a request from what was noted, operation names, codes."""

from __future__ import annotations

import pytest

from web.observations import Observation, error_codes, name_of, outcome


@pytest.mark.parametrize(
    ("status", "codes", "refused", "expected"),
    [
        (200, [], False, "ok"),
        (200, ["BAD_USER_INPUT"], False, "user_error"),
        (200, ["GRAPHQL_ERROR"], False, "user_error"),
        (400, ["BAD_REQUEST"], False, "user_error"),
        (404, [], False, "user_error"),
        (401, ["UNAUTHENTICATED"], False, "refused"),
        (200, ["PERSISTED_QUERY_NOT_ALLOWED"], False, "refused"),
        (503, [], True, "refused"),
        (503, ["SERVICE_UNAVAILABLE"], False, "error"),
        (200, ["INTERNAL_SERVER_ERROR"], False, "error"),
        (500, [], False, "error"),
    ],
)
def test_outcomes(status: int, codes: list[str], refused: bool, expected: str) -> None:
    assert outcome(status, Observation(codes=codes, refused=refused)) == expected


def test_operation_names() -> None:
    assert name_of("Given", "query Other { a }") == "Given"
    assert name_of(None, "  query Listed($first: Int) { a }") == "Listed"
    assert name_of(None, "fragment F on Todo { id } mutation Add { b }") == "Add"
    assert name_of(None, "{ a }") is None
    assert name_of(["not a name"], None) is None


def test_error_codes() -> None:
    errors = [{"extensions": {"code": "BAD_USER_INPUT"}}, {"message": "no code"}, "odd"]
    assert error_codes(errors) == ["BAD_USER_INPUT", "GRAPHQL_ERROR", "GRAPHQL_ERROR"]
    assert error_codes(None) == []
