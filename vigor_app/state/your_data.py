"""Your data is yours: download it, import from Strong, Hevy or Vigor, or delete the account."""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.errors import VigorError
from vigor_app.services.your_data import deletion as account_deletion
from vigor_app.services.your_data import export as data_export
from vigor_app.services.your_data import import_files
from vigor_app.services.your_data import importer as data_import
from vigor_app.state.arguments import form_field
from vigor_app.state.auth import AuthState

UPLOAD_ID = "import-upload"


def _import_outcome(user_id: int, content: bytes, source: str | None, unit: str | None) -> tuple[str, str]:
    """(message, error) for importing `content` for the person."""
    try:
        outcome = data_import.import_upload(user_id, content, source=source, weight_unit=unit)  # type: ignore[arg-type]
    except VigorError as exc:
        return "", exc.message
    return outcome.message, ""


class YourDataState(AuthState):
    import_source: str = ""
    import_unit: str = ""
    import_message: str = ""
    import_error: str = ""
    importing: bool = False
    delete_error: str = ""

    @rx.event
    def download_json(self):
        user = self._current_user()
        if user is None:
            return None
        data = json.dumps(data_export.export_json(user.id), indent=2, ensure_ascii=False)
        return rx.download(data=data, filename="vigor-export.json")

    @rx.event
    def download_csv(self):
        user = self._current_user()
        if user is None:
            return None
        return rx.download(data=data_export.export_sets_csv(user.id), filename="vigor-sets.csv")

    @rx.event
    def download_feedback_csv(self):
        user = self._current_user()
        if user is None:
            return None
        return rx.download(data=data_export.export_feedback_csv(user.id), filename="vigor-feedback.csv")

    @rx.event
    def set_import_option(self, field: str, value: str):
        if field == "import_source" and value in ("", *import_files.SOURCES):
            self.import_source = value
        elif field == "import_unit" and value in ("", "kg", "lb"):
            self.import_unit = value

    def _import(self, user_id: int, content: bytes) -> None:
        self.import_message, self.import_error = _import_outcome(
            user_id, content, self.import_source or None, self.import_unit or None)

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        user = self._current_user()
        if user is None:
            return
        self.import_message = self.import_error = ""
        if not isinstance(files, list) or not files or not hasattr(files[0], "read"):
            self.import_error = "Choose a CSV or JSON file first."
            return
        try:  # read a chunk at a time: a file over the limit is refused before it is all read
            content = await import_files.read_upload(files[0])
        except VigorError as exc:
            self.import_error = exc.message
            return
        # Reading and checking a large file takes a moment: off the event loop, so other
        # people's events go on meanwhile.
        self.import_message, self.import_error = await asyncio.to_thread(
            _import_outcome, user.id, content, self.import_source or None, self.import_unit or None)

    @rx.event
    async def delete_account(self, form_data: dict):
        """Checking the password runs in a thread, as signing in does."""
        self.delete_error = ""
        user = self._user()
        if user is None:
            return None
        try:
            await asyncio.to_thread(account_deletion.delete_account, user.id,
                                    form_field(form_data, "password") or None,
                                    confirm=form_field(form_data, "confirm"), client_ip=self._client_ip())
        except VigorError as exc:
            self.delete_error = exc.message
            return None
        auth_sessions.end_session(self.session_token)
        self.session_token = ""
        self._show_user(None)
        return rx.redirect("/")
