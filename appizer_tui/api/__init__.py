"""The Appizer HTTP API: client, typed models, errors, rate-limit headers. No Textual here."""

from appizer_tui.api.client import (
    DEFAULT_BASE_URL,
    AppizerClient,
    InsecureURLError,
    InvalidCampaignIdError,
    check_base_url,
    validate_campaign_id,
)
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

__all__ = [
    "DEFAULT_BASE_URL",
    "ApiKey",
    "AppizerClient",
    "AppizerError",
    "AuthError",
    "Campaign",
    "CampaignStatus",
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
