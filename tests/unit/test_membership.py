from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tests.factories import make_admin, make_user
from vigor_app import db
from vigor_app.models import AuditEntry, User
from vigor_app.services.admin import membership
from vigor_app.services.ai import quotas
from vigor_app.services.errors import PermissionDenied, ValidationError
from vigor_app.services.plans import profiles

pytestmark = pytest.mark.usefixtures("database")


def _tier(user_id: int) -> str:
    with db.read_only() as session:
        return session.get(User, user_id).tier


def test_overview_shows_tier_meters_offers_and_resets_in_local_time():
    me = make_user().user.id
    profiles.update_profile(me, {"timezone": "America/New_York"})
    now = datetime(2026, 11, 22, 3, 30, tzinfo=UTC)  # still Saturday 21 Nov in New York
    view = membership.overview(me, now)
    assert view.tier == "free"
    assert [(m.window, m.used, m.limit) for m in view.meters] == [("day", 0, 10), ("week", 0, 50), ("month", 0, 200)]
    day = view.meters[0]
    assert day.resets_at == datetime(2026, 11, 22, 5, 0, tzinfo=UTC)  # local midnight, EST
    assert view.meters[1].resets_at == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday
    assert view.meters[2].resets_at == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    assert [o.tier for o in view.offers] == list(quotas.TIERS)
    assert view.budget_micros == 5_000_000 and view.highest_percent == 0


def test_request_lifecycle_approve():
    me = make_user().user.id
    boss = make_admin().user.id
    request = membership.request_upgrade(me, "premium", "I train every day")
    assert request.status == "pending"
    with pytest.raises(ValidationError, match="already have a request"):
        membership.request_upgrade(me, "unlimited")
    assert [r.id for r in membership.pending_requests(boss)] == [request.id]
    decided = membership.approve(boss, request.id)
    assert decided.status == "approved" and _tier(me) == "premium"
    assert membership.overview(me).tier == "premium"
    with pytest.raises(ValidationError, match="already been answered"):
        membership.decline(boss, request.id, reason="too late")
    with db.read_only() as session:
        actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert {"membership.request", "membership.approved"} <= set(actions)


def test_decline_needs_a_reason_and_keeps_the_tier():
    me = make_user().user.id
    boss = make_admin().user.id
    request = membership.request_upgrade(me, "unlimited")
    with pytest.raises(ValidationError):
        membership.decline(boss, request.id, reason=" ")
    decided = membership.decline(boss, request.id, reason="Premium fits your use better.")
    assert decided.status == "declined" and _tier(me) == "free"
    assert membership.overview(me).requests[0].reason == "Premium fits your use better."
    assert membership.request_upgrade(me, "premium").status == "pending"  # may ask again


def test_no_downgrade_or_same_tier_through_this_flow():
    me = make_user().user.id
    boss = make_admin().user.id
    quotas.set_user_tier(boss, me, "premium")
    for tier in ("free", "premium", "gold"):
        with pytest.raises(ValidationError):
            membership.request_upgrade(me, tier)


def test_only_admins_decide_and_a_payment_step_can_replace_the_admin():
    me = make_user().user.id
    mallory = make_user("mallory").user.id
    boss = make_admin().user.id
    request = membership.request_upgrade(me, "premium")
    with pytest.raises(PermissionDenied):
        membership.approve(mallory, request.id)
    with pytest.raises(PermissionDenied):
        membership.pending_requests(mallory)
    assert _tier(me) == "free"

    granted = []

    class PaidApproval:
        def grant(self, session, user, tier):
            granted.append((user.id, tier))
            user.tier = tier
            session.add(user)

    membership.approve(boss, request.id, approver=PaidApproval())
    assert granted == [(me, "premium")] and _tier(me) == "premium"


def test_admins_price_the_tiers():
    boss = make_admin().user.id
    me = make_user().user.id
    membership.set_offer(boss, "premium", price_text="$9 a month", unlocks="More coaching")
    offer = next(o for o in membership.overview(me).offers if o.tier == "premium")
    assert (offer.price, offer.unlocks) == ("$9 a month", "More coaching")
    with pytest.raises(PermissionDenied):
        membership.set_offer(me, "premium", price_text="free!", unlocks="")
