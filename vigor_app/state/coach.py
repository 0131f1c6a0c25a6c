"""The Coach page: a conversation whose replies stream in through the AI gateway.

A reply is produced in a background event (the provider may take seconds), changing state
only under `async with self`. The person's message is stored before the call and the
coach's reply when it is complete, so a reload finds the whole conversation.
"""

from __future__ import annotations

import logging
import time
from contextlib import aclosing

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.ai import feedback, notices
from vigor_app.services.coach import context, text_blocks
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach import replies as coach_replies
from vigor_app.services.errors import VigorError
from vigor_app.state.arguments import choice, form_field, record_id
from vigor_app.state.arguments import text as typed_text
from vigor_app.state.auth import AuthState

logger = logging.getLogger(__name__)

HISTORY_FOR_MODEL = coach_replies.HISTORY_FOR_MODEL
REASON_LIMIT = feedback.MAX_REASON  # the longest reason a thumbs down may give
STREAM_LIMIT_SECONDS = 300  # longer than the gateway lets any reply take
SUGGESTED_QUESTIONS = [
    "What should I train today?",
    "How am I progressing?",
    "How do I do a goblet squat?",
    "What does RPE mean and how do I pick a weight?",
    "How do I come back after a break?",
]


ENGINE_LABELS = {"": "Built-in coach", "builtin": "Built-in coach", coach_history.ENGINE_SAFETY: "Safety rules"}


def _message_dict(m: coach_history.MessageView, vote: str = "") -> dict[str, str]:
    engine = "" if m.role == "user" else ENGINE_LABELS.get(m.engine, m.engine)
    return {"id": str(m.id), "role": m.role, "content": m.content, "engine": engine, "notice": m.notice,
            "membership": "yes" if notices.about_allowance(m.notice) else "", "vote": vote}


def _message_dicts(user_id: int, page: list[coach_history.MessageView]) -> list[dict[str, str]]:
    """The messages as shown, each coach message with the person's vote on it."""
    votes = feedback.votes(user_id, feedback.MESSAGE, [m.id for m in page if m.role != "user"])
    return [_message_dict(m, feedback.word(votes[m.id].vote) if m.id in votes else "") for m in page]


