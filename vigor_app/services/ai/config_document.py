"""The AI configuration as one JSON document: its shape, and the checks an imported one passes.

A document names providers by name (ids differ between instances) and never holds a key
(``has_key`` says whether one was set). `read` checks the whole document before anything is
compared or written: its shape and version, its sizes, every string (length, control
characters), and every value through the same rules the admin services use
(`providers.column_values`, `routing_rules`, `experiments`, `budgets.check_settings`,
`quotas.check_tier_limits`). Every reference (an order's providers, a switch, an experiment's
arms, the off-peak provider) must name a provider of the document: an import removes the
providers the document lacks, so nothing else could be there afterwards. A switch or an arm may
name a disabled provider (an admin may disable one after switching to it; routing passes over it):
every export can be imported again. An error names the
place at fault as a path (``routes[2].providers[1]``). `read` needs no database.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from vigor_app.db import BIGINT_RANGE
from vigor_app.services.ai import budgets, experiments, providers, quotas, routing_rules
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.errors import ValidationError
from vigor_app.services.text_rules import has_control_characters
from vigor_app.services.vocabulary import TIERS

VERSION = 1
VERSION_KEY = "vigor_ai_config"
MAX_BYTES = 512_000  # an uploaded or posted document
MAX_TEXT = 1000  # any one string
LIMITS = {"providers": 50, "routes": 200, "switches": 20, "experiments": 20, "tier_limits": len(TIERS)}
SECTIONS = ("providers", "routes", "switches", "experiments", "budgets", "tier_limits")
KEY_WORDS = ("api_key", "key", "secret", "password", "token")

STR, INT, BOOL, NUMBER, OPT_STR, OPT_INT, NAMES = "str", "int", "bool", "number", "str?", "int?", "names"
PROVIDER_FIELDS = {
    "name": STR, "kind": STR, "base_url": STR, "model": STR, "api_version": OPT_STR, "priority": INT,
    "enabled": BOOL, "input_price_micros": INT, "output_price_micros": INT, "timeout_seconds": NUMBER,
    "max_output_tokens": INT, "daily_cap_micros": OPT_INT, "structured_output": BOOL, "has_key": BOOL,
}
ROUTE_FIELDS = {"feature": STR, "tier": OPT_STR, "providers": NAMES}
SWITCH_FIELDS = {"feature": STR, "provider": STR, "reason": STR}
EXPERIMENT_FIELDS = {"name": STR, "feature": STR, "provider_a": STR, "provider_b": STR, "split_a": INT}
BUDGET_FIELDS = {
    "weekly_limit_micros": OPT_INT, "weekly_auto_disable": BOOL, "monthly_limit_micros": OPT_INT,
    "monthly_auto_disable": BOOL, "user_auto_disable": BOOL, "alert_percent": INT,
    "offpeak_start_minute": OPT_INT, "offpeak_end_minute": OPT_INT, "offpeak_timezone": STR,
    "offpeak_provider": OPT_STR,
}
TIER_FIELDS = {"tier": STR, "daily": INT, "weekly": INT, "monthly": INT, "monthly_budget_micros": INT}
# Where a service's field is called something else in the document.
_FIELD_NAMES = {"api_key": "has_key", "provider_id": "provider", "offpeak_provider_id": "offpeak_provider",
                "monthly_budget": "monthly_budget_micros", "provider_ids": "providers"}


class DocumentError(ValidationError):
    """What is wrong with a document, and where (`path`); nothing was changed."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message, field=path or None)
        self.path = path
        self.problem = message


def _at(path: str, exc: ValidationError) -> DocumentError:
    if isinstance(exc, DocumentError):
        return exc
    name = _FIELD_NAMES.get(exc.field or "", exc.field or "")
    return DocumentError(f"{path}.{name}" if name else path, exc.message)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: str, path: str) -> str:
    if len(value) > MAX_TEXT:
        raise DocumentError(path, f"text of at most {MAX_TEXT} characters.")
    if has_control_characters(value, multiline=False):
        raise DocumentError(path, "text can't contain control characters.")
    return value


