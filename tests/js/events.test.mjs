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
  // Every event carries the version; a deletion the one it deleted.
  assert.deepEqual(events.map(({ version }) => version), [1, 2, 2]);
  assert.deepEqual({ ...events[0].todo }, { id: todo.id, title, completed: false, order: null, version: 1 });
  assert.equal(events[1].todo.completed, true);
  assert.equal(events[1].todo.title, title);
});

test('a subscriber that resumes with the last cursor it saw misses nothing and repeats nothing', async () => {
  const { client } = urqlClient();
  const first = new EventListener();
  await first.live(client);
  const before = await create(client, { title: unique('before the drop') });
  const [seen] = await first.take(1);
  assert.equal(seen.id, before.id);
  await first.close(); // the socket drops

  const missed = [];
  for (let n = 0; n < 3; n += 1) missed.push(await create(client, { title: unique('missed') }));
  const resumed = new EventListener(seen.cursor);
  try {
    const replayed = await resumed.take(3);
    assert.deepEqual(replayed.map(({ kind, id }) => [kind, id]), missed.map(({ id }) => ['CREATED', id]));
    const live = await create(client, { title: unique('live again') });
    const [next] = await resumed.take(1);
    assert.equal(next.id, live.id);
    assert.equal(new Set([seen, ...replayed, next].map(({ cursor }) => cursor)).size, 5);
  } finally {
    await resumed.close();
  }
});
