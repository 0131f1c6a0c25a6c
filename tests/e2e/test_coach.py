"""Asking the coach: the reply streams in piece by piece, and the conversation is kept."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import AI_MODEL
from tests.e2e.journeys import register
from tests.fakes.openai_server import Reply


def test_ask_the_coach_and_find_the_conversation_after_a_reload(page: Page):
    register(page, "asker1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coach").click()
    expect(page.get_by_role("button", name="What should I train today?")).to_be_visible()
    page.get_by_label("Message to the coach").fill("Any tips for my first week?")
    page.get_by_role("button", name="Send").click()

    reply = page.get_by_role("article", name="Coach said").last
    expect(page.get_by_role("button", name="Stop")).to_be_visible()  # streaming: the input waits
    expect(reply).to_contain_text("Hello")
    partial = reply.inner_text()
    expect(reply).to_contain_text("you are doing well.")
    assert len(partial) < len(reply.inner_text())  # it arrived in pieces
    expect(reply).not_to_contain_text("Built-in coach")  # an AI provider answered, and says so

    page.reload()
    expect(page.get_by_role("article", name="You said")).to_contain_text("Any tips for my first week?")
    expect(page.get_by_role("article", name="Coach said").last).to_contain_text("you are doing well.")
    expect(page.get_by_role("button", name="Any tips for my first week?", exact=True)).to_be_visible()  # the list
    assert_accessible(page, "the coach with a conversation")


def test_red_flags_get_medical_advice_not_training(page: Page):
    register(page, "asker2")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coach").click()
    page.get_by_label("Message to the coach").fill("I get chest pain when I run, should I push through?")
    page.get_by_role("button", name="Send").click()
    reply = page.get_by_role("article", name="Coach said").last
    expect(reply).to_contain_text("medical")
    assert_accessible(page, "the coach's medical advice")


def test_markup_in_an_ai_reply_is_shown_as_text_and_never_runs(page: Page, app):
    register(page, "asker3")
    payload = ('Careful with form. <img src=x onerror="window.__vigorPwned=1"> '
               '<iframe srcdoc="<script>parent.__vigorPwned=2</script>"></iframe> '
               '![pixel](http://127.0.0.1:9/track.png) **Rest well.**')
    app.ai.script(AI_MODEL, Reply(content=payload))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coach").click()
    page.get_by_label("Message to the coach").fill("How should I warm up?")
    page.get_by_role("button", name="Send").click()
    reply = page.get_by_role("article", name="Coach said").last
    expect(reply).to_contain_text("Rest well.")
    expect(reply).to_contain_text("<img src=x")  # shown as the text it is
    assert reply.locator("img, iframe, script, a").count() == 0
    assert page.evaluate("window.__vigorPwned") is None
    page.reload()  # and as kept: the stored reply renders the same way
    reply = page.get_by_role("article", name="Coach said").last
    expect(reply).to_contain_text("Rest well.")
    assert reply.locator("img, iframe, script, a").count() == 0
    assert page.evaluate("window.__vigorPwned") is None


def test_an_ai_reply_recommending_harm_is_replaced_on_the_page_and_as_kept(page: Page, app):
    register(page, "asker4")
    app.ai.script(AI_MODEL, Reply(content="Good question. Take 50 mg of anavar daily for eight "
                                          "weeks to bulk faster. Eat well too.", chunks=8))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coach").click()
    page.get_by_label("Message to the coach").fill("How do I bulk faster?")
    page.get_by_role("button", name="Send").click()
    reply = page.get_by_role("article", name="Coach said").last
    expect(reply).to_contain_text("performance-enhancing drugs")
    expect(reply).not_to_contain_text("anavar")
    expect(page.get_by_text("broke Vigor's safety rules")).to_be_visible()
    assert_accessible(page, "a replaced AI reply and its notice")
    page.reload()  # the stored reply is the replacement too
    reply = page.get_by_role("article", name="Coach said").last
    expect(reply).to_contain_text("performance-enhancing drugs")
    expect(reply).not_to_contain_text("anavar")


def test_on_a_phone_the_message_box_stays_in_reach_with_the_newest_reply_in_view(page: Page):
    """After many messages the composer is still on screen and the newest reply is in view."""
    page.set_viewport_size({"width": 390, "height": 844})
    register(page, "phoneasker")
    page.goto("/coach")
    box = page.get_by_label("Message to the coach")
    for n in range(6):
        box.fill(f"Question {n + 1}: any tips for today?")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("article", name="You said")).to_have_count(n + 1)
        expect(page.get_by_role("article", name="Coach said").nth(n)).to_contain_text("you are doing well.")
    expect(box).to_be_in_viewport()
    expect(page.get_by_role("article", name="Coach said").last).to_be_in_viewport()
    assert_accessible(page, "the coach on a phone after six questions")
    send = page.get_by_role("button", name="Send").bounding_box()
    assert send["y"] + send["height"] <= page.get_by_role("navigation", name="Sections").bounding_box()["y"]
    page.reload()
    expect(page.get_by_role("article", name="Coach said")).to_have_count(6)
    expect(page.get_by_label("Message to the coach")).to_be_in_viewport()
    expect(page.get_by_role("article", name="Coach said").last).to_be_in_viewport()
