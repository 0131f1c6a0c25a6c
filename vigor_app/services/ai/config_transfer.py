"""The whole AI configuration exported as one JSON document and imported on another instance.

`export` writes the document (`config_document` says what it holds: providers without their
keys, orders, switches, running experiments, budgets, tier limits; providers named by name).
`preview` reads an imported document and says what importing it would change, section by
section, and which providers will need a key; it writes nothing. `apply` checks it again and
makes this instance's configuration the document's in one transaction (all or nothing), with
keys given separately by provider name, and writes one audit entry (`ai.config_imported`)
when anything changed.

What importing does with each section (docs/admin.md, "Configuration export and import"):
the document is the whole configuration, so what this instance has and the document lacks
goes: such providers are deleted (their past attempts keep their name, as when an admin
deletes one), orders removed, switches switched back, running experiments stopped (their
figures stay). A changed experiment is stopped and started afresh (a new id: members are
assigned anew). Tiers the document does not list keep their limits. A provider the document
says has a key, with no key here nor given, is saved disabled until an admin enters its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import (
    AiBudgetSettings,
    AiExperiment,
    AiProvider,
    AiRoute,
    AiSwitch,
    AiTierLimit,
)
from vigor_app.services import audit
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.ai import budgets, providers, quotas, snapshots
from vigor_app.services.ai.config_document import (
    SECTIONS,
    VERSION,
    VERSION_KEY,
    DocumentError,
    provider_entry,
    provider_input,
    read,
)
from vigor_app.services.ai.routing import RUNNING, STOPPED
from vigor_app.services.errors import ValidationError
from vigor_app.services.vocabulary import TIERS

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class Change:
    section: str
    item: str  # a provider's name, "plan / premium", a feature, a tier, "budgets"
    action: str  # added | changed | removed
    fields: tuple[tuple[str, Any, Any], ...] = ()  # (field, before, after), as stored (None: not set)


@dataclass(frozen=True)
class Preview:
    changes: tuple[Change, ...]
    counts: dict[str, dict[str, int]]  # section: added, changed, removed, unchanged
    needs_key: tuple[str, ...]  # providers that will need a key (new, or none stored here)

    @property
    def changes_anything(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class Result:
    counts: dict[str, dict[str, int]]
    keys_set: tuple[str, ...]
    needs_key: tuple[str, ...]  # saved disabled: enter their keys on the Providers page
    changes: tuple[Change, ...] = field(default=())


# --- this instance's configuration, in the document's shape -----------------------------


def _current(session: Session) -> dict[str, Any]:
    rows = session.exec(select(AiProvider).order_by(col(AiProvider.priority), col(AiProvider.id))).all()
    names = {r.id: r.name for r in rows}
    found_providers = [provider_entry(r.model_dump(), bool(r.api_key_encrypted)) for r in rows]
    routes = []
    for route in session.exec(select(AiRoute)).all():
        steps = [names[i] for i in route.provider_ids if i in names]
        if steps:
            routes.append({"feature": route.feature, "tier": route.tier, "providers": steps})
    routes.sort(key=lambda r: (r["feature"], r["tier"] or ""))
    switches = [{"feature": s.feature, "provider": names[s.provider_id], "reason": s.reason}
                for s in session.exec(select(AiSwitch).where(col(AiSwitch.ended_at).is_(None))
                                      .order_by(col(AiSwitch.feature), col(AiSwitch.id))).all()
                if s.provider_id in names]
    running = [{"name": e.name, "feature": e.feature, "provider_a": names[e.arm_a_provider_id],
                "provider_b": names[e.arm_b_provider_id], "split_a": e.split_a}
               for e in session.exec(select(AiExperiment).where(AiExperiment.status == RUNNING)
                                     .order_by(col(AiExperiment.feature), col(AiExperiment.id))).all()
               if e.arm_a_provider_id in names and e.arm_b_provider_id in names]
    settings = budgets.current_settings(session)
    budget = {k: v for k, v in settings.__dict__.items() if k != "offpeak_provider_id"}
    budget["offpeak_provider"] = names.get(settings.offpeak_provider_id or 0)
    tiers = [{"tier": t, **quotas.tier_limits(session, t, fresh=True).__dict__} for t in TIERS]
    return {"providers": found_providers, "routes": routes, "switches": _one_per(switches),
            "experiments": _one_per(running), "budgets": budget, "tier_limits": tiers}


def _one_per(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest per feature (the one routing obeys)."""
    return list({item["feature"]: item for item in items}.values())


