"""The coach without any network: what it knows about a person (`context`), the safety rules
every answer follows (`safety`), the built-in coach that answers from the person's own data
(`builtin`), daily motivation (`motivation`) and the post-workout analysis (`analysis`).

See docs/coach.md.
"""
