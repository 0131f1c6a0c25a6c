"""SQLModel tables, one module per aggregate. Importing this package registers them all."""

from vigor_app.models.ai import (
    AiAttempt,
    AiBudgetSettings,
    AiCacheEntry,
    AiCircuit,
    AiCounter,
    AiProvider,
    AiQuotaOverride,
    AiTierLimit,
)
from vigor_app.models.ai_routing import AiExperiment, AiRoute, AiSwitch
from vigor_app.models.api import ApiToken, AppliedChange
from vigor_app.models.audit import AuditEntry
from vigor_app.models.coach import CoachConversation, CoachMessage, DailyMotivationRun
from vigor_app.models.exercise import Exercise
from vigor_app.models.feedback import AiFeedback
from vigor_app.models.membership import TierOffer, UpgradeRequest
from vigor_app.models.plan import WorkoutPlan
from vigor_app.models.profile import FitnessProfile
from vigor_app.models.push import PushSubscription
from vigor_app.models.user import (
    AuthSession,
    LoginAttempt,
    LoginTicket,
    OidcIdentity,
    OidcLoginFlow,
    PasswordResetToken,
    SignInCounter,
    User,
)
from vigor_app.models.workout import (
    BodyMetric,
    EarnedMilestone,
    PersonalRecord,
    SessionExercise,
    WorkoutSession,
    WorkoutSet,
)

__all__ = [
    "AiAttempt",
    "AiBudgetSettings",
    "AiFeedback",
    "AiCacheEntry",
    "AiCircuit",
    "AiCounter",
    "AiExperiment",
    "AiProvider",
    "AiQuotaOverride",
    "AiRoute",
    "AiSwitch",
    "AiTierLimit",
    "ApiToken",
    "AppliedChange",
    "AuditEntry",
    "AuthSession",
    "CoachConversation",
    "CoachMessage",
    "DailyMotivationRun",
    "BodyMetric",
    "EarnedMilestone",
    "Exercise",
    "FitnessProfile",
    "LoginAttempt",
    "LoginTicket",
    "OidcIdentity",
    "OidcLoginFlow",
    "PersonalRecord",
    "PushSubscription",
    "SessionExercise",
    "SignInCounter",
    "PasswordResetToken",
    "TierOffer",
    "UpgradeRequest",
    "User",
    "WorkoutPlan",
    "WorkoutSession",
    "WorkoutSet",
]
