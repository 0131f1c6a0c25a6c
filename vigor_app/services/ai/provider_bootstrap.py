"""AI providers on first start: when the provider table is empty, the providers the
environment names (OPENAI_*, AZURE_OPENAI_*, GEMINI_*, PERPLEXITY_*) are created, with list
prices for known models; after that, admins manage providers in the app (see providers)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiProvider
from vigor_app.services import audit
from vigor_app.services.ai import pricing, providers, snapshots
from vigor_app.services.errors import ValidationError
from vigor_app.settings import Settings, get_settings

log = logging.getLogger(__name__)


def _prices(model: str, kind: str) -> tuple[int, int]:
    known = pricing.known_price(model)
    if known is not None:
        return known
    return (0, 0) if kind == providers.OPENAI_COMPATIBLE else pricing.UNKNOWN_CLOUD_PRICE


def _from_env(settings: Settings) -> list[providers.ProviderInput]:
    found: list[providers.ProviderInput] = []
    timeout = settings.ai_timeout_seconds

    def add(name: str, kind: str, model: str, key: SecretStr | None, base_url: str = "",
            api_version: str | None = None) -> None:
        price_in, price_out = _prices(model, kind)
        found.append(providers.ProviderInput(
            name=name, kind=kind, model=model, base_url=base_url,
            api_key=key.get_secret_value() if key is not None else None, api_version=api_version,
            priority=10 * (len(found) + 1), input_price_micros=price_in,
            output_price_micros=price_out, timeout_seconds=timeout,
        ))

    openai_key = settings.openai_api_key
    base = settings.openai_base_url.strip()
    if openai_key is not None and openai_key.get_secret_value():
        add("OpenAI", providers.OPENAI, settings.openai_model, openai_key, base)
    elif base and urlsplit(base).hostname != "api.openai.com":
        add("Local model", providers.OPENAI_COMPATIBLE, settings.openai_model, None, base)
    azure_key = settings.azure_openai_api_key
    if (azure_key is not None and azure_key.get_secret_value() and settings.azure_openai_endpoint
            and settings.azure_openai_deployment):
        add("Azure OpenAI", providers.AZURE_OPENAI, settings.azure_openai_deployment, azure_key,
            settings.azure_openai_endpoint, settings.azure_openai_api_version)
    if settings.gemini_api_key is not None and settings.gemini_api_key.get_secret_value():
        add("Gemini", providers.GEMINI, settings.gemini_model, settings.gemini_api_key)
    if settings.perplexity_api_key is not None and settings.perplexity_api_key.get_secret_value():
        add("Perplexity", providers.PERPLEXITY, settings.perplexity_model, settings.perplexity_api_key)
    return found


def bootstrap_from_env(settings: Settings | None = None) -> list[str]:
    """Create providers from OPENAI_* / AZURE_OPENAI_* / GEMINI_* / PERPLEXITY_* settings when
    the provider table is empty (first start). Returns the names created."""
    settings = settings or get_settings()
    wanted = _from_env(settings)
    if not wanted:
        return []
    try:
        created = _create_from_env(wanted)
    except IntegrityError:  # another worker started at the same moment and did it
        return []
    if created:
        log.info("AI providers created from the environment: %s", ", ".join(created))
    return created


@snapshots.forgets
def _create_from_env(wanted: list[providers.ProviderInput]) -> list[str]:
    with db.transaction() as session:
        if session.exec(select(AiProvider.id)).first() is not None:
            return []
        now = utcnow()
        created = []
        for data in wanted:
            try:
                values = providers.column_values(data, new_key=True, had_key=False)
            except ValidationError as exc:
                log.warning("Not creating AI provider %s from the environment: %s", data.name, exc.message)
                continue
            row = AiProvider(**values, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            audit.record(session, actor_user_id=None, action="ai.provider_created",
                         target_type="ai_provider", target_id=row.id or 0, after=providers.public_values(row), now=now)
            created.append(row.name)
    return created
