"""The admin console over HTTP (the `admin` scope, held by admins only and lost with the role):
AI providers (never their keys), budgets, tier limits, people, upgrade requests, usage and
cost, and the audit log. Each change goes through the console's own service, which checks
the role again and audits it with the caller's address."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from vigor_app.public_api.callers import Admin, client_address
from vigor_app.public_api.errors import NO_STORE
from vigor_app.public_api.params import Id
from vigor_app.services.admin import accounts as admin_accounts
from vigor_app.services.admin import analytics, budget_alerts, membership
from vigor_app.services.admin import providers as admin_providers
from vigor_app.services.admin import users as admin_users
from vigor_app.services.admin.accounts import AuditRow
from vigor_app.services.admin.analytics import ProviderStats, UsageReport
from vigor_app.services.admin.budget_alerts import BudgetStatus
from vigor_app.services.admin.membership import RequestView
from vigor_app.services.admin.providers import ConnectionTest
from vigor_app.services.admin.users import PersonRow
from vigor_app.services.ai import budgets, provider_health, quotas
from vigor_app.services.ai import providers as ai_providers
from vigor_app.services.ai.budgets import BudgetSettings
from vigor_app.services.ai.provider_health import CircuitView
from vigor_app.services.ai.providers import ProviderView
from vigor_app.services.ai.quotas import OverrideView, TierLimits

router = APIRouter(tags=["admin"])

Micros = Annotated[int, Field(ge=0, le=ai_providers.MAX_PRICE)]
Limit = Annotated[int, Field(ge=0, le=quotas.MAX_LIMIT)]
Minute = Annotated[int, Field(ge=0, lt=budgets.MINUTES_PER_DAY)]


# --- providers ------------------------------------------------------------------------------


class ProviderChanges(BaseModel):
    """Any of a provider's settings; those left out keep their value. Money is micro-dollars
    (per million tokens for prices). `api_key` is write-only: a new key replaces the stored one
    (kept encrypted, never answered back), an empty one removes it."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    name: Annotated[str, Field(max_length=ai_providers.MAX_NAME)] = ""
    kind: Annotated[str, Field(max_length=40)] = ""
    model: Annotated[str, Field(max_length=ai_providers.MAX_MODEL)] = ""
    base_url: Annotated[str, Field(max_length=ai_providers.MAX_URL)] = ""
    api_key: Annotated[str, Field(max_length=ai_providers.MAX_KEY)] = ""
    api_version: Annotated[str, Field(max_length=32)] | None = None
    priority: Annotated[int, Field(ge=0, le=ai_providers.MAX_PRIORITY)] = 0
    enabled: bool = True
    input_price_micros: Micros = 0
    output_price_micros: Micros = 0
    timeout_seconds: Annotated[float, Field(ge=ai_providers.TIMEOUT_RANGE_S[0],
                                            le=ai_providers.TIMEOUT_RANGE_S[1])] = 30.0
    max_output_tokens: Annotated[int, Field(ge=1, le=ai_providers.MAX_OUTPUT_TOKENS)] = 4096
    daily_cap_micros: Micros | None = None
    structured_output: bool = True


class NewProvider(ProviderChanges):
    """A provider: name, kind and model at least. Without `priority` it goes after the others."""

    name: Annotated[str, Field(min_length=1, max_length=ai_providers.MAX_NAME)]
    kind: Literal["openai", "azure_openai", "gemini", "perplexity", "openai_compatible"]
    model: Annotated[str, Field(min_length=1, max_length=ai_providers.MAX_MODEL)]


class ProviderRow(BaseModel):
    provider: ProviderView  # the key only as its hint, "••••abcd"
    stats: ProviderStats  # the last 24 hours; spend this UTC month
    error_rate: float | None


class Move(BaseModel):
    model_config = ConfigDict(extra="forbid")

    direction: Literal["up", "down"]


class Order(BaseModel):
    order: list[str]  # provider names, first tried first (the built-in coach is always last)


@router.get("/admin/providers", response_model=list[ProviderRow],
            summary="AI providers in the order they are tried, with their figures (keys never shown)")