def export(actor_id: int) -> dict[str, Any]:
    """This instance's AI configuration as a document (no key in it)."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        current = _current(session)
    return {VERSION_KEY: VERSION, "exported_at": utcnow().isoformat(), **current}


# --- what would change ------------------------------------------------------------------

_KEYS = {
    "providers": lambda p: p["name"].casefold(),
    "routes": lambda r: f"{r['feature']} / {r['tier'] or 'all members'}",
    "switches": lambda s: s["feature"],
    "experiments": lambda e: e["feature"],
    "tier_limits": lambda t: t["tier"],
}


def _fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    return tuple((name, before.get(name), value) for name, value in after.items() if before.get(name) != value)


def _diff(current: dict[str, Any], wanted: dict[str, Any]) -> tuple[list[Change], dict[str, dict[str, int]]]:
    changes: list[Change] = []
    counts: dict[str, dict[str, int]] = {}
    for section in SECTIONS:
        count = {ADDED: 0, CHANGED: 0, REMOVED: 0, "unchanged": 0}
        counts[section] = count
        if section == "budgets":
            items_now, items_then = {"budgets": current[section]}, {"budgets": wanted[section]}
        else:
            key = _KEYS[section]
            items_now = {key(i): i for i in current[section]}
            items_then = {key(i): i for i in wanted[section]}
        for name, item in items_then.items():
            label = item.get("name", name) if section == "providers" else name
            if name not in items_now:
                changes.append(Change(section, label, ADDED, _fields({}, item)))
                count[ADDED] += 1
            elif (changed := _fields(items_now[name], item)):
                changes.append(Change(section, label, CHANGED, changed))
                count[CHANGED] += 1
            else:
                count["unchanged"] += 1
        if section == "tier_limits":
            continue  # tiers the document leaves out keep their limits
        for name, item in items_now.items():
            if name not in items_then:
                label = item.get("name", name) if section == "providers" else name
                changes.append(Change(section, label, REMOVED, _fields(item, {k: None for k in item})))
                count[REMOVED] += 1
    return changes, counts


def _needs_key(current: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    keyed = {p["name"].casefold() for p in current["providers"] if p["has_key"]}
    return [p["name"] for p in wanted["providers"] if p["has_key"] and p["name"].casefold() not in keyed]


def preview(actor_id: int, document: Any) -> Preview:
    """What importing `document` would change here; nothing is written. DocumentError (a
    ValidationError naming the place at fault) when the document is refused."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        wanted = read(document)
        current = _current(session)
    changes, counts = _diff(current, wanted)
    return Preview(tuple(changes), counts, tuple(_needs_key(current, wanted)))


# --- applying it ------------------------------------------------------------------------


def _keys(keys: Any, wanted: dict[str, Any]) -> dict[str, str]:
    """The keys given, by the casefolded name of a provider of the document (empty ones left out)."""
    if keys is None:
        return {}
    if not isinstance(keys, dict) or len(keys) > len(wanted["providers"]) + 10:
        raise DocumentError("keys", "give keys as provider name: key.")
    names = {p["name"].casefold(): p for p in wanted["providers"]}
    found = {}
    for name, key in keys.items():
        path = f"keys[{str(name)[:64]!r}]"
        if not isinstance(name, str) or not isinstance(key, str):
            raise DocumentError(path, "give keys as provider name: key.")
        if not key.strip():
            continue
        folded = " ".join(name.split()).casefold()
        if folded not in names:
            raise DocumentError(path, "that provider is not in the document.")
        try:  # the same rule (and encryption) as a key typed on the Providers page
            providers.column_values(provider_input(names[folded], key), new_key=True, had_key=False)
        except ValidationError as exc:
            raise DocumentError(path, exc.message) from None
        found[folded] = key.strip()
    return found


def _apply_providers(session: Session, wanted: dict[str, Any], keys: dict[str, str], missing: set[str],
                     now: Any) -> dict[str, int]:
    rows = {r.name.casefold(): r for r in session.exec(select(AiProvider)).all()}
    wanted_names = {p["name"].casefold() for p in wanted["providers"]}
    for name, old in rows.items():
        if name not in wanted_names:
            session.delete(old)  # its attempts keep its name (ON DELETE SET NULL)
    session.flush()
    for entry in wanted["providers"]:
        name = entry["name"].casefold()
        key = keys.get(name)
        row = rows.get(name)
        values = providers.column_values(provider_input(entry, key), new_key=key is not None, had_key=True)
        if key is None and not entry["has_key"]:
            values.update(api_key_encrypted=None, api_key_last4="")
        if name in missing:
            values["enabled"] = False  # until an admin enters its key
        if row is None:
            session.add(AiProvider(**values, created_at=now, updated_at=now))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = now
            session.add(row)
    session.flush()
    return {r.name.casefold(): r.id or 0 for r in session.exec(select(AiProvider)).all()}


