"""The event log: every committed change to a todo, in one order (an outbox in the database).

The database writes it: triggers on `todo` (migrations 2_..._event_log) add an entry for every
row created, deleted, or updated to a new version, in the statement that changed the row, so no
change can commit without its entry, whoever makes it.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.todo import OWNER_MAX_LENGTH, TITLE_MAX_LENGTH, BytewiseTextField

# The head's one row.
HEAD_ID = 1


class TodoEventRecord(Model):
    """One committed change to a todo, written in the transaction that made it."""

    position = fields.BigIntField(primary_key=True, generated=False)
    kind = fields.CharField(max_length=7)
    todo_id = fields.IntField()
    version = fields.IntField()
    owner = BytewiseTextField(max_length=OWNER_MAX_LENGTH, default="")  # the todo's: who may see it
    # The todo after the change; null for a deletion.
    title = fields.CharField(max_length=TITLE_MAX_LENGTH, null=True)
    completed = fields.BooleanField(null=True)
    order = fields.IntField(null=True)
    created_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(null=True)
    # Microseconds since the epoch, by the database's clock: what retention goes by.
    recorded_at = fields.BigIntField()

    class Meta:
        table = "todo_event"


class EventLogHead(Model):
    """The last position handed out in the event log."""

    # Each entry takes the next position from this row and keeps it locked until its commit:
    # positions follow the commits, with no gaps.
    id = fields.IntField(primary_key=True, generated=False)
    position = fields.BigIntField()

    class Meta:
        table = "todo_event_head"
