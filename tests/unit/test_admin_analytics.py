"""The console's AI figures equal sums computed here, independently, from the attempt rows."""

import random
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_admin, make_user
from vigor_app import db
from vigor_app.services.admin import analytics as admin_analytics
from vigor_app.services.ai import attempts, outcomes, providers
from vigor_app.services.errors import PermissionDenied, ValidationError
from vigor_app.settings import reload_settings

pytestmark = pytest.mark.usefixtures("database")

NOW = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)
CALLED = {"ok", "error", "rate_limited", "timeout", "invalid", "interrupted", "abandoned", "pending"}
FAILED = {"error", "rate_limited", "timeout", "invalid", "interrupted"}


def _provider(admin_id: int, name: str, priority: int) -> int:
    view = providers.create_provider(admin_id, providers.ProviderInput(
        name=name, kind=providers.OPENAI_COMPATIBLE, model=f"{name.lower()}-model",
        base_url="http://127.0.0.1:9/v1", priority=priority, input_price_micros=1_000_000,
        output_price_micros=2_000_000))
    return view.id


def _rows(people: list[int | None], provider_ids: dict[str, int | None], seed: int = 7) -> list[dict]:
    """A deterministic jumble of attempts over the last 100 days: calls, failures, skips,
    cache hits and built-in answers, several features and people."""
    rng = random.Random(seed)
    rows = []
    for i in range(900):
        created = NOW - timedelta(minutes=rng.randint(0, 100 * 24 * 60))
        user = rng.choice(people)
        feature = rng.choice(["plan", "chat", "analysis", "motivation"])
        kind = rng.choices(["call", "skip", "cached", "builtin"], weights=[6, 1, 1, 2])[0]
        name = rng.choice(list(provider_ids))
        base = {"created_at": created, "request_id": f"r{i}", "user_id": user, "feature": feature}
        if kind == "call":
            outcome = rng.choice(["ok", "ok", "ok", "error", "timeout", "rate_limited", "invalid", "abandoned",
                                  "pending", "interrupted"])
            tokens_in, tokens_out = rng.randint(0, 3000), rng.randint(0, 1500)
            rows.append(attempts.row(**base, outcome=outcome, provider_id=provider_ids[name],
                                     provider_name=name, model="m", input_tokens=tokens_in,
                                     output_tokens=tokens_out, cost_micros=rng.randint(0, 90_000),
                                     latency_ms=rng.randint(20, 9000), final=outcome == "ok",
                                     engine=name if outcome == "ok" else None))
        elif kind == "skip":
            rows.append(attempts.row(**base, outcome=rng.choice(["skipped", "circuit_open"]),
                                     provider_id=provider_ids[name], provider_name=name))
        elif kind == "cached":
            rows.append(attempts.row(**base, outcome="cached", provider_name=name, cache_hit=True,
                                     final=True, engine=name))
        else:
            rows.append(attempts.row(**base, outcome="builtin", provider_name="builtin", final=True,
                                     engine="builtin",
                                     builtin_reason=rng.choice(["quota", "budget", "no_provider", "all_failed"])))
    return rows


@pytest.fixture
def world():
    boss = make_admin()
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    ids = {"Alpha": _provider(boss.user.id, "Alpha", 10), "Beta": _provider(boss.user.id, "Beta", 20),
           "Gone": None}  # a deleted provider: its rows keep the name, not the id
    rows = _rows([alice.user.id, bob.user.id, carol.user.id, None], ids)
    with db.transaction() as session:
        attempts.add(session, rows)
    names = {alice.user.id: "alice", bob.user.id: "bob", carol.user.id: "carol"}
    return boss.user.id, rows, ids, names


@pytest.mark.parametrize("days", [7, 30, 90])
def test_usage_report_equals_sums_of_the_attempt_rows(world, days):
    boss, rows, _, names = world
    first = (NOW - timedelta(days=days - 1)).date()
    inside = [r for r in rows if r["created_at"].date() >= first]
    report = admin_analytics.usage_report(boss, days, now=NOW)

    assert report.day_keys[0] == first.isoformat() and report.day_keys[-1] == NOW.date().isoformat()
    assert len(report.day_keys) == days

    calls = [r for r in inside if r["outcome"] in CALLED]
    by_day = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for r in calls:
        cell = by_day[r["created_at"].date().isoformat()][r["provider_name"]]
        cell[0] += 1
        cell[1] += r["input_tokens"] + r["output_tokens"]
        cell[2] += r["cost_micros"]
    for key in report.day_keys:
        for name in ("Alpha", "Beta", "Gone"):
            expected = by_day[key][name]
            assert report.calls_by_day[key].get(name, 0) == expected[0]
            assert report.tokens_by_day[key].get(name, 0) == expected[1]
            assert report.cost_by_day[key].get(name, 0) == expected[2]
        builtin = sum(1 for r in inside if r["outcome"] == "builtin" and r["created_at"].date().isoformat() == key)
        assert report.calls_by_day[key].get("Built-in coach", 0) == builtin

    totals = {t.name: t for t in report.providers}
    for name in ("Alpha", "Beta", "Gone"):
        mine = [r for r in calls if r["provider_name"] == name]
        assert totals[name].calls == len(mine)
        assert totals[name].failures == sum(1 for r in mine if r["outcome"] in FAILED)
        assert totals[name].input_tokens == sum(r["input_tokens"] for r in mine)
        assert totals[name].output_tokens == sum(r["output_tokens"] for r in mine)
        assert totals[name].cost_micros == sum(r["cost_micros"] for r in mine)
    assert report.cost_micros == sum(r["cost_micros"] for r in inside)
    assert report.tokens == sum(r["input_tokens"] + r["output_tokens"] for r in calls)

    features = {f.feature: f for f in report.features}
    for feature in ("plan", "chat", "analysis", "motivation"):
        assert features[feature].cost_micros == sum(r["cost_micros"] for r in inside if r["feature"] == feature)
        assert features[feature].requests == sum(1 for r in inside if r["feature"] == feature and r["final"])

    finals = [r for r in inside if r["final"]]
    assert report.requests == len(finals)
    assert report.cache_hits == sum(1 for r in finals if r["cache_hit"])
    assert report.builtin_answers == sum(1 for r in finals if r["engine"] == "builtin")
    assert report.builtin_reasons == dict(Counter(r["builtin_reason"] for r in finals if r["engine"] == "builtin"))
    assert report.cache_hit_rate == report.cache_hits / len(finals)
    assert report.fallback_rate == report.builtin_answers / len(finals)

    spend = defaultdict(int)
    asked = defaultdict(int)
    for r in inside:
        spend[r["user_id"]] += r["cost_micros"]
        asked[r["user_id"]] += 1 if r["final"] else 0
    expected = sorted(spend, key=lambda u: (-spend[u], u is None, u or 0))
    assert [u.user_id for u in report.top_users] == expected[:admin_analytics.TOP_USERS]
    for top in report.top_users:
        assert top.cost_micros == spend[top.user_id]
        assert top.requests == asked[top.user_id]
        assert top.username == names.get(top.user_id, "deleted account")


