// The GraphQL-over-HTTP audit (graphql-http's serverAudits) against the service at SERVICE_URL,
// printed as one JSON line: [{id, name, status, reason}] for every audit. Not a test file: the
// Python test tests/acceptance/test_http_audit.py runs it and judges the results.
import { serverAudits } from 'graphql-http';

const given = process.env.SERVICE_URL;
if (!given) throw new Error('SERVICE_URL must name the running service');
const url = `${given.replace(/\/+$/, '')}/graphql`;

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  results.push({ id: audit.id, name: audit.name, status: result.status, reason: result.reason });
}
console.log(JSON.stringify(results));
