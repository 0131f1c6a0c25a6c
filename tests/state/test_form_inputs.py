"""The state layer reads a submitted form into a service's typed input, never raising."""

from dataclasses import asdict

from vigor_app.services.admin.budget_alerts import BudgetSettingsInput
from vigor_app.services.admin.providers import ProviderFields
from vigor_app.services.admin.users import OverrideInput
from vigor_app.state.arguments import form_as, form_checked


def test_text_fields_are_read_as_the_browser_sent_them_and_missing_ones_are_empty():
    assert form_as(OverrideInput, {"daily": " 40 ", "expires_at": "2026-12-01", "reason": "Marathon"}) == \
        OverrideInput(daily=" 40 ", weekly="", monthly="", expires_at="2026-12-01", reason="Marathon")


def test_checkboxes_are_ticked_only_by_true_or_a_ticked_word():
    form = {"weekly_auto_disable": "on", "monthly_auto_disable": True, "user_auto_disable": "off"}
    read = form_as(BudgetSettingsInput, form)
    assert (read.weekly_auto_disable, read.monthly_auto_disable, read.user_auto_disable) == (True, True, False)
    assert [form_checked({"x": v}, "x") for v in ("ON", "yes", "1", "", "no", 1, None, ["on"])] == \
        [True, True, True, False, False, False, False, False]


def test_a_hostile_form_gives_an_input_of_empty_text_and_unticked_boxes():
    for hostile in (None, "on", ["name"], 7, {1: "x"}, {"name": ["Evil"], "enabled": {"on": 1}, "api_key": None}):
        read = asdict(form_as(ProviderFields, hostile))
        assert read == {name: False if isinstance(value, bool) else "" for name, value in read.items()}
        assert read["enabled"] is False and read["name"] == ""
