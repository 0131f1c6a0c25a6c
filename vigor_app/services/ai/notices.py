"""What the person reads when the AI did not answer as usual: why the built-in coach
answered, or why a reply was cut short or withheld."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vigor_app.services import vocabulary
from vigor_app.services.ai import budgets, outcomes
from vigor_app.services.ai.inputs import PLAN

if TYPE_CHECKING:
    from vigor_app.services.ai.ledger import Flow

STREAM_CUT_NOTICE = ("The reply was cut off because the AI coach stopped responding. "
                     "Ask again to get the rest.")
TOO_LONG_NOTICE = "The reply was cut off at its length limit."
WITHHELD_NOTICE = ("The AI coach's reply broke Vigor's safety rules, so it was withheld and "
                   "replaced with this one.")

ALLOWANCE_NOTICE_START = "You've used "  # the person's own quota or monthly allowance


def about_allowance(notice: str | None) -> bool:
    """True for a notice about the person's own limits (the page offers their membership)."""
    return notice is not None and notice.startswith(ALLOWANCE_NOTICE_START)


_WINDOW_WORDS = {"day": ("today", "tomorrow"), "week": ("this week", "next week"),
                 "month": ("this month", "next month")}


def builtin_notice(reason: str, feature: str, flow: Flow) -> str | None:
    """Why the built-in engine answered this request (None: no AI is configured at all)."""
    thing = "plan" if feature == PLAN else "reply"
    same_rules = ", which follows the same safety rules" if feature == PLAN else ""
    fallback = f"so this {thing} comes from Vigor's built-in coach{same_rules}."
    admission = flow.admission
    if reason == outcomes.REASON_QUOTA and admission.refusal is not None:
        refusal = admission.refusal
        now_word, back_word = _WINDOW_WORDS[refusal.window]
        tier = vocabulary.TIER_LABELS.get(refusal.tier, refusal.tier.title())
        return (f"{ALLOWANCE_NOTICE_START}all {refusal.limit} AI requests for {now_word} on the {tier} plan, "
                f"{fallback} AI answers are back {back_word}.")
    if reason == outcomes.REASON_BUDGET:
        user_month = flow.decision.budget == budgets.USER_MONTH or any(
            key.startswith("spend:user:") for key in flow.budget_skips)
        if user_month:
            tier = vocabulary.TIER_LABELS.get(admission.tier, admission.tier.title())
            return (f"{ALLOWANCE_NOTICE_START}this month's AI allowance on the {tier} plan, {fallback} "
                    "AI answers are back next month.")
        return f"Vigor's AI coach is paused for the moment, {fallback}"
    if reason == outcomes.REASON_NO_PROVIDER and not admission.providers:
        return None  # no AI is configured: the built-in coach is simply the coach
    return f"Vigor's AI coach couldn't answer just now, {fallback}"
