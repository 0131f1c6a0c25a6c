"""Counts, durations and audit entries in words for people: "1 day" not "1 days", a short
workout "under a minute", an audit change as "Monthly limit: $10.00" not raw field names."""

from __future__ import annotations

import json

from vigor_app.services.admin.audit_words import action_text, audit_values, field_label, value_text
from vigor_app.services.counts import minutes_text, noun_for, plural


def test_plural_writes_one_in_the_singular_and_everything_else_in_the_plural():
    assert plural(1, "workout") == "1 workout"
    assert plural(0, "workout") == "0 workouts"
    assert plural(2, "day") == "2 days"
    assert plural(1200, "set") == "1,200 sets"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(3, "entry", "entries") == "3 entries"
    assert plural(2.5, "week") == "2.5 weeks"
    assert noun_for(1, "day") == "day" and noun_for(7, "day") == "days"


def test_minutes_text_says_a_short_workout_in_words():
    assert minutes_text(None) == "under a minute"
    assert minutes_text(20) == "under a minute"
    assert minutes_text(59) == "1 minute"
    assert minutes_text(30) == "1 minute"  # half a minute rounds to nothing: still one
    assert minutes_text(90) == "2 minutes"
    assert minutes_text(45 * 60) == "45 minutes"


def test_audit_fields_read_as_labels_and_values_in_their_units():
    assert field_label("monthly_limit_micros") == "Monthly limit"
    assert field_label("api_key_replaced") == "API key replaced"
    assert field_label("provider_id") == "Provider ID"
    assert value_text("monthly_limit_micros", 10_000_000) == "$10.00"
    assert value_text("weekly_auto_disable", True) == "on"
    assert value_text("weekly_auto_disable", False) == "off"
    assert value_text("weekly_limit_micros", None) == "none"
    assert value_text("offpeak_start_minute", 22 * 60) == "22:00"
    assert value_text("alert_percent", 80) == "80%"
    assert value_text("latency_ms", 1250) == "1,250 ms"
    assert value_text("order", [3, 1]) == "3, 1"


def test_an_audit_entry_reads_in_words_and_shows_only_what_changed():
    before = json.dumps({"monthly_limit_micros": None, "monthly_auto_disable": True, "alert_percent": 80})
    after = json.dumps({"monthly_limit_micros": 10_000_000, "monthly_auto_disable": False, "alert_percent": 80})
    assert audit_values(before, after) == ("Monthly limit: none\nStop AI at the monthly limit: on",
                                           "Monthly limit: $10.00\nStop AI at the monthly limit: off")


def test_audit_actions_read_in_words():
    assert action_text("ai.budgets") == "AI budgets changed"
    assert action_text("user.set_role") == "Role changed"
    assert action_text("something.new_thing") == "Something new thing"


def test_the_streak_rule_says_the_minimum_minutes_from_the_streaks_constant(monkeypatch):
    from vigor_app.services.training import streaks

    assert streaks.streak_rule() == ("A day counts toward your streak when you finish a workout of "
                                     f"{streaks.MIN_COUNTING_SECONDS // 60} minutes or more.")
    monkeypatch.setattr(streaks, "MIN_COUNTING_SECONDS", 20 * 60)
    assert "20 minutes or more" in streaks.streak_rule()
