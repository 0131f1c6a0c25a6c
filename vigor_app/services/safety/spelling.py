"""Reading a message as it was meant to be typed, before the safety rules run.

People type on a phone between sets: "chest pian", "my hart is racing", "blakced out". The
rules in ``messages`` look for the words meant, so each misspelling is put right first:
`MISSPELLINGS` lists the common ones word for word, and a longer word is matched to the
nearest of `SPELLED_WORDS` (difflib, `SPELLING_CUTOFF`) unless it is another form of it
("collapse" stays "collapse": knees collapsing in on a squat are technique, not a red flag).
"""

from __future__ import annotations

import difflib

# Misspellings of the words the rules look for, as people type them on a phone: each is read as
# the word meant before the rules run ("chest pian" is chest pain). Longer words are also
# matched to the nearest word of `SPELLED_WORDS` (difflib, `SPELLING_CUTOFF`), unless they are
# another form of it ("collapse" stays "collapse": knees collapsing in on a squat are technique).
MISSPELLINGS = {
    "pian": "pain", "painn": "pain", "hart": "heart", "chets": "chest",
    "chset": "chest", "brethe": "breathe", "breth": "breath", "dizy": "dizzy", "dizzey": "dizzy",
    "fanted": "fainted", "fainded": "fainted", "feinted": "fainted", "numbb": "numb", "nuumb": "numb",
    "hedache": "headache", "headach": "headache", "sucide": "suicide", "suicde": "suicide",
    "roids": "steroids", "steriods": "steroids", "sterods": "steroids", "laxitives": "laxatives",
    "wen": "when",
}
SPELLED_WORDS = ("blacked", "blacking", "collapsed", "fainted", "fainting", "dizziness", "tingling",
                 "numbness", "headache", "breathing", "breathless", "palpitations", "suicidal",
                 "starving", "starvation", "laxatives", "purging", "dehydrate", "dehydrating",
                 "steroids", "trenbolone", "testosterone", "clenbuterol", "unconscious", "swollen")
SPELLING_MIN_LENGTH = 6
SPELLING_CUTOFF = 0.85


def spelled(text: str) -> str:
    """`text` (normalised) with the misspellings of the rules' words put right."""
    words = []
    for word in text.split():
        fixed = MISSPELLINGS.get(word)
        if fixed is None and len(word) >= SPELLING_MIN_LENGTH and word not in SPELLED_WORDS:
            close = difflib.get_close_matches(word, SPELLED_WORDS, n=1, cutoff=SPELLING_CUTOFF)
            # another form of the word ("collapse", "collapsed") is a word, not a misspelling
            fixed = close[0] if close and not close[0].startswith(word[:-1]) else None
        words.append(fixed or word)
    return " ".join(words)
