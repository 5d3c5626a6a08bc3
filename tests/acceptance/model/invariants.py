"""The model test's checks: the event stream is a true history of the service, and every answer
the clients were given agrees with it.

Each acknowledged change is matched to the events it caused, and each event to the one change
that caused it; the stream is then replayed from an empty list, as a model of the service, one
event at a time: versions go up by one per change, a deletion comes last, each bulk change touched
exactly the todos its filter matched at its place in the stream, a change answered before another
was sent comes first, and what the replay ends with is what the service lists.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from tests.acceptance.model.records import Ack, Event, State


class Checker:
    def __init__(self, events: list[Event], initial: dict[str, State]) -> None:
        self.events = events
        self.initial = initial  # the todos made before the first event checked
        self.violations: list[str] = []
        self.claimed: list[Ack | None] = [None] * len(events)
        self.by_version: dict[tuple[str, str, int], int] = {}
        self.deletion: dict[str, int] = {}
        self.updates: dict[str, list[int]] = defaultdict(list)
        for position, event in enumerate(events):
            key = (event.kind, event.id, event.version)
            if key in self.by_version:
                self.violation(f"one change sent twice: {event}")
            self.by_version[key] = position
            if event.kind == "DELETED":
                self.deletion[event.id] = position
            elif event.kind == "UPDATED":
                self.updates[event.id].append(position)

    def violation(self, text: str) -> None:
        self.violations.append(text)

    # Matching answers to events.

    def _claim(self, ack: Ack, position: int | None, what: str) -> None:
        if position is None:
            self.violation(f"acknowledged but not in the stream (lost): {ack.operation} {what}")
            return
        if self.claimed[position] is not None:
            self.violation(f"acknowledged twice: {self.events[position]}")
            return
        self.claimed[position] = ack
        ack.positions.append(position)

    def _claim_written(self, ack: Ack, state: State) -> None:
        kind = "CREATED" if state.version == 1 else "UPDATED"
        position = self.by_version.get((kind, state.id, state.version or 0))
        if position is not None and self._state_of(position) != state:
            self.violation(
                f"{ack.operation} answered {state}, the stream has {self.events[position]}"
            )
        self._claim(ack, position, str(state))

    def _state_of(self, position: int) -> State | None:
        return self.events[position].todo

    def match(self, acks: list[Ack]) -> None:
        written = [(ack, state) for ack in acks for state in ack.written]
        versioned = [(ack, state) for ack, state in written if state.version is not None]
        for ack, state in versioned:
            self._claim_written(ack, state)
        for ack in acks:
            for todo_id in ack.deleted:
                self._claim(ack, self.deletion.get(todo_id), f"deletion of {todo_id}")
        # REST does not answer the version: its updates take the first unclaimed event of the
        # same todo with the same values, in the order they were sent.
        unversioned = sorted(
            ((ack, state) for ack, state in written if state.version is None),
            key=lambda pair: pair[0].sent,
        )
        # Any of them that could have made more than one event is interchangeable: so is the
        # last of a group (its turn comes when one event is left, not necessarily its own).
        for ack, state in unversioned:
            ack.interchangeable = ack.interchangeable or len(self._candidates(state)) > 1
        for ack, state in unversioned:
            candidates = self._candidates(state)
            self._claim(ack, candidates[0] if candidates else None, str(state))
        self._match_deletes_of_everything([ack for ack in acks if ack.deletes_all])
        for position, claimant in enumerate(self.claimed):
            if claimant is None:
                self.violation(
                    f"in the stream, but no acknowledged change made it: {self.events[position]}"
                )
        for ack in acks:
            if ack.positions and max(ack.positions) - min(ack.positions) + 1 != len(ack.positions):
                self.violation(f"{ack.operation}'s events are not together: {ack.positions}")

    def _candidates(self, state: State) -> list[int]:
        """The unclaimed updates of the todo to the values a REST update answered."""
        return [
            position
            for position in self.updates.get(state.id, [])
            if self.claimed[position] is None
            and (todo := self._state_of(position)) is not None
            and todo.fields() == state.fields()
        ]

    def _match_deletes_of_everything(self, acks: list[Ack]) -> None:
        """REST's DELETE /todos: unclaimed runs of deletions, one per request at most."""
        runs: list[list[int]] = []
        for position, event in enumerate(self.events):
            if event.kind != "DELETED" or self.claimed[position] is not None:
                continue
            if runs and runs[-1][-1] == position - 1:
                runs[-1].append(position)
            else:
                runs.append([position])
        if len(runs) > len(acks):
            return  # reported as unexplained events
        for ack, run in zip(sorted(acks, key=lambda ack: ack.sent), runs, strict=False):
            for position in run:
                self.claimed[position] = ack
            ack.positions = run

    # Replaying the stream.

    def replay(self, acks: list[Ack]) -> dict[str, State]:
        bulk_at = {min(ack.positions): ack for ack in acks if ack.bulk and ack.positions}
        state = dict(self.initial)
        gone: set[str] = set()
        for position, event in enumerate(self.events):
            if position in bulk_at:
                self._check_bulk(bulk_at[position], state)
            current = state.get(event.id)
            if event.kind == "CREATED":
                if current is not None or event.id in gone or event.version != 1:
                    self.violation(f"a creation of a todo that exists or existed: {event}")
            elif current is None:
                self.violation(f"a change of a todo that does not exist: {event}")
                continue
            elif event.kind == "UPDATED" and event.version != (current.version or 0) + 1:
                self.violation(f"version {current.version} followed by {event}")
            elif event.kind == "DELETED" and event.version != current.version:
                self.violation(f"a deletion of version {event.version} of {current}")
            if event.kind == "DELETED":
                del state[event.id]
                gone.add(event.id)
            else:
                if event.todo is None or event.todo.version != event.version:
                    self.violation(f"an event without the todo it made: {event}")
                    continue
                state[event.id] = event.todo
        return state

    def _check_bulk(self, ack: Ack, state: dict[str, State]) -> None:
        """A bulk change touched exactly what matched at its place in the history."""
        assert ack.bulk is not None
        expected = {
            todo_id
            for todo_id, todo in state.items()
            if ack.bulk.matches(todo) and (ack.completed is None or todo.completed != ack.completed)
        }
        touched = {self.events[position].id for position in ack.positions}
        if touched != expected:
            missed, extra = sorted(expected - touched), sorted(touched - expected)
            self.violation(f"{ack.operation} {ack.bulk}: missed {missed}, touched {extra} too")

    def real_time_order(self, acks: list[Ack]) -> None:
        """A change answered before another was sent comes first in the stream (of the changes
        whose events are known for certain)."""
        timed = sorted(
            (
                ack
                for ack in acks
                if ack.positions and not ack.deletes_all and not ack.interchangeable
            ),
            key=lambda ack: ack.answered,
        )
        answered = [ack.answered for ack in timed]
        latest: list[int] = []  # the last position among the acks answered so far
        for ack in timed:
            latest.append(max([*latest[-1:], max(ack.positions)]))
        for ack in timed:
            before = bisect.bisect_left(answered, ack.sent)
            if before and latest[before - 1] >= min(ack.positions):
                earlier = next(a for a in timed[:before] if max(a.positions) >= min(ack.positions))
                self.violation(
                    f"{ack.operation} sent after an answered change, but before it in the stream:"
                    f" at {ack.positions}, {earlier.operation} at {earlier.positions}"
                )
