"""Errors: expected failures as union members, bad arguments as BAD_USER_INPUT, the rest masked."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Self

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.types import ExecutionResult, StreamExecutionResult

from graph.persisted import PersistedQueryNotAllowed, PersistedQueryNotFound
from graph.types import Todo
from models.database import is_outage
from todos import errors

logger = logging.getLogger(__name__)

INTERNAL_ERROR_MESSAGE = "Internal server error."


@strawberry.interface(description="An expected failure, returned as data.")
class UserError:
    message: str


@strawberry.type(description="An input value was refused; nothing was changed.")
class ValidationError(UserError):
    field: str = strawberry.field(description='The input field at fault, e.g. "title".')

    @classmethod
    def from_rules(cls, invalid: errors.Invalid) -> Self:
        return cls(message=invalid.message, field=invalid.field)


@strawberry.type(description="No todo has this ID; nothing was changed.")
class NotFoundError(UserError):
    id: strawberry.ID

    @classmethod
    def for_id(cls, global_id: str) -> Self:
        return cls(message=errors.NotFound().message, id=strawberry.ID(global_id))


@strawberry.type(description="The todo changed since the expected version; nothing was changed.")
class VersionConflictError(UserError):
    current: Todo = strawberry.field(description="The todo as it is now.")

    @classmethod
    def from_rules(cls, conflict: errors.VersionConflict) -> Self:
        return cls(message=conflict.message, current=Todo.from_model(conflict.current))


def bad_user_input(error: errors.BadInput) -> GraphQLError:
    return GraphQLError(str(error), extensions={"code": "BAD_USER_INPUT"})


def cursor_expired(error: errors.CursorExpired) -> GraphQLError:
    return GraphQLError(str(error), extensions={"code": "CURSOR_EXPIRED"})


def persisted_query_error(error: PersistedQueryNotFound | PersistedQueryNotAllowed) -> GraphQLError:
    """The one error Apollo's protocol answers: the client then sends the document along with
    its hash (NotFound), or gives up (NotAllowed: PERSISTED_ONLY)."""
    if isinstance(error, PersistedQueryNotFound):
        return GraphQLError(
            "PersistedQueryNotFound", extensions={"code": "PERSISTED_QUERY_NOT_FOUND"}
        )
    return GraphQLError(str(error), extensions={"code": "PERSISTED_QUERY_NOT_ALLOWED"})


def unauthenticated(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "UNAUTHENTICATED"})


SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
# The rules' exceptions a resolver may let through, and the code each is reported with.
EXPECTED_EXCEPTIONS: dict[type[Exception], str] = {
    errors.BadInput: "BAD_USER_INPUT",
    errors.Busy: SERVICE_UNAVAILABLE,
    errors.CursorExpired: "CURSOR_EXPIRED",
}


def oversized(max_bytes: int) -> str:
    """The message of a response past MAX_RESPONSE_BYTES (BAD_USER_INPUT)."""
    return f"The response would be larger than {max_bytes} bytes: ask for fewer todos or fields."


def unavailable(errors: list[dict[str, object]] | None) -> bool:
    """Whether a result's errors say the service could not serve it just now (answered 503)."""
    codes = [error.get("extensions") for error in errors or ()]
    return any(isinstance(c, dict) and c.get("code") == SERVICE_UNAVAILABLE for c in codes)


def _expected_code(error: GraphQLError) -> str | None:
    original = error.original_error
    code = EXPECTED_EXCEPTIONS.get(type(original))  # type: ignore[arg-type]
    if code is None and original is not None and is_outage(original):
        return SERVICE_UNAVAILABLE  # a lost database: the client may try again
    return code


def _is_unexpected(error: GraphQLError) -> bool:
    """Errors raised by our code or a library (not GraphQL's own, nor BAD_USER_INPUT), and the
    rules' expected exceptions, which get their code."""
    original = error.original_error
    if error.path is None and isinstance(original, ValueError):
        # Validation refusing a literal the scalar could not parse (an Int of 5,000 digits): the
        # client's mistake, reported as such.
        return False
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Hides bugs and lost databases behind a generic message, keeping GraphQL's own errors."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message=INTERNAL_ERROR_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        code = _expected_code(error)
        if code is not None:
            message = str(error.original_error)
            if code == SERVICE_UNAVAILABLE and not isinstance(error.original_error, errors.Busy):
                message = "The service cannot reach its database just now; try again."
            return GraphQLError(
                message,
                nodes=error.nodes,
                path=error.path,
                extensions={"code": code},
            )
        logger.error("unexpected error at %s", error.path, exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked


MAX_ERRORS = 10
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def tidy(errors: list[GraphQLError], hide_suggestions: bool) -> list[GraphQLError]:
    """Each message once and at most MAX_ERRORS of them; without "Did you mean" when asked."""
    kept: dict[str, GraphQLError] = {}
    for error in errors:
        message = SUGGESTION.sub("", error.message) if hide_suggestions else error.message
        if message not in kept:
            error.message = message
            kept[message] = error
    tidied = list(kept.values())
    if len(tidied) > MAX_ERRORS:
        left_out = len(tidied) - MAX_ERRORS + 1
        tidied = [*tidied[: MAX_ERRORS - 1], GraphQLError(f"{left_out} more errors left out.")]
    return tidied


def finish_errors(errors: list[GraphQLError], hide_suggestions: bool) -> list[GraphQLError]:
    """What MaskUnexpectedErrors and then the Tidy extension make of `errors`, for results made
    without the extensions (graph/fast/path.py)."""
    masker = MaskUnexpectedErrors()
    masked = [masker.anonymise_error(e) if _is_unexpected(e) else e for e in errors]
    return tidy(masked, hide_suggestions)


PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def _give_code(errors: Iterable[GraphQLError] | None, code: str) -> None:
    """`code` for each of `errors` that has none yet (the limits' have theirs)."""
    for error in errors or ():
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code}


class CodeRequestErrors(SchemaExtension):
    """Gives GraphQL's own request errors the codes Apollo Server gives them, which clients branch
    on: a document that does not parse, one that does not validate, and variables that do not
    fit their types (BAD_USER_INPUT), over every transport."""

    def on_parse(self) -> Iterator[None]:
        yield
        _give_code(self.execution_context.pre_execution_errors, PARSE_FAILED)

    def on_validate(self) -> Iterator[None]:
        yield
        _give_code(self.execution_context.pre_execution_errors, VALIDATION_FAILED)

    def on_execute(self) -> Iterator[None]:
        yield
        _code_refused_variables(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        # A subscription's refused variables come as its first result, not as the execution's.
        _code_refused_variables(result)
        yield


def _code_refused_variables(result: object) -> None:
    """No data, and errors of GraphQL's own with no path: graphql-core refused the variables
    before running any field (a field's error has its path; a failing resolver's, an original
    that is not GraphQL's)."""
    if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.data is None:
        _give_code([e for e in result.errors or () if _before_any_field(e)], "BAD_USER_INPUT")


def _before_any_field(error: GraphQLError) -> bool:
    original = error.original_error
    return error.path is None and (original is None or isinstance(original, GraphQLError))


class TidyErrors(SchemaExtension):
    """Keeps error lists short: a document repeating a mistake a thousand times gets one error."""

    hide_suggestions = False

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = tidy(result.errors, self.hide_suggestions)


class TidyErrorsWithoutSuggestions(TidyErrors):
    """TidyErrors for production: no "Did you mean" hints about the schema, of any kind."""

    hide_suggestions = True
