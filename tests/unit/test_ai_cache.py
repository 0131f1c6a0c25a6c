"""The answer cache: keys from the request and its context, an hour's life, per person."""

from datetime import UTC, datetime, timedelta

from vigor_app import db
from vigor_app.models import User
from vigor_app.services.ai import cache

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_the_key_ignores_key_order_and_tracks_everything_the_answer_depends_on():
    base = cache.cache_key("chat", 1, {"messages": [{"role": "user", "content": "hi"}], "context": ""}, "v1")
    same = cache.cache_key("chat", 1, {"context": "", "messages": [{"content": "hi", "role": "user"}]}, "v1")
    assert base == same and len(base) == 64
    others = {
        cache.cache_key("analysis", 1, {"messages": [{"role": "user", "content": "hi"}], "context": ""}, "v1"),
        cache.cache_key("chat", 2, {"messages": [{"role": "user", "content": "hi"}], "context": ""}, "v1"),
        cache.cache_key("chat", 1, {"messages": [{"role": "user", "content": "hi!"}], "context": ""}, "v1"),
        cache.cache_key("chat", 1, {"messages": [{"role": "user", "content": "hi"}], "context": "x"}, "v1"),
        cache.cache_key("chat", 1, {"messages": [{"role": "user", "content": "hi"}], "context": ""}, "v2"),
    }
    assert base not in others and len(others) == 5


def test_plan_keys_include_the_seed():
    key = cache.cache_key("plan", 1, {"profile": {"days_per_week": 3}, "request": {}, "seed": 1}, "v1")
    assert key != cache.cache_key("plan", 1, {"profile": {"days_per_week": 3}, "request": {}, "seed": 2}, "v1")


def test_entries_live_for_their_ttl_and_are_replaced(database):
    with db.transaction() as session:
        user = User(email="a@example.com", username="a", username_key="a")
        session.add(user)
        session.flush()
        user_id = user.id or 0
    key = cache.cache_key("chat", user_id, {"messages": ["hi"]}, "v1")
    with db.transaction() as session:
        cache.store(session, key, user_id=user_id, feature="chat", engine="A", answer="first",
                    now=NOW, ttl=HOUR)
    with db.transaction() as session:  # the same key again: replaced, not a duplicate
        cache.store(session, key, user_id=user_id, feature="chat", engine="B", answer={"a": [1]},
                    now=NOW, ttl=HOUR)
    with db.read_only() as session:
        assert cache.lookup(session, key, NOW + HOUR - timedelta(seconds=1)) == cache.CachedAnswer("B", {"a": [1]})
        assert cache.lookup(session, key, NOW + HOUR) is None
        assert cache.lookup(session, "0" * 64, NOW) is None
    with db.transaction() as session:
        assert cache.purge_expired(session, NOW + HOUR) == 1