def _apply_rules(session: Session, actor_id: int, wanted: dict[str, Any], ids: dict[str, int], now: Any) -> None:
    def pid(name: str) -> int:
        return ids[name.casefold()]

    routes = {(r.feature, r.tier): r for r in session.exec(select(AiRoute)).all()}
    wanted_routes = {(r["feature"], r["tier"]): [pid(n) for n in r["providers"]] for r in wanted["routes"]}
    for place, old in routes.items():
        if place not in wanted_routes:
            session.delete(old)
    session.flush()
    for (feature, tier), steps in wanted_routes.items():
        route = routes.get((feature, tier)) or AiRoute(feature=feature, tier=tier)
        if route.id is None or list(route.provider_ids) != steps:
            route.provider_ids, route.updated_by, route.updated_at = steps, actor_id, now
            session.add(route)

    switches = {s["feature"]: s for s in wanted["switches"]}
    for switch in session.exec(select(AiSwitch).where(col(AiSwitch.ended_at).is_(None))).all():
        want = switches.get(switch.feature)
        if want is not None and switch.provider_id == pid(want["provider"]) and switch.reason == want["reason"]:
            switches.pop(switch.feature)  # already in force
        else:
            switch.ended_at = now
            session.add(switch)
    for s in switches.values():
        session.add(AiSwitch(feature=s["feature"], provider_id=pid(s["provider"]), reason=s["reason"],
                             created_by=actor_id, created_at=now))

    tests = {e["feature"]: e for e in wanted["experiments"]}
    for test in session.exec(select(AiExperiment).where(AiExperiment.status == RUNNING)).all():
        want = tests.get(test.feature)
        if want is not None and (test.name, test.arm_a_provider_id, test.arm_b_provider_id, test.split_a) == (
                want["name"], pid(want["provider_a"]), pid(want["provider_b"]), want["split_a"]):
            tests.pop(test.feature)  # already running: it keeps its id, so members keep their arms
        else:
            test.status, test.stopped_at = STOPPED, now
            session.add(test)
    for e in tests.values():
        session.add(AiExperiment(name=e["name"], feature=e["feature"], arm_a_provider_id=pid(e["provider_a"]),
                                 arm_b_provider_id=pid(e["provider_b"]), split_a=e["split_a"],
                                 created_by=actor_id, created_at=now))


def _apply_limits(session: Session, wanted: dict[str, Any], ids: dict[str, int], now: Any) -> None:
    budget = dict(wanted["budgets"])
    offpeak = budget.pop("offpeak_provider")
    row = session.get(AiBudgetSettings, budgets.SETTINGS_ROW_ID) or AiBudgetSettings(id=budgets.SETTINGS_ROW_ID)
    for name, value in budget.items():
        setattr(row, name, value)
    row.offpeak_provider_id = None if offpeak is None else ids[offpeak.casefold()]
    row.updated_at = now
    session.add(row)
    for limits in wanted["tier_limits"]:
        tier_row = session.get(AiTierLimit, limits["tier"]) or AiTierLimit(tier=limits["tier"], daily=0, weekly=0,
                                                                           monthly=0, monthly_budget_micros=0)
        for name, value in limits.items():
            setattr(tier_row, name, value)
        tier_row.updated_at = now
        session.add(tier_row)


@snapshots.forgets
def apply(actor_id: int, document: Any, keys: Any = None, *, client_ip: str = "") -> Result:
    """Make this instance's AI configuration `document`'s, in one transaction; `keys`: API keys
    by provider name. A provider that needs a key and has none is saved disabled (`needs_key`)."""
    now = utcnow()
    with db.transaction() as session:
        require_admin(session, actor_id)
        wanted = read(document)
        given = _keys(keys, wanted)
        current = _current(session)
        changes, counts = _diff(current, wanted)
        missing = {n.casefold() for n in _needs_key(current, wanted)} - set(given)
        ids = _apply_providers(session, wanted, given, missing, now)
        _apply_rules(session, actor_id, wanted, ids, now)
        _apply_limits(session, wanted, ids, now)
        names = {p["name"].casefold(): p["name"] for p in wanted["providers"]}
        result = Result(counts, tuple(sorted(names[k] for k in given)), tuple(sorted(names[k] for k in missing)),
                        tuple(changes))
        if changes or result.keys_set:  # a document that changes nothing leaves no entry
            audit.record(session, actor_user_id=actor_id, action="ai.config_imported", target_type="ai_config",
                         target_id=VERSION, after={"sections": counts, "keys_set": list(result.keys_set),
                                                   "needs_key": list(result.needs_key)},
                         client_ip=client_ip, now=now)
    return result
