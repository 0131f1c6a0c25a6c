"""Training plans: the fitness profile a person describes (`profiles`), the built-in plan engine
(`engine` and its steps), the hard rules every plan passes (`validation`, `rules`), AI plans
through the gateway (`ai_plans`, `plan_text`) and a person's stored plans (`library`).

See docs/plan-engine.md.
"""
