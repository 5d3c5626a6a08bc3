// todoEvents through the graphql-ws client (graphql-transport-ws), changes made through urql.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DELETE, EventListener, UPDATE, create, dataOf, unique, urqlClient } from './support.mjs';

let listener;

before(() => {
  listener = new EventListener();
});

after(async () => {
  // An open socket would keep this file's process, and so node --test, from ending.
  await listener?.close();
});

test('created, updated and deleted events arrive in order with the versions', async () => {
  const { client } = urqlClient();
  await listener.live(client);

  const title = unique('watched');
  const todo = await create(client, { title });
  const { updateTodo: updated } = await dataOf(
    client.mutation(UPDATE, { id: todo.id, input: { completed: true, expectedVersion: 1 } }),
  );
  assert.equal(updated.version, 2);
  const { deleteTodo: deleted } = await dataOf(
    client.mutation(DELETE, { id: todo.id, expectedVersion: 2 }),
  );
  assert.equal(deleted.__typename, 'DeletedTodo');

  const events = await listener.take(3);
  assert.deepEqual(
    events.map(({ kind, id }) => [kind, id]),
    [
      ['CREATED', todo.id],
      ['UPDATED', todo.id],
      ['DELETED', todo.id],
    ],
  );
  assert.deepEqual(
    events.map((event) => event.todo && event.todo.version),
    [1, 2, null],
  );
  assert.deepEqual({ ...events[0].todo }, { id: todo.id, title, completed: false, order: null, version: 1 });
  assert.equal(events[1].todo.completed, true);
  assert.equal(events[1].todo.title, title);
});
