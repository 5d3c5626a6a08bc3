"""How plans complete an object (graph/fast/plans.py): for a selection of fields read without
awaiting, one function written for it, reading each attribute and building the response's dict in
one expression. A page's rows are nearly all of a list's work, and a loop over the selection's
getters and completers cost about twice as much per row."""

from __future__ import annotations

import keyword
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Getter = Callable[[Any], Any]
# The completer's pending list is plans.Pending; Any here, as this module knows nothing of it.
Completer = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Entry:
    """One response key of an object's selection."""

    key: str
    getter: Getter
    complete: Completer
    is_async: bool  # the getter returns an awaitable, completed once awaited
    attribute: str | None = None  # the getter reads this attribute, and does nothing more
    exact: type | None = None  # values of exactly this type complete as they are


def object_completer(entries: list[Entry]) -> Completer:
    """The completer of an object with this selection: None for None, else the response's dict,
    its keys in the selection's order."""
    if any(entry.is_async for entry in entries):
        return _looping(entries)
    return _written(entries)


def _looping(entries: list[Entry]) -> Completer:
    """Completes the selection field by field, leaving the awaitables behind in `pending`."""
    steps = [(e.key, e.getter, e.complete, e.is_async) for e in entries]

    def complete_object(source: Any, pending: list[Any]) -> Any:
        if source is None:
            return None
        data: dict[str, Any] = {}
        for key, getter, complete, is_async in steps:
            if is_async:
                data[key] = None  # keeps the key's place; filled in once awaited
                pending.append((data, key, getter(source), complete))
            else:
                data[key] = complete(getter(source), pending)
        return data

    return complete_object


def _written(entries: list[Entry]) -> Completer:
    """One function for the selection, with the same results as _looping's (test_objects.py)."""
    namespace: dict[str, Any] = {}
    lines = ["def complete_object(source, pending):", "    if source is None:"]
    lines.append("        return None")
    for index, entry in enumerate(entries):
        value, getter, complete = f"v{index}", f"g{index}", f"c{index}"
        namespace[getter], namespace[complete] = entry.getter, entry.complete
        plain = _plain_name(entry.attribute)
        read = f"source.{entry.attribute}" if plain else f"{getter}(source)"
        if entry.exact is not None:
            namespace[f"t{index}"] = entry.exact
            lines.append(f"    {value} = {read}")
            lines.append(f"    if type({value}) is not t{index}:")
            lines.append(f"        {value} = {complete}({value}, pending)")
        else:
            lines.append(f"    {value} = {complete}({read}, pending)")
    members = ", ".join(f"{entry.key!r}: v{index}" for index, entry in enumerate(entries))
    lines.append(f"    return {{{members}}}")
    exec("\n".join(lines), namespace)  # the text is ours: names and repr()s only
    function: Completer = namespace["complete_object"]
    return function


def _plain_name(attribute: str | None) -> bool:
    return attribute is not None and attribute.isidentifier() and not keyword.iskeyword(attribute)
