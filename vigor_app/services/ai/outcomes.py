"""The words the gateway records: how an attempt ended, and why the built-in engine answered."""

from __future__ import annotations

# How one attempt ended (ai_attempts.outcome).
OK = "ok"  # the provider answered and the answer passed every check
ERROR = "error"  # HTTP error, connection error, unreadable key, anything unexpected
RATE_LIMITED = "rate_limited"  # HTTP 429
TIMEOUT = "timeout"  # no answer (or no first token) within the provider's timeout
INVALID = "invalid"  # an answer that is not JSON, or a plan that breaks a rule
INTERRUPTED = "interrupted"  # a stream that stopped after the first token reached the person
ABANDONED = "abandoned"  # the person stopped reading a stream (not the provider's fault)
CIRCUIT_OPEN = "circuit_open"  # not called: its circuit is open
SKIPPED = "skipped"  # not called: its daily cap or a budget cannot cover the worst case
PENDING = "pending"  # money reserved, call in flight (a row left so marks a crashed worker)
CACHED = "cached"  # answered from the cache
BUILTIN = "builtin"  # the built-in engine answered

FAILURES = frozenset({ERROR, RATE_LIMITED, TIMEOUT, INVALID, INTERRUPTED})

# Why the answer came from where it did (PlanAnswer.reason, the final row's builtin_reason).
REASON_PROVIDER = "provider"
REASON_CACHE = "cache"
REASON_QUOTA = "quota"  # the person's quota is used up
REASON_BUDGET = "budget"  # a budget with auto-disable is reached (or cannot cover a call)
REASON_NO_PROVIDER = "no_provider"  # no provider enabled, or every one skipped (circuit open)
REASON_ALL_FAILED = "all_failed"  # every provider tried failed
REASON_UNAVAILABLE = "unavailable"  # the gateway itself could not run (e.g. database down)

BUILTIN_REASONS = frozenset(
    {REASON_QUOTA, REASON_BUDGET, REASON_NO_PROVIDER, REASON_ALL_FAILED, REASON_UNAVAILABLE}
)

# Budget decisions.
DECISION_OK = "ok"
DECISION_DOWNGRADE = "downgrade"
DECISION_DENY = "deny"

BUILTIN_ENGINE = "builtin"