def _value(value: Any, kind: str, path: str) -> Any:
    if value is None and kind in (OPT_STR, OPT_INT):
        return None
    if kind in (STR, OPT_STR) and isinstance(value, str):
        return _text(value, path)
    if kind in (INT, OPT_INT) and _is_int(value):
        if value not in BIGINT_RANGE:
            raise DocumentError(path, "that number is too large.")
        return value
    if kind == BOOL and isinstance(value, bool):
        return value
    if kind == NUMBER and (_is_int(value) or isinstance(value, float)):
        return value
    if kind == NAMES and isinstance(value, list):
        if len(value) > routing_rules.MAX_STEPS:
            raise DocumentError(path, f"an order names at most {routing_rules.MAX_STEPS} providers.")
        return [_value(v, STR, f"{path}[{i}]") for i, v in enumerate(value)]
    expected = {STR: "text", OPT_STR: "text or null", INT: "a whole number", OPT_INT: "a whole number or null",
                BOOL: "true or false", NUMBER: "a number", NAMES: "a list of provider names"}[kind]
    raise DocumentError(path, f"expected {expected}.")


def _entry(entry: Any, path: str, spec: dict[str, str]) -> dict[str, Any]:
    """`entry`'s fields, each of its type; every field required, none unknown, no key."""
    if not isinstance(entry, dict):
        raise DocumentError(path, "expected an object.")
    for name in entry:
        if not isinstance(name, str) or name not in spec:
            if isinstance(name, str) and any(word in name.lower() for word in KEY_WORDS):
                raise DocumentError(f"{path}.{name}", "a document never holds a key: keys are given separately.")
            raise DocumentError(f"{path}.{str(name)[:40]}", "unknown field.")
    missing = [name for name in spec if name not in entry]
    if missing:
        raise DocumentError(f"{path}.{missing[0]}", "missing.")
    return {name: _value(entry[name], kind, f"{path}.{name}") for name, kind in spec.items()}


def _list(document: dict[str, Any], section: str) -> list[Any]:
    items = document[section]
    if not isinstance(items, list):
        raise DocumentError(section, "expected a list.")
    if len(items) > LIMITS[section]:
        raise DocumentError(section, f"at most {LIMITS[section]} entries.")
    return items


def provider_entry(values: dict[str, Any], has_key: bool) -> dict[str, Any]:
    """A provider as the document holds it, from `providers.column_values` (or a row's columns)."""
    return {"name": values["name"], "kind": values["kind"], "base_url": values["base_url"], "model": values["model"],
            "api_version": values["api_version"], "priority": values["priority"], "enabled": values["enabled"],
            "input_price_micros": values["input_price_micros"], "output_price_micros": values["output_price_micros"],
            "timeout_seconds": values["timeout_ms"] / 1000, "max_output_tokens": values["max_output_tokens"],
            "daily_cap_micros": values["daily_cap_micros"], "structured_output": values["structured_output"],
            "has_key": has_key}


def provider_input(entry: dict[str, Any], api_key: str | None = None) -> ProviderInput:
    known = {f.name for f in fields(ProviderInput)}
    return ProviderInput(**{k: v for k, v in entry.items() if k in known and k != "api_key"}, api_key=api_key)


def _providers(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(document, "providers")):
        path = f"providers[{i}]"
        entry = _entry(raw, path, PROVIDER_FIELDS)
        try:
            values = providers.column_values(provider_input(entry), new_key=False, had_key=entry["has_key"])
        except ValidationError as exc:
            raise _at(path, exc) from exc
        if values["name"].casefold() in seen:
            raise DocumentError(f"{path}.name", f"“{values['name']}” comes twice.")
        seen.add(values["name"].casefold())
        found.append(provider_entry(values, entry["has_key"]))
    return found


class _Names:
    """The document's providers by name, to resolve references (case does not matter)."""

    def __init__(self, found: list[dict[str, Any]]) -> None:
        self._by_key = {p["name"].casefold(): p for p in found}

    def resolve(self, name: str, path: str) -> str:
        provider = self._by_key.get(" ".join(name.split()).casefold())
        if provider is None:
            raise DocumentError(path, f"“{name}” is not one of the document's providers.")
        return str(provider["name"])


def _checked(path: str, check: Any, *args: Any) -> Any:
    try:
        return check(*args)
    except ValidationError as exc:
        raise _at(path, exc) from exc


def _routes(document: dict[str, Any], names: _Names) -> list[dict[str, Any]]:
    found, seen = [], set()
    for i, raw in enumerate(_list(document, "routes")):
        path = f"routes[{i}]"
        entry = _entry(raw, path, ROUTE_FIELDS)
        _checked(path, routing_rules.check_feature, entry["feature"])
        _checked(path, routing_rules.check_tier, entry["tier"])
        if not entry["providers"]:
            raise DocumentError(f"{path}.providers", "an order names at least one provider.")
        steps = [names.resolve(n, f"{path}.providers[{j}]") for j, n in enumerate(entry["providers"])]
        _checked(path, routing_rules.check_steps, steps)
        if (entry["feature"], entry["tier"]) in seen:
            raise DocumentError(path, "this feature and tier have an order already.")
        seen.add((entry["feature"], entry["tier"]))
        found.append({"feature": entry["feature"], "tier": entry["tier"], "providers": steps})
    return found


