"""Your data is yours: everything as JSON, the sets as CSV, importing a Strong, Hevy or Vigor
file, and deleting the account (the Profile page's, through the same services)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from vigor_app.public_api.callers import Reader, Writer, client_address
from vigor_app.public_api.errors import NO_STORE, ApiError
from vigor_app.services.errors import AuthenticationError
from vigor_app.services.your_data import deletion, file_cells, import_files, importer
from vigor_app.services.your_data import export as data_export
from vigor_app.services.your_data.importer import ImportReport

router = APIRouter(tags=["your_data"])


class ImportAnswer(BaseModel):
    message: str  # what the Profile page says
    report: ImportReport


class Deletion(BaseModel):
    """As on the Profile page: the username typed to confirm, and the password when the account
    has one (accounts that only use single sign-on confirm with the username alone)."""

    model_config = ConfigDict(extra="forbid")

    confirm: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(max_length=1000)] | None = None


@router.get("/your-data/export", summary="Everything I own, as one JSON document")
def export_json(user: Reader) -> dict[str, Any]:
    return data_export.export_json(user.id)


@router.get("/your-data/sets.csv", response_class=Response, summary="Every set I logged, as CSV",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "The sets, one a line, with a header line"}})
def export_csv(user: Reader) -> Response:
    return Response(data_export.export_sets_csv(user.id), media_type="text/csv; charset=utf-8",
                    headers={**NO_STORE, "Content-Disposition": 'attachment; filename="vigor-sets.csv"'})


@router.post("/your-data/import", response_model=ImportAnswer,
             summary="Import a Strong or Hevy CSV, or a Vigor CSV or JSON export (at most 5 MB)")
async def import_file(user: Writer, file: Annotated[UploadFile, File(description="The exported file")],
                      source: Annotated[Literal["strong", "hevy", "vigor"] | None, Form()] = None,
                      weight_unit: Annotated[Literal["kg", "lb"] | None, Form()] = None) -> ImportAnswer:
    if file.size is not None and file.size > file_cells.MAX_BYTES:
        raise ApiError(413, "too_large", file_cells.too_big(file.size).message,
                       details={"limit_bytes": file_cells.MAX_BYTES})
    content = await import_files.read_upload(file)
    # Checking a large file takes a moment: off the event loop, as on the page.
    outcome = await asyncio.to_thread(importer.import_upload, user.id, content, source=source,
                                      weight_unit=weight_unit)
    return ImportAnswer(message=outcome.message, report=outcome.report)


@router.post("/your-data/delete-account", status_code=204, response_class=Response,
             summary="Delete my account and everything in it (this cannot be undone)")
def delete_account(body: Deletion, user: Writer, request: Request) -> Response:
    try:
        deletion.delete_account(user.id, body.password or None, confirm=body.confirm,
                                client_ip=client_address(request))
    except AuthenticationError as exc:  # a wrong password, not a bad token: the token is fine
        raise ApiError(403, "forbidden", exc.message, details={"field": exc.field}) from None
    return Response(status_code=204)
