"""SQLModel tables, one module per aggregate. Importing this package registers them all."""

from vigor_app.models.audit import AuditEntry
from vigor_app.models.exercise import Exercise
from vigor_app.models.plan import WorkoutPlan
from vigor_app.models.profile import FitnessProfile
from vigor_app.models.user import (
    AuthSession,
    LoginAttempt,
    LoginTicket,
    OidcIdentity,
    OidcLoginFlow,
    PasswordResetToken,
    User,
)

__all__ = [
    "AuditEntry",
    "AuthSession",
    "Exercise",
    "FitnessProfile",
    "LoginAttempt",
    "LoginTicket",
    "OidcIdentity",
    "OidcLoginFlow",
    "PasswordResetToken",
    "User",
    "WorkoutPlan",
]