def _switches(document: dict[str, Any], names: _Names) -> list[dict[str, Any]]:
    found, seen = [], set()
    for i, raw in enumerate(_list(document, "switches")):
        path = f"switches[{i}]"
        entry = _entry(raw, path, SWITCH_FIELDS)
        _checked(path, routing_rules.check_feature, entry["feature"])
        if entry["feature"] in seen:
            raise DocumentError(f"{path}.feature", "one switch per feature.")
        seen.add(entry["feature"])
        found.append({"feature": entry["feature"],
                      "provider": names.resolve(entry["provider"], f"{path}.provider"),
                      "reason": _checked(path, routing_rules.check_reason, entry["reason"])})
    return found


def _experiments(document: dict[str, Any], names: _Names) -> list[dict[str, Any]]:
    found, seen = [], set()
    for i, raw in enumerate(_list(document, "experiments")):
        path = f"experiments[{i}]"
        entry = _entry(raw, path, EXPERIMENT_FIELDS)
        name = _checked(path, experiments.check_name, entry["name"])
        _checked(path, routing_rules.check_feature, entry["feature"])
        if entry["feature"] in seen:
            raise DocumentError(f"{path}.feature", "one experiment runs per feature at a time.")
        seen.add(entry["feature"])
        a = names.resolve(entry["provider_a"], f"{path}.provider_a")
        b = names.resolve(entry["provider_b"], f"{path}.provider_b")
        _checked(path, experiments.check_arms, a, b)
        found.append({"name": name, "feature": entry["feature"], "provider_a": a, "provider_b": b,
                      "split_a": _checked(path, experiments.check_split, entry["split_a"])})
    return found


def _budgets(document: dict[str, Any], names: _Names) -> dict[str, Any]:
    entry = _entry(document["budgets"], "budgets", BUDGET_FIELDS)
    settings = {k: v for k, v in entry.items() if k != "offpeak_provider"}
    _checked("budgets", budgets.check_settings, budgets.BudgetSettings(**settings))
    offpeak = entry["offpeak_provider"]
    return {**settings, "offpeak_provider": None if offpeak is None else
            names.resolve(offpeak, "budgets.offpeak_provider")}


def _tier_limits(document: dict[str, Any]) -> list[dict[str, Any]]:
    found, seen = [], set()
    for i, raw in enumerate(_list(document, "tier_limits")):
        path = f"tier_limits[{i}]"
        entry = _entry(raw, path, TIER_FIELDS)
        limits = _checked(path, quotas.check_tier_limits, *entry.values())
        if entry["tier"] in seen:
            raise DocumentError(f"{path}.tier", "each tier comes once.")
        seen.add(entry["tier"])
        found.append({"tier": entry["tier"], **limits.__dict__})
    return found


def read(document: Any) -> dict[str, Any]:
    """`document` checked whole and normalised (the shape `config_transfer.export` writes,
    without `exported_at`); DocumentError naming the first place at fault."""
    if not isinstance(document, dict):
        raise DocumentError("", "The file is not a Vigor AI configuration (expected a JSON object).")
    if document.get(VERSION_KEY) != VERSION or isinstance(document.get(VERSION_KEY), bool):
        raise DocumentError(VERSION_KEY, f"This is not a Vigor AI configuration of version {VERSION}.")
    for name in document:
        if name not in (VERSION_KEY, "exported_at", *SECTIONS):
            if isinstance(name, str) and any(word in name.lower() for word in KEY_WORDS):
                raise DocumentError(name, "a document never holds a key: keys are given separately.")
            raise DocumentError(str(name)[:40], "unknown section.")
    missing = [s for s in SECTIONS if s not in document]
    if missing:
        raise DocumentError(missing[0], "missing.")
    if "exported_at" in document:
        _value(document["exported_at"], OPT_STR, "exported_at")
    found = _providers(document)
    names = _Names(found)
    return {"providers": found, "routes": _routes(document, names), "switches": _switches(document, names),
            "experiments": _experiments(document, names), "budgets": _budgets(document, names),
            "tier_limits": _tier_limits(document)}
