// What the tests share: the service's URL, an urql client as a frontend builds one, the operations,
// and a graphql-ws subscription that collects todoEvents. Not a test file (node --test skips it).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { Client, cacheExchange, fetchExchange, gql } from '@urql/core';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const given = process.env.SERVICE_URL;
if (!given) {
  throw new Error('SERVICE_URL must name the running service, e.g. http://127.0.0.1:8000');
}
/** The service's base URL, without a trailing slash. */
export const SERVICE_URL = given.replace(/\/+$/, '');
export const GRAPHQL_URL = `${SERVICE_URL}/graphql`;
export const WS_URL = GRAPHQL_URL.replace(/^http/, 'ws');
/** graphql-sse's endpoint (distinct connections mode), for clients without WebSockets. */
export const STREAM_URL = `${GRAPHQL_URL}/stream`;

/**
 * AUTH_MODE=jwt: SERVICE_TOKEN is the user's bearer token, sent as a frontend sends it: urql's
 * fetchOptions on every request, graphql-ws's connectionParams in connection_init.
 */
const TOKEN = process.env.SERVICE_TOKEN;
export const AUTHORIZATION = TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {};

/**
 * graphql-sse's fetch. Node 18's fetch keeps a response body that is read with `for await` open
 * after its request is aborted, so an unsubscribed stream would keep the process (and the test
 * file) alive: there the body is read with a reader, cancelled on abort. Newer Node: plain fetch.
 */
export const SSE_FETCH = Number(process.versions.node.split('.')[0]) < 20 ? fetchClosingOnAbort : undefined;

async function fetchClosingOnAbort(url, init) {
  const response = await fetch(url, init);
  if (!response.body) return response;
  const reader = response.body.getReader();
  init.signal?.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  const body = (async function* read() {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  })();
  const { ok, status, statusText, headers } = response;
  return { ok, status, statusText, headers, body };
}

/** How long to wait for one event before failing. */
export const WAIT_MS = 10_000;

/** A title no other test (or earlier run) uses. */
export function unique(label) {
  return `${label} ${randomUUID()}`;
}

/**
 * An urql client as a frontend makes one: the document cache and fetch. urql 6 sends queries by
 * GET (within the URL length limit) and mutations by POST; `methods` records what it sent.
 */
export function urqlClient() {
  exitWithoutTeardown();
  const methods = [];
  const client = new Client({
    url: GRAPHQL_URL,
    exchanges: [cacheExchange, fetchExchange],
    // Every read goes to the service: the tests check what it stores, not the client's cache.
    requestPolicy: 'network-only',
    fetchOptions: () => ({ headers: AUTHORIZATION }),
    fetch: (url, init) => {
      methods.push({ method: init?.method ?? 'GET', url: String(url) });
      return fetch(url, init);
    },
  });
  return { client, methods };
}

let exitHooked = false;

/**
 * Once fetch has been used, leave at once when the test file is done rather than tear the
 * environment down: there, Node 18.19's V8 can loop forever on a FinalizationRegistry that fetch
 * (undici) left dirty, and the file never ends (nodejs/node#47748). Everything has been written
 * out by then. Set only once a test runs, so that an error while loading is still printed.
 */
export function exitWithoutTeardown() {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', (code) => process.exit(code));
}

/** The data of an urql result, failing the test on any error (network or GraphQL). */
export async function dataOf(pending) {
  const result = await pending.toPromise();
  if (result.error) {
    const cause = result.error.networkError?.cause;
    assert.fail(`urql: ${result.error.message}${cause ? ` (${cause.message ?? cause})` : ''}`);
  }
  assert.ok(result.data, 'no data in the result');
  return result.data;
}

const TODO_FIELDS = 'id title completed order version createdAt updatedAt';

export const CREATE = gql`
  mutation Create($input: CreateTodoInput!) {
    createTodo(input: $input) {
      __typename
      ... on Todo { ${TODO_FIELDS} }
      ... on ValidationError { field message }
    }
  }
`;

export const UPDATE = gql`
  mutation Update($id: ID!, $input: UpdateTodoInput!) {
    updateTodo(id: $id, input: $input) {
      __typename
      ... on Todo { ${TODO_FIELDS} }
      ... on ValidationError { field message }
      ... on NotFoundError { id message }
      ... on VersionConflictError { message current { ${TODO_FIELDS} } }
    }
  }
`;

export const DELETE = gql`
  mutation Delete($id: ID!, $expectedVersion: Int) {
    deleteTodo(id: $id, expectedVersion: $expectedVersion) {
      __typename
      ... on DeletedTodo { id }
      ... on NotFoundError { id message }
      ... on VersionConflictError { message current { id version } }
    }
  }
`;

