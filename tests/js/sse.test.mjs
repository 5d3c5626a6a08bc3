// The graphql-sse client (distinct connections mode) on /graphql/stream: todoEvents for a frontend
// that cannot use WebSockets, and queries and mutations over the same transport.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { createClient } from 'graphql-sse';

import {
  AUTHORIZATION,
  DELETE,
  EventListener,
  SSE_FETCH,
  STREAM_URL,
  UPDATE,
  create,
  dataOf,
  unique,
  urqlClient,
} from './support.mjs';

const listeners = [];

after(async () => {
  for (const listener of listeners) await listener.close();
});

test('todoEvents over SSE arrive in commit order with their versions', async () => {
  const { client } = urqlClient();
  const listener = new EventListener(undefined, { transport: 'sse' });
  listeners.push(listener);
  await listener.live(client);

  const todo = await create(client, { title: unique('over SSE') });
  await dataOf(client.mutation(UPDATE, { id: todo.id, input: { completed: true } }));
  await dataOf(client.mutation(DELETE, { id: todo.id }));

  const events = await listener.take(3);
  assert.deepEqual(
    events.map(({ kind, id, version }) => [kind, id, version]),
    [
      ['CREATED', todo.id, 1],
      ['UPDATED', todo.id, 2],
      ['DELETED', todo.id, 2],
    ],
  );
  assert.equal(events[1].todo.completed, true);
  assert.equal(events[2].todo, null);
});

test('a query and a mutation run over SSE and complete', async () => {
  const sse = createClient({ url: STREAM_URL, headers: AUTHORIZATION, retryAttempts: 0, fetchFn: SSE_FETCH });
  try {
    const title = unique('made over SSE');
    const [created] = await results(sse, {
      query: 'mutation ($t: String!) { createTodo(input: {title: $t}) { ... on Todo { id title } } }',
      variables: { t: title },
    });
    assert.equal(created.data.createTodo.title, title);
    const [read] = await results(sse, {
      query: 'query ($id: ID!) { todo(id: $id) { title version } }',
      variables: { id: created.data.createTodo.id },
    });
    assert.deepEqual(read.data, { todo: { title, version: 1 } });
    // GraphQL's own errors come as a result, not as a broken connection.
    const [invalid] = await results(sse, { query: '{ todo { nope } }' });
    assert.equal(invalid.data, null);
    assert.ok(invalid.errors.length > 0);
  } finally {
    sse.dispose();
  }
});

/** Every result of one operation, once the server has completed it. */
async function results(client, payload) {
  const received = [];
  for await (const result of client.iterate(payload)) received.push(result);
  return received;
}
