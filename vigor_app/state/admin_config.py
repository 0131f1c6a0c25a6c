"""The configuration page: download the AI configuration, upload one, see what importing it would
change, give the keys it needs and apply it. The services check the role again and audit.

The uploaded document is kept on the server only (`_document`), never sent back to the browser;
keys go from the form to the service and are not kept in state."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.admin import audit_words
from vigor_app.services.ai import config_document, config_transfer
from vigor_app.services.ai.routing_rules import FEATURE_LABELS
from vigor_app.services.errors import ValidationError, VigorError
from vigor_app.services.your_data.file_cells import read_upload
from vigor_app.state.admin import AdminConsoleState
from vigor_app.state.arguments import form_field

UPLOAD_ID = "config-upload"
SECTION_LABELS = {"providers": "Providers", "routes": "Orders", "switches": "Switches",
                  "experiments": "Experiments", "budgets": "Budgets", "tier_limits": "Tier limits"}
ACTION_LABELS = {"added": "Added", "changed": "Changed", "removed": "Removed"}


def key_field(index: int) -> str:
    return f"key_{index}"


def _item(change: config_transfer.Change) -> str:
    return FEATURE_LABELS.get(change.item, change.item) if change.section in ("switches", "experiments") \
        else change.item


def _value(name: str, value: Any) -> str:
    """A field's value as the audit log shows it ("$12.00", "on"); an order as "A → B"."""
    if isinstance(value, list):
        return " → ".join(map(str, value)) or "none"
    return audit_words.value_text(name, value)


def _row(change: config_transfer.Change) -> dict[str, str]:
    what = "; ".join(f"{audit_words.field_label(name)}: {_value(name, before)} → {_value(name, after)}"
                     for name, before, after in change.fields)
    if change.action == "added":
        what = "; ".join(f"{audit_words.field_label(name)}: {_value(name, after)}"
                         for name, _before, after in change.fields)
    elif change.action == "removed":
        what = {"providers": "deleted (its past attempts keep its name)", "switches": "switched back",
                "experiments": "stopped (its figures stay)", "routes": "rule removed"}.get(change.section, "")
    return {"section": SECTION_LABELS.get(change.section, change.section), "item": _item(change),
            "action": ACTION_LABELS.get(change.action, change.action), "what": what}


def _summary(counts: dict[str, dict[str, int]]) -> list[str]:
    return [f"{SECTION_LABELS[s]}: {c['added']} added, {c['changed']} changed, {c['removed']} removed, "
            f"{c['unchanged']} unchanged" for s, c in counts.items() if s in SECTION_LABELS]


def parse(content: bytes) -> Any:
    """The uploaded file as JSON, or a ValidationError saying why not."""
    try:
        return json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError("The file is not text (UTF-8).", field="file") from None
    except (json.JSONDecodeError, RecursionError):
        raise ValidationError("The file is not JSON: download the configuration from another Vigor.",
                              field="file") from None


class ConfigTransferState(AdminConsoleState):
    file_name: str = ""
    changes: list[dict[str, str]] = []
    summary: list[str] = []
    needs_key: list[str] = []
    previewed: bool = False
    error: str = ""
    form_key: int = 0
    _document: dict[str, Any] = {}

    def _clear(self) -> None:
        self._forget_upload()

    def _forget_upload(self) -> None:
        self.file_name, self.changes, self.summary, self.needs_key = "", [], [], []
        self.previewed, self._document = False, {}

    @rx.event
    def load(self):
        return self._load_page(lambda actor: None)

    @rx.event
    def download(self):
        acted = self._as_admin(lambda actor: config_transfer.export(actor.id))
        if not acted.ok:
            return acted.answer
        return rx.download(data=json.dumps(acted.value, indent=2, ensure_ascii=False),
                           filename="vigor-ai-config.json")

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        if self._admin() is None:  # before a byte of the file is read
            return self._as_admin(lambda actor: None).answer
        self._forget_upload()
        self.error = ""
        if not isinstance(files, list) or not files or not hasattr(files[0], "read"):
            self.error = "Choose a configuration file (JSON) first."
            return None
        try:
            content = await read_upload(files[0], limit=config_document.MAX_BYTES)
            document = parse(content)
        except VigorError as exc:
            self.error = exc.message
            return None

        def look(actor: CurrentUser) -> config_transfer.Preview:
            return config_transfer.preview(actor.id, document)

        def refused(exc: VigorError) -> None:
            self.error = exc.message

        acted = self._as_admin(look, error=refused)
        if not acted.ok:
            return acted.answer
        seen = acted.value
        self._document = document
        self.file_name = str(getattr(files[0], "name", "") or getattr(files[0], "filename", "") or "")[:120]
        self.changes = [_row(c) for c in seen.changes]
        self.summary = _summary(seen.counts)
        self.needs_key = list(seen.needs_key)
        self.previewed = True
        self.form_key += 1
        return None

    @rx.event
    def cancel(self):
        if self._admin() is None:
            return self._as_admin(lambda actor: None).answer
        self._forget_upload()
        self.error = ""
        return None

    @rx.event
    def apply(self, form: dict):
        document, names = (self._document if self.previewed else {}), list(self.needs_key)
        keys = {name: form_field(form, key_field(i)) for i, name in enumerate(names)}

        def refused(exc: VigorError) -> None:
            self.error = exc.message

        def apply_it(actor: CurrentUser) -> config_transfer.Result:
            if not document:
                raise ValidationError("Upload a configuration file first.", field="file")
            return config_transfer.apply(actor.id, document, keys, client_ip=self._client_ip())

        acted = self._as_admin(apply_it, error=refused)
        if not acted.ok:
            return acted.answer
        result = acted.value
        self._forget_upload()
        self.error = ""
        self.form_key += 1
        if result.needs_key:
            return rx.toast.warning("Configuration imported. Disabled until their keys are entered on the "
                                    "Providers page: " + ", ".join(result.needs_key) + ".")
        return rx.toast.success("Configuration imported.")
