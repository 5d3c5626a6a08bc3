"""The fast path: documents seen before run from a cached plan (graph/plans.py) that calls the
same resolvers as the plain path and builds the response data itself, without graphql-core's
per-field execution or the extensions' per-request hooks.

It answers only when it can answer exactly as the plain path would (tests/graph/test_fast.py
compares the two byte for byte); otherwise execute() returns None and the plain path runs. A query
may still fall back halfway (reads change nothing); a mutation's resolver runs once, here, and its
failure is reported as the plain path reports it.
"""

from __future__ import annotations

import functools
import inspect
import logging
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationType,
    VariableValues,
    get_argument_values,
    get_variable_values,
    is_non_null_type,
    located_error,
    parse,
)
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType as StrawberryOperationType

from graph.errors import finish_errors
from graph.fast import internals
from graph.fast.plans import Calls, Pending, Plan, Planner, RootField
from graph.fast.reading import Unplannable
from graph.limits import DocumentLimits, check

logger = logging.getLogger(__name__)

# Plans kept, by (document text, operation name), as many as the parser and validation caches.
PLANS_KEPT = 1_000
CALLS_KEPT = 256  # per plan, by their variables
SCALARS = frozenset({str, int, float, bool, type(None)})


class FastPath:
    def __init__(self, schema: BaseSchema, limits: DocumentLimits, hide_suggestions: bool) -> None:
        self.schema = schema
        self.core_schema = internals.core_schema(schema)
        self.limits = limits
        self.hide_suggestions = hide_suggestions
        # A plan, or None for a document the plain path always serves.
        self.plan = functools.lru_cache(maxsize=PLANS_KEPT)(self._compile)

    def _compile(self, query: str, operation_name: str | None) -> Plan | None:
        """A plan for a document the plain path would accept and execute, or None."""
        try:
            document = parse(query, max_tokens=self.limits.max_tokens)
        except GraphQLError:
            return None
        if not self._acceptable(document):
            return None
        try:
            return Planner(self.core_schema).plan(document, operation_name)
        except Unplannable as reason:
            logger.debug("no plan for %r: %s", operation_name, reason)
            return None
        except Exception:
            # A planner bug must not fail the request: the plain path can serve it.
            logger.warning("no plan for %r", operation_name, exc_info=True)
            return None

    def _acceptable(self, document: DocumentNode) -> bool:
        if check(self.core_schema, document, self.limits):
            return False
        return not internals.validation_errors(self.schema, document)

    async def execute(
        self,
        query: object,
        operation_name: object,
        variables: object,
        allowed: frozenset[StrawberryOperationType],
    ) -> ExecutionResult | None:
        """The result the plain path would give, or None when the plain path must run."""
        # Whatever the client sent: the plain path refuses these of the wrong type (and they key
        # the plans, so must be hashable).
        if not query or not isinstance(query, str) or not isinstance(variables, dict | None):
            return None
        if not isinstance(operation_name, str | None):
            return None
        plan = self.plan(query, operation_name)
        if plan is None:
            return None
        if plan.kind not in allowed:
            return None  # the plain path refuses it
        calls = self._calls(plan, variables or {})
        if calls is None:  # the plain path reports the variables' errors, or the arguments'
            return None
        if plan.operation.operation is OperationType.MUTATION:
            return await self._mutate(plan, calls)
        try:
            return ExecutionResult(data=await self._read(plan, calls), errors=None)
        except Exception:  # a read changes nothing: the plain path reads again and reports
            return None

    def _calls(self, plan: Plan, variables: dict[str, Any]) -> Calls | None:
        """Each root field with its resolver's arguments, or None if the variables or the
        arguments are refused. Remembered by the variables when they and the arguments are all
        scalars (nothing a resolver could change): converting them cost more than the rest of
        a small query's plan."""
        key = _scalars(variables)
        calls = None if key is None else plan.calls.get(key)
        if calls is not None:
            return calls
        coerced = get_variable_values(
            self.core_schema, plan.operation.variable_definitions or (), variables
        )
        if isinstance(coerced, list):
            return None
        try:
            calls = [(root, self._arguments(root, coerced)) for root in plan.roots]
        except Exception:  # whatever refuses the arguments
            return None
        if key is not None and all(type(v) in SCALARS for _, a in calls for v in a.values()):
            if len(plan.calls) >= CALLS_KEPT:
                plan.calls.clear()
            plan.calls[key] = calls
        return calls

    def _arguments(self, root: RootField, variables: VariableValues) -> dict[str, Any]:
        if root.field is None or root.strawberry_field is None:
            return {}
        raw = get_argument_values(root.field, root.node, variables)
        return internals.arguments(self.schema, root.strawberry_field, raw)

    async def _read(self, plan: Plan, calls: Calls) -> Any:
        data: dict[str, Any] = {}
        pending: Pending = []
        try:
            for root, kwargs in calls:
                if root.strawberry_field is None:
                    data[root.key] = plan.root_type_name
                    continue
                if root.written is None:
                    value = await _resolve(root, kwargs)
                else:  # a list below it read as the database writes it (graph/fast/written.py)
                    form, request = root.written
                    with form.requesting(request):
                        value = await _resolve(root, kwargs)
                data[root.key] = root.complete(value, pending)
            await _drain(pending)
        finally:
            _close(pending)
        return data

    async def _mutate(self, plan: Plan, calls: Calls) -> ExecutionResult:
        # Planned mutations have one root field (graph/plans.py).
        [(root, kwargs)] = calls
        assert root.field is not None
        assert root.strawberry_field is not None
        try:
            value = await _resolve(root, kwargs)
            pending: Pending = []
            try:
                completed = root.complete(value, pending)
                await _drain(pending)
            finally:
                _close(pending)
        except Exception as error:  # the change may be made: reported here, as graphql-core would
            located = located_error(error, [root.node], [root.key])
            errors = finish_errors([located], self.hide_suggestions)
            data = None if is_non_null_type(root.field.type) else {root.key: None}
            return ExecutionResult(data=data, errors=errors)
        return ExecutionResult(data={root.key: completed}, errors=None)


def _scalars(variables: dict[str, Any]) -> tuple[Any, ...] | None:
    """The variables as a key, when each is a scalar (typed: 1 and True differ), else None."""
    key = []
    for name, value in variables.items():
        if type(value) not in SCALARS:
            return None
        key.append((name, type(value), value))
    return tuple(key)


async def _resolve(root: RootField, kwargs: dict[str, Any]) -> Any:
    assert root.strawberry_field is not None
    assert root.strawberry_field.base_resolver is not None
    root_value: Any = None  # the view's root value, passed as `self`
    value = root.strawberry_field.base_resolver(root_value, **kwargs)
    if root.strawberry_field.base_resolver.is_async:
        value = await value
    return value


async def _drain(pending: Pending) -> None:
    """Awaits the async fields a completion left behind, completing each in its place."""
    while pending:
        data, key, awaitable, complete = pending.pop(0)
        data[key] = complete(await awaitable, pending)


def _close(pending: Pending) -> None:
    """Closes the coroutines a failed completion left un-awaited."""
    for _data, _key, awaitable, _complete in pending:
        if inspect.iscoroutine(awaitable):
            awaitable.close()
