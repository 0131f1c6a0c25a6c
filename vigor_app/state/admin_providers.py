"""The providers page: the list with its figures; add, edit, enable, reorder, delete, test.

The API key is write-only: the form never holds it after a submit, the state only ever
holds its hint (``••••`` and the last four characters).
"""

from __future__ import annotations

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.admin import analytics as admin_analytics
from vigor_app.services.admin import providers as admin_providers
from vigor_app.services.ai import provider_health
from vigor_app.services.ai import providers as ai_providers
from vigor_app.services.errors import VigorError
from vigor_app.state.admin import AdminConsoleState
from vigor_app.state.admin_format import money, percent
from vigor_app.state.arguments import flag, form_as, record_id, text
from vigor_app.state.arguments import form as form_values
from vigor_app.state.auth import field_errors

# Service field names → the form's.
FORM_FIELDS = {"input_price_micros": "input_price", "output_price_micros": "output_price",
               "daily_cap_micros": "daily_cap"}
NEW_VALUES = {"name": "", "kind": ai_providers.OPENAI_COMPATIBLE, "base_url": "", "model": "",
              "api_version": "", "api_key_hint": "", "enabled": "on", "structured_output": "on",
              "input_price": "0", "output_price": "0", "daily_cap": "", "timeout_seconds": "30",
              "max_output_tokens": "4096"}


def _row(item: admin_analytics.ProviderOverview, place: int, count: int,
         test: dict[str, str]) -> dict[str, str]:
    p, s = item.provider, item.stats
    circuit = {"closed": "circuit closed", "open": "circuit open", "half_open": "circuit half-open"}
    return {
        "id": "" if p.builtin else str(p.id), "name": ai_providers.BUILTIN_LABEL if p.builtin else p.name,
        "place": str(place), "kind": p.kind_label, "model": p.model or "no network needed",
        "base_url": p.base_url, "key": p.api_key_hint or ("none" if not p.builtin else ""),
        "builtin": "yes" if p.builtin else "",
        "enabled": "yes" if p.enabled else "",
        "status": "always on" if p.builtin else ("enabled" if p.enabled else "disabled"),
        "circuit": circuit.get(p.circuit, p.circuit), "circuit_ok": "yes" if p.circuit == "closed" else "",
        "requests": f"{s.calls_24h:,}",
        "error_rate": "–" if s.error_rate is None else percent(100 * s.error_rate, 1),
        "latency": "–" if s.median_latency_ms is None else f"{s.median_latency_ms:,} ms",
        "spend": money(s.spend_month_micros),
        "prices": ("free" if p.builtin else
                   f"{money(p.input_price_micros)} in / {money(p.output_price_micros)} out per million tokens"),
        "first": "yes" if place == 1 else "", "last": "yes" if place == count else "",
        "test": test.get("text", ""), "test_ok": test.get("ok", ""), "testing": test.get("testing", ""),
    }



def _provider(value) -> int:
    """A provider's id; the built-in coach (no id) cannot be changed."""
    wanted = record_id(value)
    if not wanted:
        raise VigorError("The built-in coach is always on and always last.")
    return wanted


