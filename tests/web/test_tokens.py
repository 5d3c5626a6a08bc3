"""Token checks (web/tokens.py) with real signed tokens: every key type the contract names, every
bad-token case, and a JWKS whose keys rotate."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from settings import SettingError, Settings
from tests.tokens import SECRET, SigningKey, jwks_server, new_key, token, unsigned
from web import tokens
from web.tokens import TokenError, TokenVerifier, bearer_token


def verifier(**settings: Any) -> TokenVerifier:
    return TokenVerifier(Settings(auth_mode="jwt", **settings))


def with_key(key: SigningKey, **settings: Any) -> TokenVerifier:
    return verifier(jwt_public_key=key.public_pem, **settings)


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
async def test_a_public_key_accepts_its_own_algorithm_only(algorithm: str) -> None:
    key = new_key(algorithm)
    check = with_key(key)
    identity = await check.verify(token("alice", key=key))
    assert identity.subject == "alice"
    assert identity.expires_at > time.time()
    other = new_key(algorithm)
    with pytest.raises(TokenError, match="invalid"):
        await check.verify(token("alice", key=other))  # another key of the same type


async def test_a_secret_accepts_hs256() -> None:
    check = verifier(jwt_secret=SECRET)
    assert (await check.verify(token("bob"))).subject == "bob"
    with pytest.raises(TokenError, match="invalid"):
        await check.verify(token("bob", secret="another-secret-that-is-long-enough-too!!"))


async def test_algorithm_confusion_is_refused() -> None:
    # The classic attack: HS256 with the service's public key as the "secret".
    key = new_key("RS256")
    forged = _hs256_with_public_key(key)
    with pytest.raises(TokenError, match="RS256"):
        await with_key(key).verify(forged)
    # Nor may a secret's verifier take a token signed with a key pair.
    with pytest.raises(TokenError, match="HS256"):
        await verifier(jwt_secret=SECRET).verify(token("mallory", key=key))


def _hs256_with_public_key(key: SigningKey) -> str:
    """PyJWT refuses to sign HS256 with a PEM, as an attacker's tool would not: sign by hand."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = part(json.dumps({"sub": "mallory", "exp": int(time.time()) + 600}).encode())
    signing_input = f"{header}.{claims}".encode()
    mac = hmac.new(key.public_pem.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{claims}.{part(mac)}"


@pytest.mark.parametrize(
    ("bad_token", "reason"),
    [
        (lambda: unsigned(), "HS256"),
        (lambda: "not.a.jwt", "well-formed"),
        (lambda: "", "well-formed"),
        (lambda: token(lifetime=-60), "expired"),
        (lambda: token(exp=None), "'exp'"),
        (lambda: token(sub=None), "'sub'"),
        (lambda: token(sub=""), "sub"),
        (lambda: token(sub=12345), "invalid"),
        (lambda: token(sub="x" * 256), "sub"),
        (lambda: token(exp="tomorrow"), "invalid"),
        (lambda: token(nbf=int(time.time()) + 600), "not valid yet"),
    ],
    ids=[
        "alg none", "garbage", "empty", "expired", "no exp", "no sub", "empty sub",
        "sub not a string", "sub too long", "exp not a number", "nbf in the future",
    ],
)  # fmt: skip
async def test_bad_tokens_are_refused(bad_token: Any, reason: str) -> None:
    with pytest.raises(TokenError, match=reason):
        await verifier(jwt_secret=SECRET).verify(bad_token())


async def test_exp_and_nbf_have_the_configured_leeway() -> None:
    lenient = verifier(jwt_secret=SECRET, jwt_leeway_seconds=30)
    strict = verifier(jwt_secret=SECRET, jwt_leeway_seconds=0)
    just_expired = token(lifetime=-5)
    assert (await lenient.verify(just_expired)).subject == "alice"
    with pytest.raises(TokenError, match="expired"):
        await strict.verify(just_expired)
    almost_valid = token(nbf=int(time.time()) + 10)
    assert (await lenient.verify(almost_valid)).subject == "alice"


async def test_issuer_and_audience_are_checked_when_set() -> None:
    check = verifier(jwt_secret=SECRET, jwt_issuer="https://id.example", jwt_audience="todos")
    good = token(iss="https://id.example", aud="todos")
    assert (await check.verify(good)).subject == "alice"
    with pytest.raises(TokenError, match="issuer"):
        await check.verify(token(iss="https://evil.example", aud="todos"))
    with pytest.raises(TokenError, match="iss"):
        await check.verify(token(aud="todos"))
    with pytest.raises(TokenError, match="audience"):
        await check.verify(token(iss="https://id.example", aud="other"))
    # Unset, neither is looked at.
    assert (await verifier(jwt_secret=SECRET).verify(token(aud="anything"))).subject == "alice"


async def test_a_remembered_token_still_expires() -> None:
    check = verifier(jwt_secret=SECRET, jwt_leeway_seconds=0)
    short = token(lifetime=2)
    assert (await check.verify(short)).subject == "alice"  # now remembered
    await asyncio.sleep(2.5)
    with pytest.raises(TokenError, match="expired"):
        await check.verify(short)


def test_the_authorization_header_must_be_bearer() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    for value in (None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "abc"):
        with pytest.raises(TokenError):
            bearer_token(value)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"jwt_secret": SECRET, "jwt_jwks_url": "http://127.0.0.1:1/jwks"},
        {"jwt_public_key": "/no/such/file.pem"},
        {"jwt_public_key": "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----"},
        {"jwt_jwks_url": "file:///etc/passwd"},
    ],
    ids=["no key", "two keys", "missing file", "not a key", "jwks not http"],
)
def test_jwt_mode_without_one_usable_key_refuses_to_start(settings: dict[str, str]) -> None:
    with pytest.raises(SettingError, match=r"JWT_|AUTH_MODE"):
        verifier(**settings)


