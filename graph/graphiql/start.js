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

// The Headers pane's Authorization (a bearer token, with AUTH_MODE=jwt) goes with queries as a
// header, and with subscriptions in connection_init, where the service reads it.
let headersText = parameters.headers || localStorage.getItem("graphiql:headers") || "";

function authorization() {
  try {
    const headers = JSON.parse(headersText || "{}");
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === "authorization") return String(value);
    }
  } catch (error) {
    // Headers that are not JSON yet (being typed): none.
  }
  return undefined;
}

const wsClient = graphqlWs.createClient({
  url: socketURL.toString(),
  lazy: true,
  connectionParams: () => {
    const value = authorization();
    return value ? { Authorization: value } : {};
  },
});

// A new token takes effect on the next subscription: the socket opened with the old one closes.
function onHeadersChanged(value) {
  const before = authorization();
  headersText = value;
  if (authorization() !== before) wsClient.terminate();
}

const fetcher = GraphiQL.createFetcher({
  url: fetchURL,
  headers: defaultHeaders,
  wsClient: wsClient,
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
    onEditHeaders(value) {
      setHeaders(value);
      onHeadersChanged(value);
      updateURL({ headers: "" }); // a token is not for sharing in a link
    },
    inputValueDeprecation: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(TodoGraphiQL),
);
