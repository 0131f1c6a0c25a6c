"""The routing page: each AI feature's provider order (and per tier), "switch now" and back,
and experiments (start, compare, stop, promote). The services check the role again and audit."""

from __future__ import annotations

import reflex as rx

from vigor_app.services import vocabulary
from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.ai import experiments, routing_rules
from vigor_app.services.ai.inputs import FEATURES
from vigor_app.services.ai.providers import BUILTIN_LABEL
from vigor_app.services.errors import ValidationError, VigorError
from vigor_app.state.admin import AdminConsoleState
from vigor_app.state.admin_format import money, percent
from vigor_app.state.arguments import form_field, record_id
from vigor_app.state.arguments import text as typed_text
from vigor_app.state.auth import field_errors

ORDER_STEPS = ("first", "second", "third")
NOT_YET = "–"


def _label(feature: str) -> str:
    return routing_rules.FEATURE_LABELS.get(feature, feature)


def _tier_label(tier: str | None) -> str:
    return "All members" if tier is None else vocabulary.TIER_LABELS.get(tier, tier)


def _arm(figures: experiments.ArmFigures, prefix: str) -> dict[str, str]:
    rate = figures.validity_rate
    return {
        f"{prefix}_provider": figures.provider, f"{prefix}_members": f"{figures.members:,}",
        f"{prefix}_requests": f"{figures.requests:,}",
        f"{prefix}_validity": NOT_YET if rate is None else
        f"{percent(100 * rate, 1)} ({figures.first_time_ok:,} of {figures.first_calls:,})",
        f"{prefix}_latency": NOT_YET if figures.latency_p50_ms is None else
        f"{figures.latency_p50_ms:,} / {figures.latency_p95_ms:,} ms ({figures.calls:,} calls)",
        f"{prefix}_cost": NOT_YET if figures.cost_per_request_micros is None else
        f"{money(figures.cost_per_request_micros)} ({money(figures.cost_micros)} in all)",
        f"{prefix}_served": f"{figures.served:,} of {figures.requests:,}",
        f"{prefix}_feedback": NOT_YET if figures.helped_share is None else
        f"{percent(100 * figures.helped_share, 1)} helped ({figures.helped:,} up, {figures.not_helped:,} down)",
    }


def _experiment(view: experiments.ExperimentView, arms: list[experiments.ArmFigures]) -> dict[str, str]:
    status = "Running" if view.status == "running" else (
        f"Stopped; arm {view.winner.upper()} promoted" if view.winner else "Stopped")
    return {"id": str(view.id), "name": view.name, "feature": _label(view.feature), "status": status,
            "running": "yes" if view.status == "running" else "", "split": f"{view.split_a} % / {100 - view.split_a} %",
            "promotable": "" if view.winner else "yes", **_arm(arms[0], "a"), **_arm(arms[1], "b")}