def test_a_public_key_may_be_a_file_or_escaped_text(tmp_path: Any) -> None:
    key = new_key("ES256")
    path = tmp_path / "public.pem"
    path.write_text(key.public_pem)
    assert with_key(key)._key is not None
    assert verifier(jwt_public_key=str(path))._key is not None
    assert verifier(jwt_public_key=key.public_pem.replace("\n", "\\n"))._key is not None


async def test_jwks_keys_rotate_and_unknown_kids_are_fetched_at_most_every_10_s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = new_key("RS256", "first"), new_key("EdDSA", "second")
    with jwks_server([first]) as issuer:
        check = verifier(jwt_jwks_url=issuer.url)
        assert (await check.verify(token("alice", key=first))).subject == "alice"
        assert issuer.fetches == 1
        # A flood of made-up kids within 10 s of that fetch: refused without asking again.
        made_up = [token("mallory", key=first, kid=f"kid-{n}") for n in range(50)]
        for forged in made_up:
            with pytest.raises(TokenError, match="does not know"):
                await check.verify(forged)
        assert issuer.fetches == 1
        # The issuer rotates: once 10 s have passed, a token with the new kid is fetched for.
        issuer.keys = [second]
        clock = time.monotonic() + tokens.JWKS_REFRESH_SECONDS
        monkeypatch.setattr(time, "monotonic", lambda: clock)
        assert (await check.verify(token("bob", key=second))).subject == "bob"
        assert issuer.fetches == 2
        # The retired key's tokens are refused once they are no longer remembered.
        with pytest.raises(TokenError, match="does not know"):
            await check.verify(token("carol", key=first))


async def test_a_jwks_never_lends_a_secret_or_a_key_to_another_algorithm() -> None:
    rsa_key = new_key("RS256", "rsa")
    with jwks_server([rsa_key]) as issuer:
        secret_jwk = {"kty": "oct", "kid": "secret", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ"}
        mislabelled = {**rsa_key.jwk(), "kid": "mislabelled", "alg": "PS256"}
        issuer.document = lambda: {"keys": [rsa_key.jwk(), secret_jwk, mislabelled]}  # type: ignore[method-assign]
        check = verifier(jwt_jwks_url=issuer.url)
        hs = token("m", secret="a-secret-long-enough-for-hs256-keys!", headers={"kid": "secret"})
        for forged in (hs, token("m", key=rsa_key, kid="mislabelled")):
            with pytest.raises(TokenError, match="does not know"):
                await check.verify(forged)
        assert (await check.verify(token("alice", key=rsa_key))).subject == "alice"


async def test_a_slow_or_missing_jwks_refuses_tokens_within_its_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tokens, "JWKS_TIMEOUT_SECONDS", 0.5)
    key = new_key("ES256")
    with jwks_server([key]) as issuer:
        issuer.delay = 3.0
        check = verifier(jwt_jwks_url=issuer.url)
        started = time.monotonic()
        with pytest.raises(TokenError, match="does not know"):
            await check.verify(token(key=key))
        assert time.monotonic() - started < 2.0
    gone = verifier(jwt_jwks_url="http://127.0.0.1:1/jwks.json")
    with pytest.raises(TokenError, match="does not know"):
        await gone.verify(token(key=key))
