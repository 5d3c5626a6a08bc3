// Apollo Client 4 as a frontend sets it up (see the README's "For frontend developers"): the
// normalised cache (by __typename and id), possibleTypes from possibleTypes.json,
// relayStylePagination over `edges`, automatic persisted queries, and eviction after a delete.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';

import { AUTHORIZATION, GRAPHQL_URL, create, exitWithoutTeardown, unique, urqlClient } from './support.mjs';

const possibleTypes = JSON.parse(readFileSync(new URL('../../possibleTypes.json', import.meta.url)));

const SHOWN = 'id title completed version';

const LIST = gql`
  query Listed($marker: String!, $first: Int!, $after: String) {
    todos(filter: { titleContains: $marker }, first: $first, after: $after) {
      edges { cursor node { ${SHOWN} } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

const UPDATE = gql`
  mutation Rename($id: ID!, $title: String!, $expectedVersion: Int) {
    updateTodo(id: $id, input: { title: $title, expectedVersion: $expectedVersion }) {
      __typename
      ... on Todo { ${SHOWN} }
      ... on UserError { message }
      ... on VersionConflictError { current { ${SHOWN} } }
    }
  }
`;

const DELETE = gql`
  mutation Remove($id: ID!) {
    deleteTodo(id: $id) { __typename ... on DeletedTodo { id } ... on UserError { message } }
  }