def list_providers(admin: Admin) -> list[ProviderRow]:
    return [ProviderRow(provider=p.provider, stats=p.stats, error_rate=p.stats.error_rate)
            for p in analytics.provider_overview(admin.id)]


@router.post("/admin/providers", response_model=ProviderView, status_code=201, summary="Add a provider")
def create_provider(body: NewProvider, admin: Admin, request: Request) -> ProviderView:
    return admin_providers.add(admin.id, body.model_dump(exclude_unset=True), client_ip=client_address(request))


@router.patch("/admin/providers/{provider_id:int}", response_model=ProviderView,
              summary="Change a provider: settings, a new key, priority, enabled or not")
def update_provider(provider_id: Id, body: ProviderChanges, admin: Admin, request: Request) -> ProviderView:
    return ai_providers.update_provider(admin.id, provider_id, client_ip=client_address(request),
                                        **body.model_dump(exclude_unset=True))


@router.post("/admin/providers/{provider_id:int}/move", response_model=Order, summary="Move a provider up or down")
def move_provider(provider_id: Id, body: Move, admin: Admin, request: Request) -> Order:
    return Order(order=admin_providers.move_provider(admin.id, provider_id, body.direction, client_ip=client_address(request)))


@router.delete("/admin/providers/{provider_id:int}", status_code=204, response_class=Response,
               summary="Remove a provider (its past requests stay in the figures)")
def delete_provider(provider_id: Id, admin: Admin, request: Request) -> Response:
    ai_providers.delete_provider(admin.id, provider_id, client_ip=client_address(request))
    return Response(status_code=204)


@router.get("/admin/providers/circuits", response_model=list[CircuitView], summary="Each provider's circuit")
def circuits(admin: Admin) -> list[CircuitView]:
    return provider_health.circuit_report(admin.id)


@router.post("/admin/providers/{provider_id:int}/circuit/reset", status_code=204, response_class=Response,
             summary="Close a provider's circuit by hand")
def reset_circuit(provider_id: Id, admin: Admin, request: Request) -> Response:
    provider_health.reset_circuit(admin.id, provider_id, client_ip=client_address(request))
    return Response(status_code=204)


@router.post("/admin/providers/{provider_id:int}/test", response_model=ConnectionTest,
             summary="One real, minimal call to the provider (costs a few tokens; audited)")
async def test_provider(provider_id: Id, admin: Admin, request: Request) -> ConnectionTest:
    return await admin_providers.test_connection(admin.id, provider_id, client_ip=client_address(request))


# --- budgets and tiers ----------------------------------------------------------------------


class BudgetChanges(BaseModel):
    """Any of the budget settings (micro-dollars; minutes after midnight in `offpeak_timezone`);
    those left out keep their value. `null` limits mean no budget; `null` off-peak times no window."""

    model_config = ConfigDict(extra="forbid")

    weekly_limit_micros: Micros | None = None
    weekly_auto_disable: bool = True
    monthly_limit_micros: Micros | None = None
    monthly_auto_disable: bool = True
    user_auto_disable: bool = True
    alert_percent: Annotated[int, Field(ge=1, le=100)] = 80
    offpeak_start_minute: Minute | None = None
    offpeak_end_minute: Minute | None = None
    offpeak_timezone: Annotated[str, Field(min_length=1, max_length=64)] = "UTC"
    offpeak_provider_id: Id | None = None


class BudgetFigures(BaseModel):
    budget: BudgetStatus
    committed_micros: int  # spent and reserved
    percent: float | None
    forecast_percent: float | None
    alerting: bool


class ProviderChoice(BaseModel):
    id: int
    name: str


class Budgets(BaseModel):
    settings: BudgetSettings
    budgets: list[BudgetFigures]
    offpeak_provider: str  # the provider tried first off-peak now ("" with none)
    providers: list[ProviderChoice]


