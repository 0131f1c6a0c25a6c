"""The workout logger's functions in one namespace, for the callers that use it as a whole as
``workouts.<name>`` (the pages' state classes and the coach's replies).

The logic lives in modules by job: `workout_sessions` (starting and finishing),
`workout_entries` (a workout's exercises), `workout_sets` (sets, saving one and its records),
`set_values` (the rules for a set's numbers), `workout_views` (what a workout looks like to
the pages) and `workout_history` (finished workouts). Services and tests import those.
"""

from vigor_app.services.training.workout_entries import (
    add_exercise,
    find_exercises,
    move_exercise,
    remove_exercise,
    set_entry_note,
)
from vigor_app.services.training.workout_history import history, logged_exercises, session_records
from vigor_app.services.training.workout_sessions import (
    delete_session,
    edit_finished,
    finish,
    set_session_details,
    start_freestyle,
    start_from_plan,
)
from vigor_app.services.training.workout_sets import add_set, move_set, remove_set, save_set
from vigor_app.services.training.workout_views import SessionView, get_session, open_session

__all__ = [
    "SessionView",
    "add_exercise",
    "add_set",
    "delete_session",
    "edit_finished",
    "find_exercises",
    "finish",
    "get_session",
    "history",
    "logged_exercises",
    "move_exercise",
    "move_set",
    "open_session",
    "remove_exercise",
    "remove_set",
    "save_set",
    "session_records",
    "set_entry_note",
    "set_session_details",
    "start_freestyle",
    "start_from_plan",
]
