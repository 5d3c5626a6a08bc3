// Queries and mutations through @urql/core, as a frontend sends them.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  CREATE,
  DELETE,
  DELETE_ALL,
  PAGE,
  TODO,
  UPDATE,
  create,
  dataOf,
  unique,
  urqlClient,
} from './support.mjs';

test('create returns the stored todo at version 1, and a blank title as a ValidationError', async () => {
  const { client, methods } = urqlClient();
  const title = unique('write the report');

  const todo = await create(client, { title: `  ${title}  `, order: 3 });
  assert.equal(todo.title, title);
  assert.equal(todo.completed, false);
  assert.equal(todo.order, 3);
  assert.equal(todo.version, 1);
  assert.ok(todo.id);

  const { todo: read } = await dataOf(client.query(TODO, { id: todo.id }));
  assert.deepEqual({ ...read, __typename: undefined }, { ...todo, __typename: undefined });

  const { createTodo: refused } = await dataOf(client.mutation(CREATE, { input: { title: ' ' } }));
  assert.equal(refused.__typename, 'ValidationError');
  assert.equal(refused.field, 'title');
  assert.ok(refused.message);

  // urql 6's defaults: the query went by GET, the mutations by POST; the service takes both.
  assert.deepEqual(
    methods.map(({ method }) => method),
    ['POST', 'GET', 'POST'],
  );
});

test('an update with a stale expectedVersion is a VersionConflictError with the current todo', async () => {
  const { client } = urqlClient();
  const todo = await create(client, { title: unique('stale') });

  const { updateTodo: updated } = await dataOf(
    client.mutation(UPDATE, { id: todo.id, input: { completed: true, expectedVersion: 1 } }),
  );
  assert.equal(updated.__typename, 'Todo');
  assert.equal(updated.completed, true);
  assert.equal(updated.version, 2);

  const { updateTodo: conflict } = await dataOf(
    client.mutation(UPDATE, { id: todo.id, input: { title: 'lost update', expectedVersion: 1 } }),
  );
  assert.equal(conflict.__typename, 'VersionConflictError');
  assert.ok(conflict.message);
  assert.equal(conflict.current.id, todo.id);
  assert.equal(conflict.current.version, 2);
  assert.equal(conflict.current.title, todo.title);
  assert.equal(conflict.current.completed, true);

  // Nothing was changed by the refused update.
  const { todo: read } = await dataOf(client.query(TODO, { id: todo.id }));
  assert.equal(read.title, todo.title);
  assert.equal(read.version, 2);

  // With the current version the change is made.
  const { updateTodo: retried } = await dataOf(
    client.mutation(UPDATE, { id: todo.id, input: { title: 'kept', expectedVersion: 2 } }),
  );
  assert.equal(retried.__typename, 'Todo');
  assert.equal(retried.title, 'kept');
  assert.equal(retried.version, 3);
});

test('delete removes the todo once; a stale version or a second delete changes nothing', async () => {
  const { client } = urqlClient();
  const todo = await create(client, { title: unique('delete me') });
  await dataOf(client.mutation(UPDATE, { id: todo.id, input: { order: 9 } }));

  const { deleteTodo: conflict } = await dataOf(
    client.mutation(DELETE, { id: todo.id, expectedVersion: 1 }),
  );
  assert.equal(conflict.__typename, 'VersionConflictError');
  assert.equal(conflict.current.version, 2);

  const { deleteTodo: deleted } = await dataOf(
    client.mutation(DELETE, { id: todo.id, expectedVersion: 2 }),
  );
  assert.deepEqual({ ...deleted }, { __typename: 'DeletedTodo', id: todo.id });

  const { todo: gone } = await dataOf(client.query(TODO, { id: todo.id }));
  assert.equal(gone, null);

  const { deleteTodo: again } = await dataOf(client.mutation(DELETE, { id: todo.id }));
  assert.equal(again.__typename, 'NotFoundError');
  assert.equal(again.id, todo.id);
});

test('paging with first/after visits every todo once, in order', async () => {
  const { client } = urqlClient();
  await dataOf(client.mutation(DELETE_ALL, {}));
  // Ties and missing orders: the keyset cursor has to break them by the primary key.
  const orders = [2, 1, null, 2, 1, 2, null, 1, 3, 2, null];
  const made = [];
  for (const [index, order] of orders.entries()) {
    made.push(await create(client, { title: unique(`page ${index}`), order }));
  }
  // The default sort: order ascending, todos without one last, then oldest first.
  const rank = (todo) => (todo.order === null ? Number.POSITIVE_INFINITY : todo.order);
  const expected = made
    .map((todo, created) => ({ todo, created }))
    .sort((a, b) => rank(a.todo) - rank(b.todo) || a.created - b.created)
    .map(({ todo }) => todo.id);

  const visited = [];
  const pageSizes = [];
  let after = null;
  for (let pages = 0; ; pages += 1) {
    assert.ok(pages < orders.length, 'paging did not end');
    const { todos } = await dataOf(client.query(PAGE, { first: 4, after }));
    assert.equal(todos.totalCount, orders.length);
    visited.push(...todos.nodes.map((todo) => todo.id));
    pageSizes.push(todos.nodes.length);
    if (!todos.pageInfo.hasNextPage) break;
    assert.ok(todos.pageInfo.endCursor, 'hasNextPage without an endCursor');
    after = todos.pageInfo.endCursor;
  }
  assert.deepEqual(pageSizes, [4, 4, 3]);
  assert.equal(new Set(visited).size, visited.length, 'a todo was visited twice');
  assert.deepEqual(visited, expected);
});