def _budgets(admin_id: int) -> Budgets:
    found = budget_alerts.overview(admin_id)
    return Budgets(settings=found.settings, offpeak_provider=found.offpeak_provider,
                   budgets=[BudgetFigures(budget=b, committed_micros=b.committed_micros, percent=b.percent,
                                          forecast_percent=b.forecast_percent, alerting=b.alerting)
                            for b in found.budgets],
                   providers=[ProviderChoice(id=i, name=n) for i, n in found.provider_choices])


class TierLimitValues(BaseModel):
    model_config = ConfigDict(extra="forbid")

    daily: Limit
    weekly: Limit
    monthly: Limit
    monthly_budget_micros: Annotated[int, Field(ge=0, le=10**15)]


@router.get("/admin/budgets", response_model=Budgets, summary="The global budgets: settings, spend, forecast")
def read_budgets(admin: Admin) -> Budgets:
    return _budgets(admin.id)


@router.patch("/admin/budgets", response_model=Budgets, summary="Change the budget settings")
def update_budgets(body: BudgetChanges, admin: Admin, request: Request) -> Budgets:
    budgets.update_budget_settings(admin.id, client_ip=client_address(request), **body.model_dump(exclude_unset=True))
    return _budgets(admin.id)


@router.get("/admin/tiers", response_model=dict[str, TierLimits], summary="Each tier's limits")
def tier_limits(admin: Admin) -> dict[str, TierLimits]:
    return quotas.list_tier_limits(admin.id)


@router.put("/admin/tiers/{tier}", response_model=TierLimits, summary="Set a tier's limits (they apply now)")
def set_tier_limits(tier: Annotated[str, Path(max_length=20)], body: TierLimitValues, admin: Admin,
                    request: Request) -> TierLimits:
    return quotas.set_tier_limits(admin.id, tier, client_ip=client_address(request), **body.model_dump())


# --- people ---------------------------------------------------------------------------------


class Role(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "admin"]


class Active(BaseModel):
    model_config = ConfigDict(extra="forbid")

    active: bool


class Tier(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier: Annotated[str, Field(min_length=1, max_length=20)]


class NewOverride(BaseModel):
    """Other limits for one person through `expires_on` (YYYY-MM-DD, their time zone), with a
    reason; a limit left out keeps the tier's."""

    model_config = ConfigDict(extra="forbid")

    daily: Limit | None = None
    weekly: Limit | None = None
    monthly: Limit | None = None
    expires_on: Annotated[str, Field(min_length=1, max_length=10)]
    reason: Annotated[str, Field(max_length=quotas.MAX_REASON)]


@router.get("/admin/users", response_model=list[PersonRow],
            summary="People, newest first, with their AI usage; `search` matches e-mail or username")
def people(admin: Admin, search: Annotated[str, Query(max_length=100)] = "",
           limit: Annotated[int, Query(ge=1, le=200)] = admin_accounts.PAGE_SIZE) -> list[PersonRow]:
    return admin_users.people(admin.id, search, limit)


@router.get("/admin/users/{user_id:int}", response_model=PersonRow, summary="One person")
def person(user_id: Id, admin: Admin) -> PersonRow:
    return admin_users.person(admin.id, user_id)


@router.put("/admin/users/{user_id:int}/role", response_model=PersonRow, summary="Change a person's role")
def set_role(user_id: Id, body: Role, admin: Admin, request: Request) -> PersonRow:
    admin_accounts.set_role(admin.id, user_id, body.role, client_ip=client_address(request))
    return admin_users.person(admin.id, user_id)


@router.put("/admin/users/{user_id:int}/active", response_model=PersonRow,
            summary="Disable (ending their sessions and tokens) or enable an account")
def set_active(user_id: Id, body: Active, admin: Admin, request: Request) -> PersonRow:
    admin_accounts.set_active(admin.id, user_id, body.active, client_ip=client_address(request))
    return admin_users.person(admin.id, user_id)


@router.put("/admin/users/{user_id:int}/tier", response_model=PersonRow, summary="Change a person's tier")
def set_tier(user_id: Id, body: Tier, admin: Admin, request: Request) -> PersonRow:
    quotas.set_user_tier(admin.id, user_id, body.tier, client_ip=client_address(request))
    return admin_users.person(admin.id, user_id)


@router.get("/admin/users/{user_id:int}/overrides", response_model=list[OverrideView],
            summary="A person's temporary limits, newest first")
def overrides(user_id: Id, admin: Admin) -> list[OverrideView]:
    return quotas.list_overrides(admin.id, user_id)


@router.post("/admin/users/{user_id:int}/overrides", response_model=OverrideView, status_code=201,
             summary="Grant a person temporary limits")
def grant_override(user_id: Id, body: NewOverride, admin: Admin, request: Request) -> OverrideView:
    return admin_users.grant_override_through(admin.id, user_id, body.expires_on, reason=body.reason,
                                              daily=body.daily, weekly=body.weekly, monthly=body.monthly,
                                              client_ip=client_address(request))


@router.delete("/admin/overrides/{override_id:int}", status_code=204, response_class=Response,
               summary="Revoke temporary limits")
def revoke_override(override_id: Id, admin: Admin, request: Request) -> Response:
    quotas.revoke_override(admin.id, override_id, client_ip=client_address(request))
    return Response(status_code=204)


@router.get("/admin/users/{user_id:int}/sets.csv", response_class=Response, summary="A person's workout log (audited)",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "The person's sets, one a line"}})
def person_csv(user_id: Id, admin: Admin, request: Request) -> Response:
    filename, data = admin_users.export_workouts_csv(admin.id, user_id, client_ip=client_address(request))
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'})


