"""AI providers: admins add, edit, order, enable and remove them; the gateway reads them.

Every change is made by an active admin (``require_admin``) and audited with the values
before and after; an API key never appears there (only ``••••`` and its last four
characters), nor in logs, nor in any object handed to the UI. Keys are encrypted at rest
(``crypto``). The built-in engine is always last: it is shown in the list admins see but is
not a row, so it cannot be disabled, moved or deleted.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiProvider
from vigor_app.services import audit
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.ai import circuit, crypto, snapshots
from vigor_app.services.ai.outcomes import BUILTIN_ENGINE
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)

OPENAI, AZURE_OPENAI, GEMINI, PERPLEXITY, OPENAI_COMPATIBLE = (
    "openai", "azure_openai", "gemini", "perplexity", "openai_compatible")
KINDS = (OPENAI, AZURE_OPENAI, GEMINI, PERPLEXITY, OPENAI_COMPATIBLE)
KIND_LABELS = {OPENAI: "OpenAI", AZURE_OPENAI: "Azure OpenAI", GEMINI: "Google Gemini",
               PERPLEXITY: "Perplexity", OPENAI_COMPATIBLE: "OpenAI-compatible (Ollama, vLLM, llama.cpp)"}
DEFAULT_BASE_URLS = {
    OPENAI: "https://api.openai.com/v1",
    GEMINI: "https://generativelanguage.googleapis.com/v1beta/openai/",
    PERPLEXITY: "https://api.perplexity.ai",
}
KEY_REQUIRED = frozenset({OPENAI, AZURE_OPENAI, GEMINI, PERPLEXITY})
BUILTIN_LABEL = "Built-in coach"

MAX_NAME = 64
MAX_MODEL = 120
MAX_URL = 500
MAX_KEY = 1000
MAX_PRIORITY = 100_000
MAX_PRICE = 10**12  # micro-dollars per million tokens: $1 000 000 per million
TIMEOUT_RANGE_S = (0.05, 600.0)
MAX_OUTPUT_TOKENS = 1_000_000


@dataclass(frozen=True)
class ProviderConfig:
    """A provider as the gateway uses it. The key is a SecretStr and left out of repr."""

    id: int
    name: str
    kind: str
    base_url: str
    model: str
    api_version: str | None
    api_key: SecretStr | None = field(repr=False)
    priority: int
    input_price_micros: int
    output_price_micros: int
    timeout_s: float
    max_output_tokens: int
    daily_cap_micros: int | None
    structured_output: bool
    version: str  # changes whenever the row does (clients are cached by it)
    key_error: str = ""  # set when the stored key cannot be decrypted

    @property
    def secret(self) -> str:
        return self.api_key.get_secret_value() if self.api_key is not None else ""


@dataclass(frozen=True)
class ProviderInput:
    """What an admin enters for a provider. ``api_key`` never shows in repr."""

    name: str
    kind: str
    model: str
    base_url: str = ""
    api_key: str | None = field(default=None, repr=False)
    api_version: str | None = None
    priority: int = 100
    enabled: bool = True
    input_price_micros: int = 0
    output_price_micros: int = 0
    timeout_seconds: float = 30.0
    max_output_tokens: int = 8192
    daily_cap_micros: int | None = None
    structured_output: bool = True


EDITABLE = tuple(f.name for f in fields(ProviderInput))


@dataclass(frozen=True)
class ProviderView:
    """A provider as admins see it (the built-in engine included, last)."""

    id: int | None
    name: str
    kind: str
    kind_label: str
    base_url: str
    model: str
    api_version: str | None
    api_key_hint: str  # "••••abcd" or ""
    priority: int | None
    enabled: bool
    input_price_micros: int
    output_price_micros: int
    timeout_seconds: float | None
    max_output_tokens: int | None
    daily_cap_micros: int | None
    structured_output: bool
    circuit: str
    builtin: bool = False

    @property
    def can_disable(self) -> bool:
        return not self.builtin

    @property
    def can_delete(self) -> bool:
        return not self.builtin


BUILTIN_VIEW = ProviderView(
    id=None, name=BUILTIN_ENGINE, kind=BUILTIN_ENGINE, kind_label=BUILTIN_LABEL, base_url="",
    model="", api_version=None, api_key_hint="", priority=None, enabled=True,
    input_price_micros=0, output_price_micros=0, timeout_seconds=None, max_output_tokens=None,
    daily_cap_micros=None, structured_output=True, circuit=circuit.CLOSED, builtin=True,
)


# --- for the gateway --------------------------------------------------------------------

_decrypted: dict[tuple[int, str, str], ProviderConfig] = {}
_decrypted_lock = threading.Lock()


def _version(row: Any) -> str:
    return f"{row.id}:{row.updated_at.isoformat()}"


def _config(row: Any) -> ProviderConfig:
    cache_key = (row.id or 0, _version(row), row.api_key_encrypted or "")
    with _decrypted_lock:
        found = _decrypted.get(cache_key)
    if found is not None:
        return found
    key: SecretStr | None = None
    key_error = ""
    if row.api_key_encrypted:
        try:
            key = SecretStr(crypto.decrypt_api_key(row.api_key_encrypted))
        except crypto.KeyUnreadable as exc:
            key_error = str(exc)
            log.warning("AI provider %s: %s", row.name, exc)
    config = ProviderConfig(
        id=row.id or 0, name=row.name, kind=row.kind, base_url=row.base_url, model=row.model,
        api_version=row.api_version, api_key=key, priority=row.priority,
        input_price_micros=row.input_price_micros, output_price_micros=row.output_price_micros,
        timeout_s=row.timeout_ms / 1000, max_output_tokens=row.max_output_tokens,
        daily_cap_micros=row.daily_cap_micros, structured_output=row.structured_output,
        version=_version(row), key_error=key_error,
    )
    with _decrypted_lock:
        if len(_decrypted) > 256:
            _decrypted.clear()
        _decrypted[cache_key] = config
    return config


_PROVIDERS_T = AiProvider.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_ENABLED = (select(_PROVIDERS_T).where(_PROVIDERS_T.c.enabled.is_(True))
            .order_by(_PROVIDERS_T.c.priority, _PROVIDERS_T.c.id))


def config_of(row: AiProvider) -> ProviderConfig:
    """The gateway's view of one provider row (its key decrypted), e.g. to test a connection."""
    return _config(row)


