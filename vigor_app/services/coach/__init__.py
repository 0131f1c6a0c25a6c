"""The coach: what it knows about a person (`context`, from the `facts` that `fact_queries`
reads, worded by `wording`), the built-in coach that answers from the person's own data
(`builtin`: the message's `intents`, the exercise it names in `exercise_mentions`, the answers
in `training_answers`, `exercise_answers`, `plan_answers`, `recovery_answers` and
`substitute_answers` with their shared `answer_parts`, and what it can't answer in
`out_of_scope`), the daily note (`motivation`, sent once a day by `daily_messages`), the
post-workout analysis (`analysis`), conversations (`history`) and replies through the AI
gateway (`replies`). What may be said is `services/safety`.

See docs/coach.md.
"""
