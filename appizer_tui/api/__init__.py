"""The Appizer HTTP API: client, typed models, errors, rate-limit headers. No Textual here.

The names below are imported on first use, so `from appizer_tui.api.models import Campaign` (the
simulator, the store) or the command line's argument checks never load httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appizer_tui._lazy import lazy_exports

if TYPE_CHECKING:
    from appizer_tui.api.client import AppizerClient
    from appizer_tui.api.errors import (
        AppizerError,
        AuthError,
        InvalidResponseError,
        NetworkError,
        NotFoundError,
        RateLimitedError,
        ServerError,
    )
    from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
    from appizer_tui.api.ratelimit import RateLimitInfo
    from appizer_tui.api.secret import ApiKey
    from appizer_tui.api.urls import (
        DEFAULT_BASE_URL,
        InsecureURLError,
        InvalidCampaignIdError,
        check_base_url,
        validate_campaign_id,
    )

_WHERE = {
    "DEFAULT_BASE_URL": "urls",
    "ApiKey": "secret",
    "AppizerClient": "client",
    "AppizerError": "errors",
    "AuthError": "errors",
    "Campaign": "models",
    "CampaignStatus": "models",
    "InsecureURLError": "urls",
    "InvalidCampaignIdError": "urls",
    "InvalidResponseError": "errors",
    "NetworkError": "errors",
    "NotFoundError": "errors",
    "RateLimitInfo": "ratelimit",
    "RateLimitedError": "errors",
    "Rates": "models",
    "ServerError": "errors",
    "Stats": "models",
    "check_base_url": "urls",
    "validate_campaign_id": "urls",
}

__all__ = [
    "ApiKey",
    "AppizerClient",
    "AppizerError",
    "AuthError",
    "Campaign",
    "CampaignStatus",
    "DEFAULT_BASE_URL",
    "InsecureURLError",
    "InvalidCampaignIdError",
    "InvalidResponseError",
    "NetworkError",
    "NotFoundError",
    "RateLimitInfo",
    "RateLimitedError",
    "Rates",
    "ServerError",
    "Stats",
    "check_base_url",
    "validate_campaign_id",
]


__getattr__ = lazy_exports(__name__, _WHERE)