class CoachState(AuthState):
    conversations: list[dict[str, str]] = []
    conversation_id: int = 0
    messages: list[dict[str, str]] = []
    has_older: bool = False
    draft: str = ""
    streaming: bool = False
    error: str = ""
    knows: str = ""
    show_knows: bool = False
    reason_for: str = ""  # the message whose thumbs down is asking for a reason
    reason_error: str = ""
    _stop_requested: bool = False
    _streaming_since: float = 0.0

    @rx.var
    def message_blocks(self) -> list[list[text_blocks.Block]]:
        """Each message's words as blocks of text, in the order of `messages` (the page renders
        them as text: no Markdown library in the browser). A person's own message stays as typed."""
        return [[] if m.get("role") == "user" else text_blocks.blocks(m.get("content", "")) for m in self.messages]

    @rx.var
    def suggestions(self) -> list[str]:
        return SUGGESTED_QUESTIONS

    def _refresh_list(self, user: CurrentUser) -> None:
        self.conversations = [{"id": str(c.id), "title": c.title, "special": "yes" if c.special else ""}
                              for c in coach_history.conversations(user.id)]

    def _open(self, user: CurrentUser, conversation_id: int) -> None:
        page = coach_history.messages(user.id, conversation_id)
        self.conversation_id = conversation_id
        self.messages = _message_dicts(user.id, page)
        self.reason_for, self.reason_error = "", ""
        self.has_older = len(page) == coach_history.PAGE

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None:
            self.messages, self.conversations = [], []
            return
        self.error = ""
        if self.streaming and self._stale():
            self.streaming = False
        self._refresh_list(user)
        ids = [int(c["id"]) for c in self.conversations]
        chats = [int(c["id"]) for c in self.conversations if not c["special"]]
        if self.conversation_id not in ids:  # the newest of their own conversations, not a coach's thread
            self.conversation_id = chats[0] if chats else 0
        if self.conversation_id:
            self._open(user, self.conversation_id)
        else:
            self.messages = []

    @rx.event
    def select(self, conversation_id: str):
        user = self._current_user()
        if user is None or self.streaming:
            return
        try:
            self._open(user, record_id(conversation_id))
        except VigorError:
            self.error = "That conversation does not exist."

    @rx.event
    def new_conversation(self):
        if self.streaming:
            return
        self.conversation_id, self.messages, self.has_older, self.error = 0, [], False, ""

    @rx.event
    def delete_conversation(self, conversation_id: str):
        user = self._current_user()
        if user is None or self.streaming:
            return None
        wanted = record_id(conversation_id)
        try:
            coach_history.delete_conversation(user.id, wanted)
        except VigorError:
            self.error = "That conversation does not exist."
            return None
        if wanted == self.conversation_id:
            self.conversation_id, self.messages = 0, []
        self._refresh_list(user)
        return rx.toast.success("Conversation deleted.")

    @rx.event
    def load_older(self):
        user = self._current_user()
        if user is None or not self.messages or not self.conversation_id:
            return
        first = int(self.messages[0]["id"] or 0)
        older = coach_history.messages(user.id, self.conversation_id, before_id=first)
        self.messages = _message_dicts(user.id, older) + self.messages
        self.has_older = len(older) == coach_history.PAGE

    # -- the person's thumbs on a coach message ---------------------------------------------

    @rx.event
    def rate(self, message_id: str, vote: str):
        """A thumb pressed: the vote given, changed, or taken back (the same thumb again); a
        thumbs down asks for an optional reason."""
        wanted, thumb = record_id(message_id), choice(vote, feedback.WORDS)
        if thumb is None or self.streaming:
            return None
        done = self._as_user(lambda user: feedback.press(user.id, feedback.MESSAGE, wanted, feedback.WORDS[thumb]))
        if not done.ok:
            return done.answer
        now = feedback.word(done.value)
        self.messages = [{**m, "vote": now} if m["id"] == str(wanted) else m for m in self.messages]
        self.reason_for = str(wanted) if now == "down" else ""
        self.reason_error = ""
        return None

    @rx.event
    def save_reason(self, form_data: dict):
        wanted = record_id(self.reason_for)
        if not wanted:
            return None
        reason = form_field(form_data, "reason")
        done = self._as_user(lambda user: feedback.set_reason(user.id, feedback.MESSAGE, wanted, reason),
                             error="reason_error")
        if not done.ok:
            return done.answer
        self.reason_for, self.reason_error = "", ""
        return rx.toast.success("Thank you: your reason is kept with the vote.")

    @rx.event
    def close_reason(self):
        self.reason_for, self.reason_error = "", ""

    @rx.event
    def toggle_knows(self):
        user = self._current_user()
        if user is None:
            return
        self.show_knows = not self.show_knows
        if self.show_knows:
            self.knows = context.build_context(user.id).as_text()

    @rx.event
    def set_draft(self, text: str):
        self.draft = typed_text(text, coach_history.MAX_MESSAGE + 1)

    @rx.event
    def ask(self, question: str):
        self.draft = typed_text(question, coach_history.MAX_MESSAGE + 1)
        return CoachState.send

    @rx.event
    def stop(self):
        self._stop_requested = True

    @rx.event(background=True)
    async def send(self):
        async with self:
            user = self._current_user()
            if user is None or (self.streaming and not self._stale()):
                return
            try:
                text = coach_history.check_message(self.draft)
            except VigorError as exc:
                self.error = exc.message
                return
            self.error, self.streaming, self._stop_requested = "", True, False
            self._streaming_since = time.time()
            conversation_id = self.conversation_id
            special = any(c["id"] == str(conversation_id) and c["special"] for c in self.conversations)
            earlier = [] if special else [{"role": m["role"], "content": m["content"]}
                                          for m in self.messages[-HISTORY_FOR_MODEL:]]
        try:
            await self._converse(user, conversation_id, text, earlier)
        except VigorError as exc:
            async with self:
                self.error = exc.message
        except Exception:  # noqa: BLE001 - whatever failed, the page must stay usable
            logger.exception("The coach's reply failed")
            async with self:
                self.error = "The coach could not answer just now. Try again in a moment."
                if self.messages and self.messages[-1]["id"] == "":
                    self.messages = self.messages[:-1]
        finally:
            async with self:
                self.streaming = False

    def _stale(self) -> bool:
        """A reply that has been 'on its way' for longer than any reply takes (its worker was
        stopped mid-reply): the page may send again."""
        return time.time() - self._streaming_since > STREAM_LIMIT_SECONDS

    async def _converse(self, user: CurrentUser, conversation_id: int, text: str, earlier: list[dict]) -> None:
        turn = await coach_replies.begin_turn(user.id, conversation_id, text, earlier)
        async with self:
            shown = self.messages if turn.conversation_id == conversation_id else []  # a coach's thread: a new one
            self.conversation_id = turn.conversation_id
            self.draft = ""
            self.messages = [*shown, _message_dict(turn.question),
                             {"id": "", "role": "assistant", "content": "", "engine": "", "notice": "",
                              "membership": "", "vote": ""}]
            self._refresh_list(user)

        stopped = False
        async with aclosing(turn.reply(stop=lambda: stopped)) as events:
            async for event in events:
                if event.kind == "delta":  # streamed into the last message
                    async with self:
                        if self._stop_requested:
                            stopped = True
                            continue
                        self.messages = [*self.messages[:-1], {**self.messages[-1], "content": event.reply}]
                elif event.kind == "done" and event.message is not None:
                    async with self:
                        self.messages = [*self.messages[:-1], _message_dict(event.message)]