export const DELETE_ALL = gql`
  mutation DeleteAll {
    deleteTodos { affectedCount }
  }
`;

export const TODO = gql`
  query Todo($id: ID!) {
    todo(id: $id) { ${TODO_FIELDS} }
  }
`;

export const PAGE = gql`
  query Page($first: Int, $after: String) {
    todos(first: $first, after: $after) {
      totalCount
      nodes { id title order }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const TODO_EVENTS = `
  subscription TodoEvents($after: String) {
    todoEvents(after: $after) { kind id version cursor todo { id title completed order version } }
  }
`;

/** The todo a createTodo result holds, failing the test when it is anything else. */
export async function create(client, input) {
  const { createTodo } = await dataOf(client.mutation(CREATE, { input }));
  assert.equal(createTodo.__typename, 'Todo', JSON.stringify(createTodo));
  return createTodo;
}

/** Values pushed by one side, taken in order by the other, with a deadline per value. */
class Queue {
  #items = [];
  #waiting = [];

  push(item) {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(item);
    else this.#items.push(item);
  }

  /** The next item, or undefined when none comes within `ms`. */
  poll(ms) {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift());
    return new Promise((resolve) => {
      const waiter = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        resolve(undefined);
      }, ms);
      this.#waiting.push(waiter);
    });
  }
}

/**
 * A todoEvents subscription over graphql-ws (the graphql-transport-ws protocol), with `ws` as the
 * WebSocket (Node 18 has none of its own), or with `transport: 'sse'` over graphql-sse, which
 * sends the token as a header. `live()` returns once events provably reach it.
 */
export class EventListener {
  #queue = new Queue();
  #failure = undefined;

  /** `after`: the cursor of the last event seen, to resume after it. */
  constructor(after = undefined, { transport = 'ws' } = {}) {
    this.client =
      transport === 'sse'
        ? createSseClient({ url: STREAM_URL, headers: AUTHORIZATION, retryAttempts: 0, fetchFn: SSE_FETCH })
        : createClient({
            url: WS_URL,
            webSocketImpl: WebSocket,
            retryAttempts: 0,
            lazy: true,
            connectionParams: () => AUTHORIZATION,
          });
    this.unsubscribe = this.client.subscribe(
      { query: TODO_EVENTS, variables: { after } },
      {
        next: (result) => {
          if (result.errors) this.#fail(new Error(`errors: ${JSON.stringify(result.errors)}`));
          else this.#queue.push(result.data.todoEvents);
        },
        error: (error) => this.#fail(error instanceof Error ? error : closeError(error)),
        complete: () => this.#fail(new Error('the subscription completed')),
      },
    );
  }

  #fail(error) {
    this.#failure ??= error;
    this.#queue.push(undefined);
  }

  /** The next event, failing when none arrives within `ms` or the subscription ended. */
  async next(ms = WAIT_MS) {
    const event = await this.poll(ms);
    assert.ok(event, `no todoEvents event within ${ms} ms`);
    return event;
  }

  /** The next event, or undefined when none arrives within `ms`. */
  async poll(ms) {
    const event = await this.#queue.poll(ms);
    if (this.#failure) throw this.#failure;
    return event;
  }

  async take(count) {
    const events = [];
    for (let i = 0; i < count; i += 1) events.push(await this.next());
    return events;
  }

  /**
   * The server starts a subscription asynchronously: change a probe todo until an event arrives,
   * then delete the probe and skip the events up to its deletion.
   */
  async live(client) {
    const probe = await create(client, { title: unique('probe') });
    const deadline = Date.now() + WAIT_MS;
    let order = 0;
    while ((await this.poll(200)) === undefined) {
      assert.ok(Date.now() < deadline, `the subscription received no event within ${WAIT_MS} ms`);
      order += 1;
      await dataOf(client.mutation(UPDATE, { id: probe.id, input: { order } }));
    }
    await dataOf(client.mutation(DELETE, { id: probe.id }));
    for (;;) {
      const event = await this.next();
      if (event.kind === 'DELETED' && event.id === probe.id) return;
    }
  }

  async close() {
    this.unsubscribe();
    await this.client.dispose();
  }
}

function closeError(event) {
  // graphql-ws reports a closed socket with its CloseEvent, a failed connection with an ErrorEvent.
  const detail = event?.code ? `closed ${event.code} ${event.reason}` : String(event?.message ?? event);
  return new Error(`the subscription failed: ${detail}`);
}