`;

/** An Apollo Client on the service; `requests` records what its fetch sent. */
function apollo({ persisted = false } = {}) {
  exitWithoutTeardown();
  const requests = [];
  const http = new HttpLink({
    uri: GRAPHQL_URL,
    headers: AUTHORIZATION,
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      const sent = { method: init?.method ?? 'GET', url: String(url), body: init?.body };
      requests.push({ ...sent, answer: await response.clone().json() });
      return response;
    },
  });
  const sha256 = (text) => createHash('sha256').update(text).digest('hex');
  const link = persisted
    ? new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(http)
    : http;
  const cache = new InMemoryCache({
    possibleTypes,
    typePolicies: { Query: { fields: { todos: relayStylePagination(['filter', 'sort']) } } },
  });
  return { client: new ApolloClient({ link, cache }), requests };
}

/** Todos whose titles share a marker no other test uses, created through urql. */
async function todosMarked(count) {
  const marker = unique('apollo');
  const { client } = urqlClient();
  const made = [];
  for (let n = 0; n < count; n += 1) made.push(await create(client, { title: `${marker} ${n}` }));
  return { marker, made };
}

test('a mutation updates the listed todo in the normalised cache, without a refetch', async () => {
  const { marker, made } = await todosMarked(2);
  const { client, requests } = apollo();
  const variables = { marker, first: 10 };
  const { data } = await client.query({ query: LIST, variables });
  assert.deepEqual(data.todos.edges.map(({ node }) => node.id), made.map(({ id }) => id));

  const renamed = `${marker} renamed`;
  const { data: answer } = await client.mutate({ mutation: UPDATE, variables: { id: made[0].id, title: renamed } });
  assert.equal(answer.updateTodo.version, 2);
  const cached = client.readQuery({ query: LIST, variables });
  assert.equal(cached.todos.edges[0].node.title, renamed);
  assert.equal(cached.todos.edges[0].node.version, 2);
  assert.equal(requests.length, 2, 'one query and one mutation: no refetch');

  // A refused update's `current` (every displayed field selected) refreshes the cache too.
  const { data: stale } = await client.mutate({
    mutation: UPDATE,
    variables: { id: made[1].id, title: 'never', expectedVersion: 7 },
  });
  assert.equal(stale.updateTodo.__typename, 'VersionConflictError');
  assert.match(stale.updateTodo.message, /version/i); // `... on UserError`: possibleTypes at work
  assert.equal(client.readQuery({ query: LIST, variables }).todos.edges[1].node.version, 1);
  // The cache answers a fragment on the Node interface from possibleTypes.
  const fragment = gql`fragment Shown on Node { id ... on Todo { title version } }`;
  const id = client.cache.identify({ __typename: 'Todo', id: made[0].id });
  assert.deepEqual(client.readFragment({ id, fragment }), {
    __typename: 'Todo', id: made[0].id, title: renamed, version: 2,
  });
});

test('relayStylePagination merges the pages fetchMore brings over edges', async () => {
  const { marker, made } = await todosMarked(5);
  const { client } = apollo();
  const variables = { marker, first: 2 };
  const watched = client.watchQuery({ query: LIST, variables });
  let { data } = await watched.refetch();
  while (data.todos.pageInfo.hasNextPage) {
    await watched.fetchMore({ variables: { after: data.todos.pageInfo.endCursor } });
    data = watched.getCurrentResult().data;
  }
  assert.deepEqual(data.todos.edges.map(({ node }) => node.id), made.map(({ id }) => id));
  assert.equal(new Set(data.todos.edges.map(({ cursor }) => cursor)).size, 5);
});

test('automatic persisted queries: the text once, then the hash alone, by GET for queries', async () => {
  const { marker, made } = await todosMarked(1);
  // A document the service has never seen: its hash is unknown until this client registers it.
  const fresh = gql`query Fresh${randomUUID().replaceAll('-', '')}($marker: String!, $first: Int!) {
    todos(filter: { titleContains: $marker }, first: $first) { edges { node { ${SHOWN} } } }
  }`;
  const variables = { marker, first: 10 };
  const first = apollo({ persisted: true });
  const { data } = await first.client.query({ query: fresh, variables });
  assert.equal(data.todos.edges[0].node.id, made[0].id);
  const [byHash, withText] = first.requests;
  assert.equal(byHash.method, 'GET');
  assert.ok(!new URL(byHash.url).searchParams.has('query'), 'the first try carries the hash only');
  assert.equal(byHash.answer.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
  assert.equal(withText.answer.data.todos.edges.length, 1);

  // Another client (another browser): the hash alone, over GET, which a CDN can cache.
  const second = apollo({ persisted: true });
  const again = await second.client.query({ query: fresh, variables });
  assert.deepEqual(again.data, data);
  assert.equal(second.requests.length, 1);
  assert.equal(second.requests[0].method, 'GET');
  assert.ok(!new URL(second.requests[0].url).searchParams.has('query'));

  // Mutations go by POST, hash first too.
  const renamed = `${marker} by hash`;
  for (const { client, requests } of [first, second]) {
    const { data: answer } = await client.mutate({ mutation: UPDATE, variables: { id: made[0].id, title: renamed } });
    assert.equal(answer.updateTodo.title, renamed);
    assert.ok(requests.slice(-1)[0].method === 'POST');
  }
  const last = second.requests.slice(-1)[0];
  assert.equal(JSON.parse(last.body).query, undefined, 'registered by the first: hash alone');
});

test('a deleted todo, evicted from the cache, leaves every list that showed it', async () => {
  const { marker, made } = await todosMarked(2);
  const { client } = apollo();
  const variables = { marker, first: 10 };
  await client.query({ query: LIST, variables });
  const { data } = await client.mutate({
    mutation: DELETE,
    variables: { id: made[0].id },
    update(cache, { data: { deleteTodo } }) {
      if (deleteTodo.__typename !== 'DeletedTodo') return;
      cache.evict({ id: cache.identify({ __typename: 'Todo', id: deleteTodo.id }) });
      cache.gc();
    },
  });
  assert.equal(data.deleteTodo.__typename, 'DeletedTodo');
  const cached = client.readQuery({ query: LIST, variables });
  assert.deepEqual(cached.todos.edges.map(({ node }) => node.id), [made[1].id]);
});

test('a refused request reaches Apollo as GraphQL errors, with their code', async () => {
  const { client, requests } = apollo();
  // Over a limit (MAX_ALIASES): a 400 in application/graphql-response+json, which Apollo reads.
  const aliases = Array.from({ length: 40 }, (_, n) => `a${n}: todoStats { total }`).join(' ');
  await assert.rejects(client.query({ query: gql`query Many { ${aliases} }` }), (error) => {
    assert.ok(CombinedGraphQLErrors.is(error), `not GraphQL errors: ${error}`);
    assert.equal(error.errors[0].extensions.code, 'BAD_USER_INPUT');
    return true;
  });
  await assert.rejects(
    client.query({ query: LIST, variables: { marker: 'x', first: 'ten' } }),
    (error) => {
      assert.ok(CombinedGraphQLErrors.is(error), `not GraphQL errors: ${error}`);
      assert.match(error.errors[0].message, /\$first/);
      assert.equal(error.errors[0].extensions.code, 'BAD_USER_INPUT');
      return true;
    },
  );
  // A field the schema does not have: Apollo Server's code, which clients already branch on.
  await assert.rejects(client.query({ query: gql`query Typo { todoz { totalCount } }` }), (error) => {
    assert.ok(CombinedGraphQLErrors.is(error), `not GraphQL errors: ${error}`);
    assert.equal(error.errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    return true;
  });
  assert.deepEqual(requests.map(({ answer }) => 'data' in answer), [false, false, false]);
});
