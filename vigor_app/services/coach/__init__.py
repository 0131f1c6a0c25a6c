"""The coach: what it knows about a person (`context`), the built-in coach that answers from
the person's own data (`builtin`), the daily note (`motivation`, sent once a day by
`daily_messages`), the post-workout analysis (`analysis`), conversations (`history`) and
replies through the AI gateway (`replies`). What may be said is `services/safety`.

See docs/coach.md.
"""