class ProvidersState(AdminConsoleState):
    providers: list[dict[str, str]] = []

    form_open: bool = False
    form_title: str = ""
    form_values: dict[str, str] = dict(NEW_VALUES)
    form_errors: dict[str, str] = {}
    form_key: int = 0
    form_kind: str = ai_providers.OPENAI_COMPATIBLE
    _editing_id: int = 0

    delete_open: bool = False
    delete_name: str = ""
    _delete_id: int = 0

    _tests: dict[str, dict[str, str]] = {}

    def _clear(self) -> None:
        self.providers = []
        self.form_open, self.delete_open = False, False
        self.form_values, self._editing_id, self._delete_id = dict(NEW_VALUES), 0, 0

    def _refresh(self, actor: CurrentUser) -> None:
        listed = admin_analytics.provider_overview(actor.id)
        self.providers = [_row(item, i, len(listed) - 1, self._tests.get(str(item.provider.id), {}))
                          for i, item in enumerate(listed, start=1)]

    @rx.event
    def load(self):
        return self._load_page(self._refresh)

    # -- add and edit ------------------------------------------------------------------------

    def _open_form(self, title: str, editing_id: int, values: dict[str, str]) -> None:
        self._editing_id = editing_id
        self.form_title = title
        self.form_values = values
        self.form_kind = values["kind"]
        self.form_errors = {}
        self.form_key += 1
        self.form_open = True

    @rx.event
    def new_provider(self):
        asked = self._as_admin(lambda actor: dict(NEW_VALUES))
        if not asked.ok:
            return asked.answer
        self._open_form("Add a provider", 0, asked.value)
        return None

    @rx.event
    def edit_provider(self, provider_id: str):
        wanted = record_id(provider_id)

        def values(actor: CurrentUser) -> dict[str, str]:
            if not wanted:
                raise VigorError("The built-in coach cannot be edited.")
            return admin_providers.edit_values(actor.id, wanted)

        found = self._as_admin(values)
        if not found.ok:
            return found.answer
        self._open_form(f"Edit {found.value['name']}", wanted, found.value)
        return None

    @rx.event
    def set_form_open(self, value: bool):
        self.form_open = flag(value) is True
        if not self.form_open:
            self._editing_id, self.form_errors = 0, {}

    @rx.event
    def set_form_kind(self, value: str):
        self.form_kind = value if value in ai_providers.KINDS else ai_providers.OPENAI_COMPATIBLE

    def _show_refused(self, exc: VigorError, form: dict) -> None:
        self.form_errors = field_errors(exc, FORM_FIELDS)
        # Keep what was typed (never the key) so the admin corrects only the field at fault.
        self.form_values = {**self.form_values,
                            **{k: str(v) for k, v in form.items() if k not in ("api_key",)},
                            **{k: "" for k in ("enabled", "structured_output") if k not in form}}
        self.form_key += 1

    @rx.event
    def save_provider(self, form: dict):
        form = form_values(form)

        def save(actor: CurrentUser):
            fields = form_as(admin_providers.ProviderFields, form)
            if self._editing_id:
                return admin_providers.update(actor.id, self._editing_id, fields, client_ip=self._client_ip())
            return admin_providers.create(actor.id, fields, client_ip=self._client_ip())

        saved = self._as_admin(save, error=lambda exc: self._show_refused(exc, form))
        if not saved.ok:
            return saved.answer
        done = "saved" if self._editing_id else "added"
        self.form_open, self.form_errors, self._editing_id = False, {}, 0
        self.form_values = dict(NEW_VALUES)
        self._refresh(saved.user)
        return rx.toast.success(f"Provider {saved.value.name} {done}.")

    # -- on, off, order, delete -----------------------------------------------------------

    def _act(self, action, done: str):
        acted = self._as_admin(action)
        if not acted.ok:
            return acted.answer
        self._refresh(acted.user)
        return rx.toast.success(done)

    @rx.event
    def set_enabled(self, provider_id: str, enabled: bool):
        if flag(enabled) is None:
            return rx.toast.error("That change is not possible.")
        return self._act(lambda a: ai_providers.set_enabled(a.id, _provider(provider_id), enabled,
                                                         client_ip=self._client_ip()),
                         "Provider enabled." if enabled else "Provider disabled.")

    @rx.event
    def move(self, provider_id: str, direction: str):
        return self._act(lambda a: admin_providers.move_provider(a.id, _provider(provider_id), text(direction, 8),
                                                                 client_ip=self._client_ip()),
                         f"Moved {'up' if direction == admin_providers.UP else 'down'}.")

    @rx.event
    def reset_circuit(self, provider_id: str):
        return self._act(lambda a: provider_health.reset_circuit(a.id, _provider(provider_id), client_ip=self._client_ip()),
                         "Circuit closed.")

    @rx.event
    def ask_delete(self, provider_id: str, name: str):
        asked = self._as_admin(lambda actor: _provider(provider_id))
        self._delete_id = asked.value or 0
        if not asked.ok:
            return asked.answer
        self.delete_name = text(name, 64)
        self.delete_open = True
        return None

    @rx.event
    def set_delete_open(self, value: bool):
        self.delete_open = flag(value) is True
        if not self.delete_open:
            self._delete_id = 0

    @rx.event
    def confirm_delete(self):
        provider_id, self._delete_id, self.delete_open = self._delete_id, 0, False
        if not provider_id:
            return None
        return self._act(lambda a: ai_providers.delete_provider(a.id, provider_id, client_ip=self._client_ip()),
                         "Provider deleted. Its past requests stay in the analytics.")

    # -- test connection ---------------------------------------------------------------------

    @rx.event(background=True)
    async def test_connection(self, provider_id: str):
        wanted = record_id(provider_id)
        provider_id = str(wanted)
        async with self:
            asked = self._as_admin(lambda actor: None)  # only the check: the test runs off the lock
            if not asked.ok:
                return asked.answer
            actor = asked.user
            self._tests = {**self._tests, provider_id: {"testing": "yes"}}
            self._refresh(actor)
            client_ip = self._client_ip()
        try:
            if not wanted:
                raise VigorError("The built-in coach needs no connection.")
            result = await admin_providers.test_connection(actor.id, wanted, client_ip=client_ip)
        except VigorError as exc:
            outcome = {"ok": "", "text": exc.message}
        else:
            if result.ok:
                outcome = {"ok": "yes", "text": (
                    f"Connected to {result.model}: answered in {result.latency_ms:,} ms, "
                    f"{result.input_tokens} input + {result.output_tokens} output tokens "
                    f"({money(result.cost_micros)}).")}
            else:
                outcome = {"ok": "", "text": f"Failed after {result.latency_ms:,} ms: {result.error}"}
        async with self:
            self._tests = {**self._tests, provider_id: outcome}
            actor = self._admin()
            if actor is not None:
                self._refresh(actor)
        return None
