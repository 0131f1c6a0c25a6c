"""What the safety rules answer a red flag and words of self-harm with (``messages.screen``):
stop and get care, with the emergency numbers; a caring reply with where to get help now."""

from __future__ import annotations

_SYMPTOM = {
    "chest": "Chest pain, pressure or tightness",
    "faint": "Fainting, nearly fainting or blacking out",
    "numbness": "Sudden numbness or weakness",
    "breathing": "Trouble breathing that isn't ordinary breathlessness from effort",
    "heart": "A racing or irregular heartbeat, especially with dizziness",
    "headache": "A sudden, severe headache",
    "urine": "Dark or bloody urine after training",
    "pain": "Severe or worsening pain, or a pop or snap, during exercise",
    "other": "What you describe",
}

EMERGENCY_NUMBERS = "112 in Europe, 911 in the US and Canada, 999 in the UK, 000 in Australia"


def medical_reply(topic: str) -> str:
    symptom = _SYMPTOM.get(topic, _SYMPTOM["other"])
    return (
        f"**Please stop exercising now.** {symptom} can be a sign of something serious, and it "
        "needs medical attention, not a workout.\n\n"
        "- **If it is happening now, is severe or came on suddenly, call your local emergency "
        f"number** ({EMERGENCY_NUMBERS}) or have someone take you to the nearest emergency "
        "department. Don't drive yourself.\n"
        "- If it has passed, still see a doctor soon and tell them what you felt and what you "
        "were doing at the time.\n"
        "- Sit or lie down, stay with someone if you can, and don't go back to your workout "
        "until a doctor has cleared you.\n\n"
        "I'm a fitness coach, not a doctor, so I won't give exercise advice for this. Once "
        "you've been checked and cleared, I'll gladly help you plan a careful return."
    )


SELF_HARM_REPLY = (
    "I'm really sorry you're feeling this way, and I'm glad you said it. You don't have to carry "
    "this on your own.\n\n"
    f"- **If you might act on these thoughts, or you are in danger now, call your local emergency "
    f"number** ({EMERGENCY_NUMBERS}) or go to the nearest emergency department.\n"
    "- You can talk to someone right now, any time of day: 988 (call or text) in the US, "
    "Samaritans on 116 123 in the UK and Ireland, Lifeline on 13 11 14 in Australia, or "
    "findahelpline.com for a free, confidential line in your country.\n"
    "- If you can, tell someone you trust how you're feeling today.\n\n"
    "I'm a fitness coach, so I'm not the right help for this, but I'm here for your training "
    "whenever you want to come back to it."
)
