const WELCOME = $welcome;

// The query and variables are kept in the page's URL, so a query can be shared as a link.
const parameters = {};
for (const [key, value] of new URLSearchParams(window.location.search)) {
  parameters[key] = value;
}

function updateURL(data) {
  Object.assign(parameters, data);
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value) search.set(key, value);
  }
  history.replaceState(null, "", "?" + search.toString());
}

// The endpoint is this page's own URL: queries are POSTed to it, subscriptions open a
// WebSocket on it (graphql-transport-ws).
const pageURL = new URL(window.location.href);
pageURL.search = "";
pageURL.hash = "";
const fetchURL = pageURL.toString();
const socketURL = new URL(fetchURL);
socketURL.protocol = pageURL.protocol === "https:" ? "wss:" : "ws:";

const defaultHeaders = {};
const csrfToken = Cookies.get("csrftoken");
if (csrfToken) {
  defaultHeaders["x-csrftoken"] = csrfToken;
}

const fetcher = GraphiQL.createFetcher({
  url: fetchURL,
  headers: defaultHeaders,
  wsClient: graphqlWs.createClient({ url: socketURL.toString(), lazy: true }),
});

const explorer = GraphiQLPluginExplorer.explorerPlugin();

function TodoGraphiQL() {
  const [query, setQuery] = React.useState(parameters.q || WELCOME);
  const [variables, setVariables] = React.useState(parameters.variables);
  const [headers, setHeaders] = React.useState(parameters.headers);

  return React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: true,
    plugins: [explorer],
    query: query,
    variables: variables,
    headers: headers,
    onEditQuery(value) {
      setQuery(value);
      updateURL({ q: value });
    },
    onEditVariables(value) {
      setVariables(value);
      updateURL({ variables: value });
    },
    onEditHeaders: setHeaders,
    inputValueDeprecation: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(TodoGraphiQL),
);