def test_provider_stats_cover_the_last_24_hours_and_this_month(world):
    boss, rows, ids, _ = world
    overview = admin_analytics.provider_overview(boss, now=NOW)
    assert [o.provider.name for o in overview] == ["Alpha", "Beta", "builtin"]
    since = NOW - timedelta(hours=24)
    month = NOW.replace(day=1, hour=0, minute=30) - timedelta(minutes=30)
    for item in overview[:2]:
        pid = ids[item.provider.name]
        recent = [r for r in rows if r["provider_id"] == pid and r["created_at"] >= since and r["outcome"] in CALLED]
        finished = [r["latency_ms"] for r in recent if r["outcome"] != "pending"]
        assert item.stats.calls_24h == len(recent)
        assert item.stats.failures_24h == sum(1 for r in recent if r["outcome"] in FAILED)
        assert item.stats.error_rate == (item.stats.failures_24h / len(finished) if finished else None)
        assert item.stats.median_latency_ms == (round(statistics.median(finished)) if finished else None)
        assert item.stats.spend_month_micros == sum(
            r["cost_micros"] for r in rows if r["provider_id"] == pid and r["created_at"] >= month)
    builtin = overview[-1]
    assert builtin.provider.builtin
    assert builtin.stats.calls_24h == sum(1 for r in rows if r["outcome"] == "builtin" and r["created_at"] >= since)


def test_an_empty_period_reports_zeros_not_errors():
    boss = make_admin()
    report = admin_analytics.usage_report(boss.user.id, 7, now=NOW)
    assert report.requests == 0 and report.cost_micros == 0 and report.top_users == ()
    assert report.cache_hit_rate is None and report.fallback_rate is None
    assert report.series == ("Built-in coach",)
    assert all(f.cost_micros == 0 for f in report.features)


def test_only_7_30_or_90_days():
    boss = make_admin()
    with pytest.raises(ValidationError):
        admin_analytics.usage_report(boss.user.id, 12, now=NOW)


@pytest.mark.parametrize("call", [
    lambda actor: admin_analytics.usage_report(actor, 7),
    lambda actor: admin_analytics.provider_overview(actor),
    lambda actor: admin_analytics.system_report(actor),
])
def test_a_normal_user_is_refused(call):
    make_admin()
    mallory = make_user("mallory")
    with pytest.raises(PermissionDenied):
        call(mallory.user.id)


def test_the_system_report_is_what_health_says_and_the_scheduler_state():
    boss = make_admin()
    report = admin_analytics.system_report(boss.user.id)
    assert report.healthy and report.health["status"] == "ok"
    assert report.health["database"]["status"] == "ok"
    assert report.version
    assert isinstance(report.scheduler.running, bool)


def test_outcome_names_match_the_gateway():
    assert admin_analytics.CALLED == CALLED
    assert outcomes.FAILURES == FAILED


async def test_the_system_page_shows_this_workers_scheduler_and_its_jobs(vigor_env):
    from vigor_app.services import scheduler as coach_scheduler

    stopped = admin_analytics.scheduler_status()
    assert not stopped.running and stopped.detail["reason"] == "not started in this process"
    async with coach_scheduler.lifespan_task():
        found = admin_analytics.scheduler_status()
        assert found.running
        assert set(found.detail["jobs"]) == {"Daily motivation messages", "Release stale AI reservations",
                                             "Purge expired AI cache entries", "AI budget alerts",
                                             "Forget the API's old idempotency keys"}
        assert all(v.startswith("next ") for v in found.detail["jobs"].values())
    assert not admin_analytics.scheduler_status().running
    vigor_env.setenv("SCHEDULER_ENABLED", "false")
    reload_settings()
    assert admin_analytics.scheduler_status().detail["reason"].startswith("SCHEDULER_ENABLED=false")


def test_the_scheduler_report_reads_as_one_line_per_job():
    from vigor_app.state.admin_usage import scheduler_rows

    rows = scheduler_rows({"running": True, "daily_interval_seconds": 300,
                           "jobs": {"AI budget alerts": "next 2026-11-22 20:16:07 UTC"}})
    assert rows == [{"key": "AI budget alerts", "value": "next 2026-11-22 20:16:07 UTC"},
                    {"key": "Looks for people due a daily message every", "value": "300 s"}]
    assert scheduler_rows({"running": False, "reason": "not started in this process"}) == [
        {"key": "Why", "value": "not started in this process"}]