# --- upgrade requests -----------------------------------------------------------------------


class Answer(BaseModel):
    """Why (optional when approving; the person sees it)."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(max_length=500)] = ""


@router.get("/admin/upgrade-requests", response_model=list[RequestView], summary="Upgrade requests waiting, oldest first")
def pending_requests(admin: Admin) -> list[RequestView]:
    return membership.pending_requests(admin.id)


@router.post("/admin/upgrade-requests/{request_id:int}/approve", response_model=RequestView,
             summary="Approve: the tier applies at once")
def approve(request_id: Id, admin: Admin, request: Request, body: Answer | None = None) -> RequestView:
    body = body or Answer()
    return membership.approve(admin.id, request_id, reason=body.reason, client_ip=client_address(request))


@router.post("/admin/upgrade-requests/{request_id:int}/decline", response_model=RequestView,
             summary="Decline, saying why")
def decline(request_id: Id, body: Answer, admin: Admin, request: Request) -> RequestView:
    return membership.decline(admin.id, request_id, reason=body.reason, client_ip=client_address(request))


# --- usage and the audit log ----------------------------------------------------------------


class Usage(BaseModel):
    report: UsageReport
    cache_hit_rate: float | None
    fallback_rate: float | None  # answered by the built-in coach


class Actor(BaseModel):
    by: str  # the `by` filter: a user id, or "system"
    name: str


class AuditFilters(BaseModel):
    actions: list[str]
    actors: list[Actor]


@router.get("/admin/usage", response_model=Usage, summary="AI usage and cost over 7, 30 or 90 UTC days")
def usage(admin: Admin, days: Annotated[int, Query(ge=1, le=366)] = 30) -> Usage:
    report = analytics.usage_report(admin.id, days)
    return Usage(report=report, cache_hit_rate=report.cache_hit_rate, fallback_rate=report.fallback_rate)


@router.get("/admin/audit", response_model=list[AuditRow],
            summary="The latest audit entries, newest first; filter by action and by who acted")
def audit_log(admin: Admin, action: Annotated[str, Query(max_length=64)] = "",
              by: Annotated[str, Query(max_length=16, description="a user id, or \"system\"")] = "",
              limit: Annotated[int, Query(ge=1, le=admin_accounts.AUDIT_LIMIT)] = 100) -> list[AuditRow]:
    return admin_accounts.audit_log(admin.id, action, limit, by=by)


@router.get("/admin/audit/filters", response_model=AuditFilters, summary="What the audit log can be filtered by")
def audit_filters(admin: Admin) -> AuditFilters:
    actions, actors = admin_accounts.audit_filters(admin.id)
    return AuditFilters(actions=actions, actors=[Actor(by=i, name=name) for i, name in actors])