def _enabled_configs(session: Session) -> list[ProviderConfig]:
    return [_config(row) for row in session.connection().execute(_ENABLED)]


_enabled = snapshots.Snapshot(_enabled_configs)


def enabled_configs(session: Session) -> list[ProviderConfig]:
    """Enabled providers in priority order (the built-in engine is not among them); a
    snapshot at most ``snapshots.TTL_SECONDS`` old (see snapshots)."""
    return list(_enabled.get(session))


# --- validation -------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_url(url: str, kind: str) -> str:
    url = (url or "").strip()
    if not url:
        if kind in DEFAULT_BASE_URLS:
            return DEFAULT_BASE_URLS[kind]
        raise ValidationError("Enter the provider's base URL.", field="base_url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > MAX_URL:
        raise ValidationError("Enter a full http:// or https:// address.", field="base_url")
    return url


def column_values(data: ProviderInput, *, new_key: bool, had_key: bool) -> dict[str, Any]:
    """Column values for `data`, or ValidationError naming the field at fault."""
    name = " ".join((data.name or "").split())
    if not name or len(name) > MAX_NAME:
        raise ValidationError(f"Give the provider a name of up to {MAX_NAME} characters.", field="name")
    if name.casefold() in {BUILTIN_ENGINE, BUILTIN_LABEL.casefold()}:
        raise ValidationError("That name belongs to the built-in coach.", field="name")
    if data.kind not in KINDS:
        raise ValidationError("Choose the kind of provider.", field="kind")
    model = (data.model or "").strip()
    if not model or len(model) > MAX_MODEL:
        label = "deployment" if data.kind == AZURE_OPENAI else "model"
        raise ValidationError(f"Enter the {label} name.", field="model")
    values: dict[str, Any] = {"name": name, "kind": data.kind, "model": model,
                              "base_url": _check_url(data.base_url, data.kind)}
    if data.kind == AZURE_OPENAI:
        version = (data.api_version or get_settings().azure_openai_api_version).strip()
        if not version or len(version) > 32:
            raise ValidationError("Enter the Azure API version.", field="api_version")
        values["api_version"] = version
    else:
        values["api_version"] = None
    if new_key:
        key = (data.api_key or "").strip()
        if key and (len(key) > MAX_KEY or any(c.isspace() for c in key)):
            raise ValidationError("That API key does not look right.", field="api_key")
        if not key and data.kind in KEY_REQUIRED:
            raise ValidationError("Enter the API key.", field="api_key")
        values["api_key_encrypted"] = crypto.encrypt_api_key(key) if key else None
        values["api_key_last4"] = crypto.last_four(key) if key else ""
    elif not had_key and data.kind in KEY_REQUIRED:
        raise ValidationError("Enter the API key.", field="api_key")
    if not _is_int(data.priority) or not 0 <= data.priority <= MAX_PRIORITY:
        raise ValidationError(f"Priority is a whole number from 0 to {MAX_PRIORITY}.", field="priority")
    values["priority"] = data.priority
    values["enabled"] = bool(data.enabled)
    for name_ in ("input_price_micros", "output_price_micros"):
        price = getattr(data, name_)
        if not _is_int(price) or not 0 <= price <= MAX_PRICE:
            raise ValidationError("Enter a price of zero or more.", field=name_)
        values[name_] = price
    timeout = data.timeout_seconds
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not (
            TIMEOUT_RANGE_S[0] <= timeout <= TIMEOUT_RANGE_S[1]):
        raise ValidationError(f"The timeout is {TIMEOUT_RANGE_S[0]:g} to {TIMEOUT_RANGE_S[1]:g} seconds.",
                              field="timeout_seconds")
    values["timeout_ms"] = round(timeout * 1000)
    if not _is_int(data.max_output_tokens) or not 1 <= data.max_output_tokens <= MAX_OUTPUT_TOKENS:
        raise ValidationError("Enter the most tokens an answer may have.", field="max_output_tokens")
    values["max_output_tokens"] = data.max_output_tokens
    cap = data.daily_cap_micros
    if cap is not None and (not _is_int(cap) or cap < 0):
        raise ValidationError("Enter a daily cap of zero or more, or none.", field="daily_cap_micros")
    values["daily_cap_micros"] = cap
    values["structured_output"] = bool(data.structured_output)
    return values


def public_values(row: AiProvider) -> dict[str, Any]:
    """What the audit log keeps: every setting, the key only as ``••••`` + last four."""
    return {
        "name": row.name, "kind": row.kind, "base_url": row.base_url, "model": row.model,
        "api_version": row.api_version,
        "api_key": crypto.hint(row.api_key_last4, bool(row.api_key_encrypted)),
        "priority": row.priority, "enabled": row.enabled,
        "input_price_micros": row.input_price_micros, "output_price_micros": row.output_price_micros,
        "timeout_ms": row.timeout_ms, "max_output_tokens": row.max_output_tokens,
        "daily_cap_micros": row.daily_cap_micros, "structured_output": row.structured_output,
    }


def _input_of(row: AiProvider) -> ProviderInput:
    return ProviderInput(
        name=row.name, kind=row.kind, model=row.model, base_url=row.base_url, api_key=None,
        api_version=row.api_version, priority=row.priority, enabled=row.enabled,
        input_price_micros=row.input_price_micros, output_price_micros=row.output_price_micros,
        timeout_seconds=row.timeout_ms / 1000, max_output_tokens=row.max_output_tokens,
        daily_cap_micros=row.daily_cap_micros, structured_output=row.structured_output,
    )


def _view(row: AiProvider, state: str) -> ProviderView:
    return ProviderView(
        id=row.id, name=row.name, kind=row.kind, kind_label=KIND_LABELS.get(row.kind, row.kind),
        base_url=row.base_url, model=row.model, api_version=row.api_version,
        api_key_hint=crypto.hint(row.api_key_last4, bool(row.api_key_encrypted)),
        priority=row.priority, enabled=row.enabled, input_price_micros=row.input_price_micros,
        output_price_micros=row.output_price_micros, timeout_seconds=row.timeout_ms / 1000,
        max_output_tokens=row.max_output_tokens, daily_cap_micros=row.daily_cap_micros,
        structured_output=row.structured_output, circuit=state,
    )


def _name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    query = select(AiProvider.id).where(func.lower(AiProvider.name) == name.lower())
    if except_id is not None:
        query = query.where(AiProvider.id != except_id)
    return session.exec(query).first() is not None


def provider_row(session: Session, provider_id: Any) -> AiProvider:
    if provider_id is None or provider_id == BUILTIN_ENGINE:
        raise ValidationError("The built-in coach is always on and always last.")
    row = session.get(AiProvider, provider_id) if _is_int(provider_id) else None
    if row is None:
        raise NotFound("That provider does not exist.")
    return row


# --- administration ---------------------------------------------------------------------


def list_providers(actor_id: int) -> list[ProviderView]:
    """Every provider in the order the gateway tries them, the built-in coach last."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        rows = session.exec(select(AiProvider).order_by(col(AiProvider.priority), col(AiProvider.id))).all()
        states = circuit.load_states(session, [r.id for r in rows if r.id is not None])
        return [*(_view(r, states.get(r.id or 0, circuit.CircuitState()).state) for r in rows),
                BUILTIN_VIEW]


@snapshots.forgets
def create_provider(actor_id: int, data: ProviderInput, *, client_ip: str = "") -> ProviderView:
    values = column_values(data, new_key=True, had_key=False)
    with db.transaction() as session:
        require_admin(session, actor_id)
        if _name_taken(session, values["name"]):
            raise ValidationError("Another provider has that name.", field="name")
        now = utcnow()
        row = AiProvider(**values, created_at=now, updated_at=now)
        session.add(row)
        try:
            session.flush()
        except IntegrityError as exc:  # the same name, created a moment ago elsewhere
            raise ValidationError("Another provider has that name.", field="name") from exc
        audit.record(session, actor_user_id=actor_id, action="ai.provider_created",
                     target_type="ai_provider", target_id=row.id or 0, after=public_values(row),
                     client_ip=client_ip, now=now)
        return _view(row, circuit.CLOSED)


@snapshots.forgets
def update_provider(actor_id: int, provider_id: int, *, client_ip: str = "",
                    **changes: Any) -> ProviderView:
    """Change some settings. ``api_key="..."`` replaces the key; an empty one removes it
    (only an OpenAI-compatible provider may have none); leaving it out keeps it."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Unknown provider setting {sorted(unknown)[0]!r}.")
    with db.transaction() as session:
        require_admin(session, actor_id)
        row = provider_row(session, provider_id)
        before = public_values(row)
        new_key = "api_key" in changes
        values = column_values(replace(_input_of(row), **changes), new_key=new_key,
                        had_key=bool(row.api_key_encrypted))
        if values["name"] != row.name and _name_taken(session, values["name"], row.id):
            raise ValidationError("Another provider has that name.", field="name")
        for name, value in values.items():
            setattr(row, name, value)
        after = public_values(row)
        if after == before and not new_key:
            return _view(row, circuit_state(session, row))
        row.updated_at = utcnow()
        session.add(row)
        if new_key:  # the hint alone may not change; say that the key did
            after = {**after, "api_key_replaced": True}
        audit.record(session, actor_user_id=actor_id, action="ai.provider_updated",
                     target_type="ai_provider", target_id=row.id or 0, before=before, after=after,
                     client_ip=client_ip)
        return _view(row, circuit_state(session, row))


def circuit_state(session: Session, row: AiProvider) -> str:
    """The state of `row`'s circuit (closed when it has none)."""
    return circuit.load_states(session, [row.id or 0]).get(row.id or 0, circuit.CircuitState()).state


def set_enabled(actor_id: int, provider_id: int, enabled: bool, *, client_ip: str = "") -> ProviderView:
    return update_provider(actor_id, provider_id, enabled=enabled, client_ip=client_ip)


def set_priority(actor_id: int, provider_id: int, priority: int, *, client_ip: str = "") -> ProviderView:
    return update_provider(actor_id, provider_id, priority=priority, client_ip=client_ip)


@snapshots.forgets
def delete_provider(actor_id: int, provider_id: int, *, client_ip: str = "") -> None:
    """Remove a provider. Its past attempts stay (with its name) for the accounts."""
    with db.transaction() as session:
        require_admin(session, actor_id)
        row = provider_row(session, provider_id)
        before = public_values(row)
        session.delete(row)
        audit.record(session, actor_user_id=actor_id, action="ai.provider_deleted",
                     target_type="ai_provider", target_id=provider_id, before=before,
                     client_ip=client_ip)

