"""A coach's Markdown read into blocks of plain text for the dashboard and History."""

from __future__ import annotations

from vigor_app.services.coach.text_blocks import MAX_BLOCKS, Block, Span, blocks, one_line, spans


def _words(block: Block) -> str:
    return "".join(span.text for span in block.spans)


def test_paragraphs_lists_and_headings():
    found = blocks("## This week\nYou trained **three** times.\nNice work.\n\n- Sleep *eight* hours\n"
                   "* Eat protein\n1. Squat\n2) Bench\n\n---\nKeep going")
    assert [(b.kind, b.marker) for b in found] == [("heading", ""), ("paragraph", ""), ("item", "•"),
                                                  ("item", "•"), ("item", "1."), ("item", "2."),
                                                  ("paragraph", "")]
    assert _words(found[0]) == "This week"
    assert found[1].spans == [Span("You trained "), Span("three", strong=True), Span(" times. Nice work.")]
    assert found[2].spans == [Span("Sleep "), Span("eight", em=True), Span(" hours")]
    assert _words(found[-1]) == "Keep going"


def test_markup_links_and_images_stay_text_and_nothing_is_fetched():
    found = blocks('Careful. <img src=x onerror="alert(1)"> [click](http://evil.example) '
                   '![pixel](http://127.0.0.1:9/t.png) `rest`')
    text = _words(found[0])
    assert '<img src=x onerror="alert(1)">' in text  # shown as the text it is (React escapes it)
    assert "click" in text and "evil.example" not in text
    assert "[pixel]" in text and "127.0.0.1" not in text
    assert text.endswith("rest")


def test_code_blocks_keep_their_lines_and_an_unclosed_fence_is_still_shown():
    found = blocks("Try:\n```\nsquat 3x5\nbench 3x5\n```\nThen rest.\n```\nleft open")
    assert [b.kind for b in found] == ["paragraph", "code", "paragraph", "code"]
    assert _words(found[1]) == "squat 3x5\nbench 3x5"
    assert _words(found[3]) == "left open"


def test_underscores_inside_words_and_lone_stars_are_not_emphasis():
    assert spans("snake_case_name and 3 * 4 = 12") == [Span("snake_case_name and 3 * 4 = 12")]
    assert spans("__both__ and _one_") == [Span("both", strong=True), Span(" and "), Span("one", em=True)]


def test_empty_and_very_long_messages():
    assert blocks("") == [] and blocks("\n\n  \n") == []
    assert len(blocks("\n\n".join(f"line {i}" for i in range(MAX_BLOCKS + 50)))) == MAX_BLOCKS


def test_a_line_of_unmatched_markers_is_read_whole():
    """Provider text is untrusted: thousands of markers that never close are read as text (each
    inline run is bounded, so this takes linear time)."""
    for line in ("*a" * 4000, "**a" * 3000, "[x" * 3000, "_a " * 3000, "`" + "a" * 5000):
        assert "".join(span.text for span in spans(line)).replace("*", "").replace("_", "").replace("`", "") \
            == line.replace("*", "").replace("_", "").replace("`", "")


def test_a_message_on_one_line_for_a_notification():
    message = "## Today\n\n**Great** week: you hit a *squat* record.\n\n- Rest well\n- Then `Day 2`\n\n[Plan](http://x) <b>"
    assert one_line(message) == "Today Great week: you hit a squat record. • Rest well • Then Day 2 Plan <b>"
    assert one_line("") == ""
