"""Login limits (django-axes): per username and address, and per account across addresses.

`AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]` makes axes count a login's
failures twice: for the username from this address, and for the username from anywhere. Axes
compares the larger of the two with its one limit, so the account would be locked as soon as the
pair is; `AccountAndAddressHandler` gives the account its own, higher limit
(`LOGIN_ACCOUNT_FAILURE_LIMIT`): someone trying one password on an account from many addresses is
stopped there, while a user who mistypes from home does not lock the account everywhere.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The failures of this username from this address; raised to the pair's limit once the
        username's failures from every address reach LOGIN_ACCOUNT_FAILURE_LIMIT."""
        pair, account = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if get_client_username(request, credentials) and account >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address
    the outermost one saw, read from the right of X-Forwarded-For (each proxy appends the address
    it received the request from; what a client writes itself stays on the left)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # not through the proxies (a direct connection): its own address
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
