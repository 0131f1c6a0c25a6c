"""The exercise library's state: search text, three filters, and the cards on show.

Only the visible cards (small dicts of strings) live in state; they are recomputed from the
catalogue service on every change. A card of an exercise the person has logged links to its
history. Every handler checks who is asking first: an anonymous tab gets nothing.
"""

from __future__ import annotations

import reflex as rx

from vigor_app.services.catalogue import browser as catalogue_browser
from vigor_app.services.training import workout_history
from vigor_app.state.auth import AuthState
from vigor_app.state.exercise_history import exercise_href

PAGE_SIZE = 24  # a phone shows a handful at a time; each "Show more" adds as many

# (value, label) pairs for the page's selects; fixed vocabulary, rendered once at compile time.
MUSCLE_CHOICES = catalogue_browser.choices("muscle")
EQUIPMENT_CHOICES = catalogue_browser.choices("equipment")
PATTERN_CHOICES = catalogue_browser.choices("pattern")


class ExercisesState(AuthState):
    search_text: str = ""
    muscle: str = ""
    equipment: str = ""
    pattern: str = ""
    cards: list[dict[str, str]] = []
    match_count: int = 0
    limit: int = PAGE_SIZE
    loaded: bool = False
    _logged: set[str] = set()  # the exercises the person has logged, read on load

    @rx.var
    def count_label(self) -> str:
        return catalogue_browser.count_label(self.match_count)

    @rx.var
    def has_more(self) -> bool:
        return self.match_count > len(self.cards)

    @rx.var
    def filtering(self) -> bool:
        return bool(self.search_text.strip() or self.muscle or self.equipment or self.pattern)

    def _forget(self) -> None:
        self.cards, self.match_count, self.loaded, self._logged = [], 0, False, set()

    def _signed_in(self) -> bool:
        if self._current_user() is None:
            self._forget()
            return False
        return True

    def _refresh(self) -> None:
        try:
            found = catalogue_browser.browse(
                self.search_text, muscle=self.muscle, equipment=self.equipment,
                pattern=self.pattern,
            )
        except catalogue_browser.UnknownFilterError:
            # Only reachable if state was tampered with; start again from "any".
            self.muscle = self.equipment = self.pattern = ""
            found = catalogue_browser.browse(self.search_text)
        self.match_count = len(found)
        self.cards = [{**catalogue_browser.card(e).as_dict(),
                       "history": exercise_href(e.id) if e.id in self._logged else ""}
                      for e in found[: self.limit]]
        self.loaded = True

    def _set_filter(self, kind: str, value) -> None:
        if not self._signed_in():
            return
        if catalogue_browser.is_choice(kind, value):  # anything else is refused: nothing changes
            setattr(self, kind, value)
            self.limit = PAGE_SIZE
        self._refresh()

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None:
            self._forget()
            return
        self._logged = set(workout_history.logged_exercises(user.id))
        self._refresh()

    @rx.event
    def set_search(self, value: str):
        if not self._signed_in():
            return
        self.search_text = value[: catalogue_browser.MAX_SEARCH_LENGTH] if isinstance(value, str) else ""
        self.limit = PAGE_SIZE
        self._refresh()

    @rx.event
    def set_muscle(self, value: str):
        self._set_filter("muscle", value)

    @rx.event
    def set_equipment(self, value: str):
        self._set_filter("equipment", value)

    @rx.event
    def set_pattern(self, value: str):
        self._set_filter("pattern", value)

    @rx.event
    def show_more(self):
        if not self._signed_in():
            return
        self.limit = min(self.limit + PAGE_SIZE, max(self.match_count, PAGE_SIZE))
        self._refresh()

    @rx.event
    def clear_filters(self):
        if not self._signed_in():
            return
        self.search_text = self.muscle = self.equipment = self.pattern = ""
        self.limit = PAGE_SIZE
        self._refresh()
