"""The AI configuration over HTTP (the `admin` scope): export it as one JSON document, preview
what importing one would change, import it with the keys given separately. The same service as
the console's Configuration page (`services/ai/config_transfer`), which checks the role again and
audits the import; a refused document is the one error shape with the place at fault in
``details.field`` (``routes[2].providers[1]``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from vigor_app.public_api.callers import Admin, client_address
from vigor_app.public_api.errors import NO_STORE
from vigor_app.services.ai import config_transfer
from vigor_app.services.ai.config_transfer import Preview, Result
from vigor_app.services.ai.providers import MAX_KEY, MAX_NAME

router = APIRouter(tags=["admin"])


class ConfigImport(BaseModel):
    """A configuration document (as `GET /admin/ai-config` answers it) and the API keys of its
    providers by name (write-only: never answered back, never audited)."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    document: dict[str, Any]
    keys: dict[Annotated[str, Field(max_length=MAX_NAME * 2)], Annotated[str, Field(max_length=MAX_KEY)]] = {}


@router.get("/admin/ai-config", summary="The whole AI configuration as one document (no keys)",
            response_model=dict[str, Any])
def export_config(admin: Admin) -> JSONResponse:
    return JSONResponse(config_transfer.export(admin.id), headers=NO_STORE)


@router.post("/admin/ai-config/preview", response_model=Preview,
             summary="What importing a configuration document would change (nothing is written)")
def preview_config(document: dict[str, Any], admin: Admin) -> Preview:
    return config_transfer.preview(admin.id, document)


@router.post("/admin/ai-config", response_model=Result,
             summary="Import a configuration document, in one transaction, with its providers' keys")
def import_config(body: ConfigImport, admin: Admin, request: Request) -> Result:
    return config_transfer.apply(admin.id, body.document, body.keys, client_ip=client_address(request))
