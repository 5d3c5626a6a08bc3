"""Lists the database writes. A field may declare a written form (in its Strawberry metadata, under
WRITTEN); the planner offers it the leaves selected on the list's objects, and where the form
takes them, the plan reads the root field with the form's request in effect and puts the list's
JSON into the response as it came, unparsed (orjson fragments). When the list comes back unwritten
(the database cannot write it, or another request's shape was read), it is completed as any other.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import orjson
from graphql import FieldNode
from strawberry.types.field import StrawberryField

WRITTEN = "fast_path_written"  # the metadata key of a field's written form
# As in graph/fast/plans.py: a getter, and a completer with the list of what is left to await.
Getter = Callable[[Any], Any]
Completer = Callable[[Any, Any], Any]


class Form(Protocol):
    def request(
        self, leaves: Sequence[tuple[str, str]], siblings: Mapping[str, list[FieldNode]]
    ) -> Hashable | None:
        """What to ask the database for, given the leaves selected on the list's objects
        (response key, field name) and the fields selected beside the list; None when it
        cannot write them."""

    def requesting(self, request: Any) -> AbstractContextManager[None]:
        """The context in which the root field's resolver reads the list written."""

    def written(self, source: Any, request: Any) -> Sequence[bytes] | None:
        """The JSON of each object of the list in `source` (the field's parent), if it was
        written for `request`; otherwise None."""


def completer(form: Form, request: Any, getter: Getter, complete: Completer) -> Completer:
    """Completes a list from its parent: the JSON the database wrote for `request`, spliced in,
    or else as the list's own completer does."""

    def complete_written(source: Any, pending: Any) -> Any:
        nodes = form.written(source, request)
        if nodes is None:
            return complete(getter(source), pending)
        return [orjson.Fragment(node) for node in nodes]

    return complete_written


def form_of(field: StrawberryField) -> Form | None:
    metadata: Mapping[str, Any] = field.metadata or {}
    form: Form | None = metadata.get(WRITTEN)
    return form
