"""The changes as the database sees them: the statements that reach MySQL (its general log), and
retries when it refuses a transaction for contention."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import OperationalError

from models import Todo
from todos import commands, listing, transactions
from todos.errors import Busy


class GeneralLog:
    """MySQL's general log, in its table, for the statements of this test's connections."""

    def __init__(self, db: BaseDBAsyncClient) -> None:
        self.db = db

    async def statements(self) -> list[str]:
        _, rows = await self.db.execute_query(
            "SELECT argument FROM mysql.general_log WHERE command_type = 'Query' "
            "ORDER BY event_time"
        )
        texts = [row["argument"] for row in rows]
        return [text.decode() if isinstance(text, bytes) else str(text) for text in texts]


@pytest.fixture
async def general_log(empty: str) -> AsyncIterator[GeneralLog]:
    if empty != "mysql":
        pytest.skip("SQLite has no row locks: it runs one transaction at a time")
    db = Todo._meta.db
    await db.execute_query("SET GLOBAL log_output = 'TABLE'")
    await db.execute_query("TRUNCATE TABLE mysql.general_log")
    await db.execute_query("SET GLOBAL general_log = 1")
    try:
        yield GeneralLog(db)
    finally:
        await db.execute_query("SET GLOBAL general_log = 0")


def transaction_of(statements: list[str], pattern: str) -> list[str]:
    """The statements of the transaction holding the first statement that matches `pattern`,
    from its BEGIN to its COMMIT."""
    match = next(i for i, s in enumerate(statements) if re.search(pattern, s))
    begin = max(i for i in range(match) if statements[i] == "BEGIN")
    commit = next(i for i in range(match, len(statements)) if statements[i] == "COMMIT")
    return statements[begin : commit + 1]


async def test_bulk_changes_lock_their_rows_in_key_order_and_check_the_filter_again(
    general_log: GeneralLog,
) -> None:
    for n in range(3):
        await commands.create(f"task {n}")
    await commands.set_completed(True, listing.TodoFilter(title_contains="task"))
    await commands.delete_matching(listing.TodoFilter(completed=True))
    statements = await general_log.statements()

    for changed in (r"^UPDATE `todo` SET `completed`", r"^DELETE FROM `todo`"):
        transaction = transaction_of(statements, changed)
        locking = [s for s in transaction if s.endswith("FOR UPDATE") and "FROM `todo` " in s]
        change = next(s for s in transaction if re.search(changed, s))
        # The rows are locked, in primary key order, before they are changed...
        assert len(locking) == 1, transaction
        assert "ORDER BY `id` FOR UPDATE" in locking[0]
        assert transaction.index(locking[0]) < transaction.index(change)
        # ...the change checks the filter again where it applies...
        condition = "`completed`=0" if "UPDATE" in change else "`completed`=1"
        assert condition in change, change
        assert "`id` IN (" in change, change
        # ...and the log's head is locked after the rows, before the change writes its events.
        head = next(i for i, s in enumerate(transaction) if "`todo_event_head`" in s)
        assert transaction.index(locking[0]) < head < transaction.index(change)


async def test_a_single_delete_locks_its_row_before_reading_the_version_it_deletes(
    general_log: GeneralLog,
) -> None:
    todo = await commands.create("a")
    assert isinstance(todo, Todo)
    await commands.delete(todo.id)
    statements = await general_log.statements()
    transaction = transaction_of(statements, r"^DELETE FROM `todo` WHERE `id`=")
    assert transaction[1].startswith("SELECT ")
    assert transaction[1].endswith("FOR UPDATE")
    assert f"WHERE `id`={todo.id} " in transaction[1]
    assert transaction[2] == f"DELETE FROM `todo` WHERE `id`={todo.id}"


class Deadlock(OperationalError):
    def __init__(self) -> None:
        super().__init__(OperationalError(1213, "Deadlock found when trying to get lock"))


async def test_a_deadlock_is_retried_inside_the_service(empty: str) -> None:
    attempts = 0

    async def work(connection: BaseDBAsyncClient) -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise Deadlock()
        return "done"

    assert await transactions.write(work) == "done"
    assert attempts == 3


async def test_endless_contention_is_busy_and_changes_nothing(empty: str) -> None:
    async def work(connection: BaseDBAsyncClient) -> None:
        await Todo.create(title="never", search_key="never", using_db=connection)
        raise Deadlock()

    with pytest.raises(Busy):
        await transactions.write(work)
    assert await Todo.all().count() == 0


async def test_other_errors_are_not_retried(empty: str) -> None:
    attempts = 0

    async def work(connection: BaseDBAsyncClient) -> None:
        nonlocal attempts
        attempts += 1
        raise OperationalError("no such table")

    with pytest.raises(OperationalError):
        await transactions.write(work)
    assert attempts == 1


async def test_a_failed_begin_gives_back_what_it_took(
    empty: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More failures than the pool has connections (and SQLite has one lock): none may be kept.
    from tortoise.backends.mysql.client import TransactionWrapper
    from tortoise.backends.sqlite.client import SqliteTransactionWrapper

    async def lost(self: object) -> None:
        raise OperationalError("Lost connection to MySQL server during query")

    todo = await commands.create("before")
    assert isinstance(todo, Todo)

    with monkeypatch.context() as patch:
        patch.setattr(TransactionWrapper, "begin", lost)
        patch.setattr(SqliteTransactionWrapper, "begin", lost)
        for _ in range(40):
            with pytest.raises(OperationalError):
                await commands.update(todo.id, commands.TodoChanges(title="never"))
    assert isinstance(await commands.update(todo.id, commands.TodoChanges(title="after")), Todo)
    assert [todo.title for todo in await Todo.all()] == ["after"]
