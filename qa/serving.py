"""Who may reach `qa serve`: loopback by default, credentials when exposed."""

from __future__ import annotations

import ipaddress
import os

from .errors import QAError

AUTH_ENV = "QA_AUTH"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_auth(host: str, auth: str | None, no_auth: bool) -> tuple[str, str] | None:
    """The (user, password) the UI requires, or None; refuses an open non-loopback bind."""
    auth = auth or os.environ.get(AUTH_ENV) or None
    if auth is not None:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise QAError("--auth takes user:password (both non-empty)")
        return user, password
    if is_loopback(host) or no_auth:
        return None
    raise QAError(
        f"binding to {host} exposes the UI beyond this machine: give --auth user:password "
        f"(or set {AUTH_ENV}), or pass --no-auth to allow anyone on the network"
    )
