"""Real signed tokens for the identity tests: keys of each type the service accepts, and JWTs
made with them as an issuer would make them."""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

SECRET = "a-test-secret-that-is-long-enough-for-hs256!"
# A deployed stack in jwt mode (`make release AUTH=jwt`) checks tokens with the public half of a
# key pair made for the run; the acceptance tests get the private half (PEM, "\n" for its line
# breaks) and sign with it.
DEPLOYED_KEY = os.environ.get("ACCEPTANCE_JWT_PRIVATE_KEY", "")


@dataclass(frozen=True)
class SigningKey:
    algorithm: str
    private: Any
    kid: str = "key-1"

    @property
    def public_pem(self) -> str:
        return str(
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def jwk(self) -> dict[str, Any]:
        algorithm = jwt.get_algorithm_by_name(self.algorithm)
        public: dict[str, Any] = json.loads(algorithm.to_jwk(self.private.public_key()))
        return {**public, "kid": self.kid, "use": "sig"}


def new_key(algorithm: str, kid: str = "key-1") -> SigningKey:
    if algorithm == "RS256":
        return SigningKey(algorithm, rsa.generate_private_key(65537, 2048), kid)
    if algorithm == "ES256":
        return SigningKey(algorithm, ec.generate_private_key(ec.SECP256R1()), kid)
    if algorithm == "EdDSA":
        return SigningKey(algorithm, ed25519.Ed25519PrivateKey.generate(), kid)
    raise ValueError(algorithm)


@functools.cache
def _deployed_key() -> SigningKey | None:
    if not DEPLOYED_KEY:
        return None
    private = serialization.load_pem_private_key(DEPLOYED_KEY.replace("\\n", "\n").encode(), None)
    algorithm = "ES256" if isinstance(private, ec.EllipticCurvePrivateKey) else "RS256"
    return SigningKey(algorithm, private, kid="")


def token(
    sub: object = "alice",
    *,
    key: SigningKey | None = None,
    secret: str = SECRET,
    lifetime: float = 600,
    kid: str | None = None,
    headers: dict[str, Any] | None = None,
    **claims: Any,
) -> str:
    """A JWT for `sub`, signed with `key` (when None: the deployed stack's key, if any, else
    HS256 with `secret`), valid for `lifetime` seconds; `claims` add to or replace (None: leave
    out) the standard ones."""
    if key is None and secret == SECRET:
        key = _deployed_key()
    now = int(time.time())
    payload: dict[str, Any] = {"sub": sub, "iat": now, "exp": now + int(lifetime)}
    payload |= claims
    payload = {name: value for name, value in payload.items() if value is not None}
    header = dict(headers or {})
    if key is None:
        return jwt.encode(payload, secret, algorithm="HS256", headers=header or None)
    if kid is not None or key.kid:
        header["kid"] = kid if kid is not None else key.kid
    return jwt.encode(payload, key.private, algorithm=key.algorithm, headers=header)


def unsigned(sub: str = "alice") -> str:
    """A token with `alg: none`, which no service may accept."""
    claims = {"sub": sub, "exp": int(time.time()) + 600}
    return jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]  # PyJWT's stubs want a key


def bearer(jwt_text: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt_text}"}


@dataclass
class JwksServer:
    """A local issuer's JWKS endpoint, whose keys a test may rotate; it counts its fetches."""

    keys: list[SigningKey]
    fetches: int = 0
    delay: float = 0.0  # seconds before answering (a slow issuer)
    url: str = field(default="", init=False)

    def document(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in self.keys]}


@contextmanager
def jwks_server(keys: list[SigningKey]) -> Iterator[JwksServer]:
    served = JwksServer(keys)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.fetches += 1
            time.sleep(served.delay)
            body = json.dumps(served.document()).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
