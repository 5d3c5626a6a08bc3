#!/usr/bin/env bats
# The book's acceptance tests of the REST API, run with Debian's bats, curl and jq against the
# service at SERVICE_URL (default http://127.0.0.1:8000); tests/acceptance/test_bats.py runs them.
# Fixed from the original file: one variable for the base URL, everywhere; curl fails on an HTTP
# error (-f) and shows why (-S) instead of passing silently; the status line is read from -w, not
# written to a file named "I" (-oI); the Location header is matched without regard to case (HTTP
# header names are case-insensitive, and this service sends them in lower case) and without its
# CR; every expansion is quoted, so a title with spaces compares as one word.

setup() {
    url=${SERVICE_URL:-http://127.0.0.1:8000}
    url=${url%/}
    item='{"title":"Wash the car","order":1}'
    curl -fsS -X DELETE "$url/todos"
}

# The Location header of a `curl -i` response in $output.
location() {
    printf '%s\n' "$output" | tr -d '\r' | sed -n 's/^[Ll][Oo][Cc][Aa][Tt][Ii][Oo][Nn]: *//p'
}

@test "the root answers 200" {
    run curl -sS -o /dev/null -w '%{http_code}' "$url/"
    [ "$status" -eq 0 ]
    [ "$output" = 200 ]
}

@test "an empty list has length 0" {
    run curl -fsS "$url/todos"
    [ "$status" -eq 0 ]
    [ "$(printf '%s' "$output" | jq 'length')" = 0 ]
}

@test "POST answers 201 Created with a Location whose todo has the posted title" {
    run curl -fsS -i -X POST -H 'Content-Type: application/json' -d "$item" "$url/todos"
    [ "$status" -eq 0 ]
    [[ "$output" == *"201 Created"* ]]
    todo_url=$(location)
    [ -n "$todo_url" ]
    [ "$(curl -fsS "$todo_url" | jq -r '.title')" = "$(printf '%s' "$item" | jq -r '.title')" ]
}

@test "DELETE of that Location answers 204 No Content and the list is empty again" {
    run curl -fsS -i -X POST -H 'Content-Type: application/json' -d "$item" "$url/todos"
    [ "$status" -eq 0 ]
    todo_url=$(location)
    [ -n "$todo_url" ]
    [ "$(curl -fsS "$url/todos" | jq 'length')" = 1 ]
    run curl -fsS -i -X DELETE "$todo_url"
    [ "$status" -eq 0 ]
    [[ "$output" == *"204 No Content"* ]]
    [ "$(curl -fsS "$url/todos" | jq 'length')" = 0 ]
}
