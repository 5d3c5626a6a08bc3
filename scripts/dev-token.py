"""Prints a development token for AUTH_MODE=jwt, signed with the configured JWT_SECRET (from the
environment or .env), with JWT_ISSUER and JWT_AUDIENCE when they are set.

make token SUB=alice [MINUTES=60]
"""

from __future__ import annotations

import argparse
import sys
import time

import jwt

from settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sub", help="the user the token names")
    parser.add_argument("--minutes", type=float, default=60.0, help="how long it is valid")
    arguments = parser.parse_args()
    settings = Settings.from_environment()
    if not settings.jwt_secret:
        print(
            "make token: no JWT_SECRET is set (in the environment or .env): development tokens "
            "are signed with it; with JWT_PUBLIC_KEY or JWT_JWKS_URL, your issuer makes them.",
            file=sys.stderr,
        )
        return 2
    if not arguments.sub or arguments.minutes <= 0:
        parser.error("SUB must not be empty, and MINUTES must be positive")
    now = int(time.time())
    claims: dict[str, object] = {"sub": arguments.sub, "iat": now}
    claims["exp"] = now + int(arguments.minutes * 60)
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    print(jwt.encode(claims, settings.jwt_secret, algorithm="HS256"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
