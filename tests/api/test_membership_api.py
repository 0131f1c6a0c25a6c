"""Membership over the API, over real HTTP: my tier and usage against its limits, the tiers
compared, asking for an upgrade and my requests; another member's request; scopes."""

from __future__ import annotations

from sqlmodel import select

from tests.api.conftest import error_of
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AuditEntry, UpgradeRequest, User
from vigor_app.services.accounts import api_tokens
from vigor_app.services.ai import quotas
from vigor_app.services.ai.windows import usage_windows


def _requests_of(user_id: int) -> list[UpgradeRequest]:
    with db.read_only() as session:
        return list(session.exec(select(UpgradeRequest).where(UpgradeRequest.user_id == user_id)
                                 .order_by(UpgradeRequest.id)).all())


def _use_one_ai_request(user_id: int) -> None:
    """One unit taken from each of the person's windows, as the AI gateway takes it."""
    now = utcnow()
    with db.transaction() as session:
        allowed = quotas.allowance(session, user_id, "free", now)
        assert isinstance(quotas.reserve(session, user_id, allowed, usage_windows(now, "UTC"), now),
                          quotas.QuotaTicket)


def test_my_membership_shows_my_tier_and_usage_against_its_limits(running_app, alice, bob):
    _use_one_ai_request(alice.id)
    _use_one_ai_request(alice.id)
    _use_one_ai_request(bob.id)
    with running_app.client(alice.token) as api:
        answer = api.get("/membership")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    free = quotas.DEFAULT_TIER_LIMITS["free"]
    assert body["tier"] == "free" and body["override_reason"] is None
    assert [(m["window"], m["used"], m["limit"]) for m in body["meters"]] == [
        ("day", 2, free.daily), ("week", 2, free.weekly), ("month", 2, free.monthly)]
    assert body["budget_micros"] == free.monthly_budget_micros and body["spend_micros"] == 0
    assert [o["tier"] for o in body["offers"]] == ["free", "premium", "unlimited"]
    assert body["requests"] == []


def test_the_tiers_compared_follow_the_limits_admins_set(running_app, alice, admin):
    quotas.set_tier_limits(admin.id, "premium", daily=77, weekly=300, monthly=1000,
                           monthly_budget_micros=25_000_000)
    with running_app.client(alice.token) as api:
        answer = api.get("/membership/tiers")
    assert answer.status_code == 200, answer.text
    offers = {o["tier"]: o for o in answer.json()}
    assert list(offers) == ["free", "premium", "unlimited"]
    assert offers["premium"]["daily"] == 77 and offers["premium"]["label"] == "Premium"
    assert offers["free"]["daily"] == quotas.DEFAULT_TIER_LIMITS["free"].daily
    assert all(o["unlocks"] for o in offers.values())


def test_a_member_asks_for_an_upgrade_and_sees_it(running_app, alice):
    with running_app.client(alice.token) as api:
        asked = api.post("/membership/upgrade-requests", json={"to_tier": "premium", "note": "more coaching"})
        assert asked.status_code == 201, asked.text
        made = asked.json()
        assert made["status"] == "pending" and made["from_tier"] == "free" and made["to_tier"] == "premium"
        assert made["username"] == "alice" and made["note"] == "more coaching"
        listed = api.get("/membership/upgrade-requests").json()
        assert [r["id"] for r in listed] == [made["id"]]
        assert api.get(f"/membership/upgrade-requests/{made['id']}").json() == made
        assert api.get("/membership").json()["requests"][0]["id"] == made["id"]
        again = api.post("/membership/upgrade-requests", json={"to_tier": "unlimited"})
        assert again.status_code == 422 and error_of(again)["details"] == {"field": "tier"}
    rows = _requests_of(alice.id)
    assert [(r.id, r.status, r.from_tier, r.to_tier, r.note) for r in rows] == [
        (made["id"], "pending", "free", "premium", "more coaching")]
    with db.read_only() as session:
        audited = session.exec(select(AuditEntry).where(AuditEntry.action == "membership.request")).all()
    assert [(a.actor_user_id, a.target_id) for a in audited] == [(alice.id, str(made["id"]))]


def test_invalid_upgrade_requests_are_refused_and_nothing_is_saved(running_app, alice):
    with db.transaction() as session:
        user = session.get(User, alice.id)
        assert user is not None
        user.tier = "premium"
        session.add(user)
    with running_app.client(alice.token) as api:
        lower = api.post("/membership/upgrade-requests", json={"to_tier": "free"})
        assert lower.status_code == 422 and error_of(lower)["details"] == {"field": "tier"}
        unknown = api.post("/membership/upgrade-requests", json={"to_tier": "gold"})
        assert unknown.status_code == 422 and error_of(unknown)["code"] == "invalid"
        extra = api.post("/membership/upgrade-requests", json={"to_tier": "unlimited", "price": 0})
        assert extra.status_code == 422 and error_of(extra)["code"] == "invalid_request"
        long_note = api.post("/membership/upgrade-requests", json={"to_tier": "unlimited", "note": "x" * 501})
        assert long_note.status_code == 422 and error_of(long_note)["code"] == "invalid_request"
        bad_id = api.get("/membership/upgrade-requests/0")
        assert bad_id.status_code == 422 and error_of(bad_id)["code"] == "invalid_request"
    assert _requests_of(alice.id) == []


def test_another_members_request_is_not_found(running_app, alice, bob):
    with running_app.client(alice.token) as api:
        made = api.post("/membership/upgrade-requests", json={"to_tier": "premium"}).json()
    with running_app.client(bob.token) as api:
        hidden = api.get(f"/membership/upgrade-requests/{made['id']}")
        assert hidden.status_code == 404 and error_of(hidden)["code"] == "not_found"
        assert api.get("/membership/upgrade-requests").json() == []
        assert api.get("/membership").json()["requests"] == []
        assert api.get(f"/membership/upgrade-requests/{made['id'] + 1000}").status_code == 404
    assert [(r.id, r.status) for r in _requests_of(alice.id)] == [(made["id"], "pending")]
    assert _requests_of(bob.id) == []


def test_a_read_only_token_reads_membership_but_asks_for_nothing(running_app, alice):
    reader = api_tokens.create(alice.id, "watch face", ["read"]).token
    with running_app.client(reader) as api:
        assert api.get("/membership").status_code == 200
        assert api.get("/membership/tiers").status_code == 200
        assert api.get("/membership/upgrade-requests").json() == []
        refused = api.post("/membership/upgrade-requests", json={"to_tier": "premium"})
        assert refused.status_code == 403
        assert error_of(refused)["details"]["needed"] == "write"
    assert _requests_of(alice.id) == []


def test_membership_needs_a_token(running_app):
    with running_app.client() as api:
        answer = api.get("/membership")
    assert answer.status_code == 401 and error_of(answer)["code"] == "unauthorized"