class RoutingState(AdminConsoleState):
    features: list[dict[str, str]] = []  # one per AI feature: its switch, if any
    orders: list[dict[str, str]] = []
    experiments: list[dict[str, str]] = []
    provider_choices: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    form_key: int = 0

    def _clear(self) -> None:
        self.features, self.orders, self.experiments, self.provider_choices = [], [], [], []

    def _refresh(self, actor: CurrentUser) -> None:
        switched = {s.feature: s for s in routing_rules.switches(actor.id)}
        self.features = [{
            "feature": f, "label": _label(f),
            "switched": "yes" if f in switched else "",
            "state": (f"Switched to {switched[f].provider_name}" + (f": {switched[f].reason}" if switched[f].reason
                                                                     else "")) if f in switched
            else "Following its rules",
        } for f in FEATURES]
        self.orders = [{"feature": o.feature, "tier": o.tier or "", "label": _label(o.feature),
                        "who": _tier_label(o.tier), "order": " → ".join([*o.provider_names, BUILTIN_LABEL])}
                       for o in routing_rules.orders(actor.id)]
        self.experiments = [_experiment(v, experiments.compare(actor.id, v.id))
                            for v in experiments.listed(actor.id)]
        names = routing_rules.provider_choices(actor.id)
        self.provider_choices = [{"id": str(i), "name": n} for i, n in names]

    @rx.event
    def load(self):
        return self._load_page(self._refresh)

    def _act(self, action, done: str, *, fields: dict[str, str] | None = None):
        """Run `action` as the admin; with `fields` (the service's field names to the form's) a
        refusal is shown at its field, else as a toast."""
        def shown(exc: VigorError) -> None:
            self.errors = field_errors(exc, fields)

        acted = self._as_admin(action, error=shown if fields is not None else None)
        if not acted.ok:
            return acted.answer
        self.errors = {}
        self.form_key += 1
        self._refresh(acted.user)
        return rx.toast.success(done)

    # -- switch now ----------------------------------------------------------------------------

    @rx.event
    def switch_now(self, form: dict):
        feature = form_field(form, "switch_feature")
        provider_id = record_id(form_field(form, "provider_id"))

        def switch(actor: CurrentUser):
            if not provider_id:
                raise ValidationError("Pick the provider to switch to.", field="provider_id")
            return routing_rules.switch_now(actor.id, feature, provider_id, reason=form_field(form, "reason"),
                                            client_ip=self._client_ip())

        return self._act(switch, f"{_label(feature)} switched.", fields={"feature": "switch_feature"})

    @rx.event
    def switch_back(self, feature: str):
        feature = typed_text(feature, 16)
        return self._act(lambda actor: routing_rules.switch_back(actor.id, feature, client_ip=self._client_ip()),
                         f"{_label(feature)} follows its rules again.")

    # -- orders --------------------------------------------------------------------------------

    @rx.event
    def save_order(self, form: dict):
        feature = form_field(form, "order_feature")
        tier = form_field(form, "order_tier") or None
        picked = [record_id(form_field(form, step)) for step in ORDER_STEPS]

        def save(actor: CurrentUser):
            if not picked[0]:  # removing a rule is its own button: an empty form changes nothing
                raise ValidationError("Pick the first provider.", field="first")
            return routing_rules.set_order(actor.id, feature, [p for p in picked if p], tier=tier,
                                           client_ip=self._client_ip())

        return self._act(save, f"{_label(feature)} order saved.",
                         fields={"feature": "order_feature", "tier": "order_tier", "provider_ids": "first"})

    @rx.event
    def remove_order(self, feature: str, tier: str):
        feature, tier = typed_text(feature, 16), typed_text(tier, 16) or None  # "": all members
        return self._act(lambda actor: routing_rules.set_order(actor.id, feature, [], tier=tier,
                                                               client_ip=self._client_ip()),
                         "Rule removed: the next one applies.")

    # -- experiments ---------------------------------------------------------------------------

    @rx.event
    def start_experiment(self, form: dict):
        split = form_field(form, "split_a").strip()

        def start(actor: CurrentUser):
            if not (split.isascii() and split.isdigit()) or len(split) > 3:
                raise ValidationError("Put 1 to 99 percent of members in arm A.", field="split_a")
            return experiments.start(actor.id, name=form_field(form, "name"),
                                     feature=form_field(form, "experiment_feature"),
                                     provider_a=record_id(form_field(form, "provider_a")),
                                     provider_b=record_id(form_field(form, "provider_b")), split_a=int(split),
                                     client_ip=self._client_ip())

        return self._act(start, "Experiment started.", fields={"feature": "experiment_feature"})

    @rx.event
    def stop_experiment(self, experiment_id: str):
        wanted = record_id(experiment_id)
        return self._act(lambda actor: experiments.stop(actor.id, wanted, client_ip=self._client_ip()),
                         "Experiment stopped.")

    @rx.event
    def promote(self, experiment_id: str, arm: str):
        wanted = record_id(experiment_id)
        chosen = arm if arm in ("a", "b") else ""
        return self._act(lambda actor: experiments.promote(actor.id, wanted, chosen, client_ip=self._client_ip()),
                         f"Arm {chosen.upper()} promoted: it comes first in the feature's order.")
