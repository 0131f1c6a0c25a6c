"""The Membership page's handlers: meters for the person asking, upgrade requests."""

from tests.factories import make_user
from vigor_app.services.admin import membership
from vigor_app.state.membership import MembershipState


def test_load_shows_free_tier_meters_and_higher_tiers(browser):
    me = make_user("alice")
    tab = browser()
    tab.state(MembershipState).session_token = me.token
    state, _ = tab.call(MembershipState, "load", path="/membership")
    assert state.tier_label == "Free"
    assert [m["label"] for m in state.meters] == ["Today", "This week", "This month"]
    assert [m["limit"] for m in state.meters] == ["10", "50", "200"]
    assert [t["tier"] for t in state.higher_tiers] == ["premium", "unlimited"]
    assert state.budget == "$5.00"


def test_request_an_upgrade_once(browser):
    me = make_user("alice")
    tab = browser()
    tab.state(MembershipState).session_token = me.token
    state, result = tab.call(MembershipState, "request_upgrade", {"to_tier": "premium", "note": "please"},
                             path="/membership")
    assert result is not None and state.requests[0]["status"] == "pending"
    state, result = tab.call(MembershipState, "request_upgrade", {"to_tier": "unlimited"}, path="/membership")
    assert result is None and "already" in state.request_error
    state, _ = tab.call(MembershipState, "request_upgrade", {"to_tier": "free"}, path="/membership")
    assert state.request_error


def test_anonymous_tab_cannot_request(browser):
    tab = browser()
    state, result = tab.call(MembershipState, "request_upgrade", {"to_tier": "premium"}, path="/membership")
    assert result is None
    assert state.tier == ""


def test_another_persons_requests_stay_private(browser):
    alice, bob = make_user("alice"), make_user("bob")
    membership.request_upgrade(alice.user.id, "premium", "alice's note")
    tab = browser()
    tab.state(MembershipState).session_token = bob.token
    state, _ = tab.call(MembershipState, "load", path="/membership")
    assert state.requests == []
