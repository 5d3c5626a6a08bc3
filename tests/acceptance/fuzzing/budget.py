"""The seed of every case of the fuzz, and the size of each run."""

from __future__ import annotations

SEED = 20261128
# Per operation and generation mode: some 650 requests, about 20 s on two busy cores.
SCHEMATHESIS_EXAMPLES = 40
# The malformed-request fuzzer: cases are numbered and each is generated from (SEED, number), so a
# run is the same whatever the timing; the time limits only cut a run short on a slow machine.
MALFORMED_CASES = 6000
MALFORMED_SECONDS = 20.0
WEBSOCKET_SESSIONS = 300
DOCUMENT_CASES = 2500
DOCUMENT_SECONDS = 10.0
IN_FLIGHT = 6
