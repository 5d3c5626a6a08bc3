// urql's persistedExchange (Apollo's APQ protocol): a document's text goes to the service once,
// and from then on its SHA-256 alone, by GET for queries.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { Client, fetchExchange, gql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';

import { AUTHORIZATION, GRAPHQL_URL, create, dataOf, exitWithoutTeardown, unique, urqlClient } from './support.mjs';

/** An urql client with the persisted exchange; `requests` records what it sent and got. */
function persistedClient() {
  exitWithoutTeardown();
  const requests = [];
  const client = new Client({
    url: GRAPHQL_URL,
    exchanges: [
      persistedExchange({ preferGetForPersistedQueries: true, enableForMutation: true }),
      fetchExchange,
    ],
    requestPolicy: 'network-only',
    fetchOptions: () => ({ headers: AUTHORIZATION }),
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      const answer = await response.clone().json();
      requests.push({ method: init?.method ?? 'GET', url: new URL(String(url)), body: init?.body, answer });
      return response;
    },
  });
  return { client, requests };
}

/** Whether a request carried the document's text (in the body, or the URL's `query`). */
function carriesText({ url, body }) {
  return url.searchParams.has('query') || (body !== undefined && JSON.parse(body).query !== undefined);
}

test('a query goes by its hash alone once the service knows it, over GET', async () => {
  const title = unique('persisted');
  const todo = await create(urqlClient().client, { title });
  // A document the service has never seen, so that the first hash is unknown to it.
  const query = gql`query Fresh${randomUUID().replaceAll('-', '')}($id: ID!) { todo(id: $id) { id title } }`;

  const first = persistedClient();
  assert.deepEqual(await dataOf(first.client.query(query, { id: todo.id })), { todo: { id: todo.id, title } });
  assert.deepEqual(first.requests.map(carriesText), [false, true]);
  assert.equal(first.requests[0].method, 'GET');
  assert.equal(first.requests[0].answer.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');

  const second = persistedClient(); // another browser: the service remembers the document
  assert.deepEqual(await dataOf(second.client.query(query, { id: todo.id })), { todo: { id: todo.id, title } });
  assert.deepEqual(second.requests.map(carriesText), [false]);
  assert.equal(second.requests[0].method, 'GET');
});

test('a mutation goes by its hash too, over POST', async () => {
  const todo = await create(urqlClient().client, { title: unique('to rename') });
  const mutation = gql`mutation Rename${randomUUID().replaceAll('-', '')}($id: ID!, $title: String!) {
    updateTodo(id: $id, input: { title: $title }) { ... on Todo { title version } }
  }`;
  const { client, requests } = persistedClient();
  for (const version of [2, 3]) {
    const { updateTodo } = await dataOf(client.mutation(mutation, { id: todo.id, title: `v${version}` }));
    assert.deepEqual(updateTodo, { title: `v${version}`, version });
  }
  assert.deepEqual(requests.map(({ method }) => method), ['POST', 'POST', 'POST']);
  assert.deepEqual(requests.map(carriesText), [false, true, false]);
});
