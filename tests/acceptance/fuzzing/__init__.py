"""Cases for the fuzzer in test_fuzz.py: malformed HTTP requests, WebSocket junk and mutated
documents, each drawn from a seeded random generator, and the loops that send them.

- budget: the seed and the size of each run;
- answers: what every answer is checked for (no 5xx, no leak, nothing unmasked);
- corpus: the valid documents the cases start from, and the odd values they put in;
- request: one HTTP request of the fuzz, and what every generator of them builds on;
- bodies: JSON bodies that are malformed, or well formed and odd in what they hold;
- framing: bodies badly encoded, of other media types or too large, GET and other methods;
- malformed: the generator of malformed requests that draws on both;
- sending: sending numbered requests and tallying the answers;
- websocket_junk: WebSocket sessions of junk in both protocols;
- mutated: valid documents mutated at random, and counting the creates they made.
"""
