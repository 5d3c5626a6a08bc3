"""Checking bearer tokens (AUTH_MODE=jwt): JWTs signed with one configured key, a JWKS's keys, or
a shared secret, each key with the one algorithm its type allows (no `alg: none`, no algorithm
confusion). Verified tokens are remembered until they expire, so a client's every request does
not pay for the signature check again."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from settings import SettingError, Settings
from todos import owners

# A JWKS is fetched again for an unknown `kid` at most this often, so that a flood of tokens
# naming made-up keys cannot hammer the issuer; and never waited on for longer than this.
JWKS_REFRESH_SECONDS = 10.0
JWKS_TIMEOUT_SECONDS = 5.0
# Verified tokens remembered (each until it expires, and for at most VERIFIED_SECONDS).
VERIFIED_KEPT = 10_000
VERIFIED_SECONDS = 300.0


class TokenError(Exception):
    """A token that cannot be accepted; the message says why, for the client."""


@dataclass(frozen=True)
class Identity:
    subject: str  # the user: the token's `sub`
    expires_at: float  # the token's `exp`, in seconds since the epoch


def bearer_token(authorization: str | None) -> str:
    """The token in an `Authorization: Bearer <token>` value."""
    if not authorization:
        raise TokenError("This request needs a token: Authorization: Bearer <JWT>.")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("The Authorization header must be 'Bearer <JWT>'.")
    return token.strip()


def algorithm_for(key: Any) -> str:
    """The one algorithm a public key may sign with."""
    if isinstance(key, rsa.RSAPublicKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "EdDSA"
    raise ValueError("expected an RSA, P-256 or Ed25519 public key")


def _public_key(setting: str) -> Any:
    """The key JWT_PUBLIC_KEY holds: PEM text (its line breaks may be written as \\n), or the
    path of a PEM file."""
    text = setting.replace("\\n", "\n")
    if not text.lstrip().startswith("-----BEGIN"):
        try:
            text = Path(setting).read_text()
        except OSError as error:
            problem = f"neither PEM nor a readable file ({error})"
            raise SettingError("JWT_PUBLIC_KEY", problem) from None
    try:
        key = load_pem_public_key(text.encode())
        algorithm_for(key)
    except ValueError as error:
        raise SettingError("JWT_PUBLIC_KEY", f"not a usable public key: {error}") from None
    return key


class KeySet:
    """The keys of a JWKS by `kid`, fetched when a token names a key not seen yet."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._keys: dict[str, tuple[Any, str]] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def key(self, kid: str) -> tuple[Any, str]:
        """The key named `kid` and its algorithm."""
        if kid not in self._keys:
            async with self._lock:  # one fetch at a time; those waiting then find the key
                due = self._fetched_at is None or (
                    time.monotonic() - self._fetched_at >= JWKS_REFRESH_SECONDS
                )
                if kid not in self._keys and due:
                    await self._refresh()
        if kid not in self._keys:
            raise TokenError("The token is signed with a key this service does not know.")
        return self._keys[kid]

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        self.fetches += 1
        try:
            document = await asyncio.to_thread(_fetch_json, self.url)
            keys = jwt.PyJWKSet.from_dict(document).keys
        except (OSError, ValueError, jwt.PyJWKSetError):
            return  # keep the keys known; a token naming a new one is refused until it loads
        found: dict[str, tuple[Any, str]] = {}
        for jwk in keys:
            try:
                algorithm = algorithm_for(jwk.key)
            except ValueError:
                continue  # a secret or unknown key type: never accepted from a JWKS
            if jwk.key_id and jwk.algorithm_name in (algorithm, None):
                found[jwk.key_id] = (jwk.key, algorithm)
        self._keys = found


def _fetch_json(url: str) -> Any:
    request = urllib.request.Request(url, headers={"accept": "application/json"})
    with urllib.request.urlopen(request, timeout=JWKS_TIMEOUT_SECONDS) as response:
        return json.loads(response.read(1_000_000))


class TokenVerifier:
    """Turns a bearer token into an Identity, or a TokenError."""

    def __init__(self, settings: Settings) -> None:
        self._key: tuple[Any, str] | None = None
        self.key_set: KeySet | None = None
        if settings.jwt_secret:
            self._key = (settings.jwt_secret, "HS256")
        elif settings.jwt_public_key:
            key = _public_key(settings.jwt_public_key)
            self._key = (key, algorithm_for(key))
        else:
            self.key_set = KeySet(settings.jwt_jwks_url)
        self.issuer = settings.jwt_issuer or None
        self.audience = settings.jwt_audience or None
        self.leeway = settings.jwt_leeway_seconds
        self._verified: OrderedDict[str, tuple[Identity, float]] = OrderedDict()

    async def verify(self, token: str) -> Identity:
        remembered = self._verified.get(token)
        now = time.time()
        if remembered is not None:
            identity, until = remembered
            if now <= until and now <= identity.expires_at + self.leeway:
                self._verified.move_to_end(token)
                return identity
            del self._verified[token]
        identity = await self._check(token)
        self._verified[token] = (identity, now + VERIFIED_SECONDS)
        if len(self._verified) > VERIFIED_KEPT:
            self._verified.popitem(last=False)
        return identity

    async def _check(self, token: str) -> Identity:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise TokenError("The token is not a well-formed JWT.") from None
        key, algorithm = await self._signing_key(header)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                options={"require": ["exp", "sub"], "verify_aud": self.audience is not None},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("The token has expired.") from None
        except jwt.ImmatureSignatureError:
            raise TokenError("The token is not valid yet (nbf).") from None
        except jwt.MissingRequiredClaimError as error:
            raise TokenError(f"The token has no {error.claim!r} claim.") from None
        except jwt.InvalidIssuerError:
            raise TokenError("The token is from another issuer.") from None
        except jwt.InvalidAudienceError:
            raise TokenError("The token is for another audience.") from None
        except jwt.InvalidTokenError:  # a bad signature, a wrong algorithm, a malformed claim
            raise TokenError("The token is invalid.") from None
        subject, expires_at = claims["sub"], claims["exp"]  # both required, so present
        if not isinstance(subject, str) or not owners.is_valid(subject):
            raise TokenError("The token's sub must name a user (1 to 255 characters).")
        return Identity(subject, float(expires_at))

    async def _signing_key(self, header: dict[str, Any]) -> tuple[Any, str]:
        if self.key_set is None:
            assert self._key is not None
            key, algorithm = self._key
        else:
            kid = header.get("kid")
            if not isinstance(kid, str) or not kid:
                raise TokenError("The token names no key (kid).")
            key, algorithm = await self.key_set.key(kid)
        if header.get("alg") != algorithm:
            raise TokenError(f"The token must be signed with {algorithm}.")
        return key, algorithm
