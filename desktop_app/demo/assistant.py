"""The demo server's scripted assistant: what it "thinks", replies and summarises (pure).

The replies never quote the user's text back: it is patient information. They only
mention the message's sequence number and length, and cycle through a few canned
answers about shared decision making, each with a citation and a decision aid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.demo.frames import Citation, DecisionAid

if TYPE_CHECKING:
    from datetime import datetime

ASSISTANT_NAME = "SDM Assistant"
THINKING_TRIGGER = "autonomous"  # the real server's default mode
SUMMARY_TITLE = "SDM demo - conversation summary"

_SUMMARY_WORD = re.compile(r"\bsummary\b", re.IGNORECASE)


def wants_summary(text: str) -> bool:
    """Whether a user message asks for a summary: it contains the word "summary"."""
    return _SUMMARY_WORD.search(text) is not None


@dataclass(frozen=True)
class ThinkingStep:
    """The ``thinking_progress`` and ``thinking_stream`` events before a reply."""

    stage: str
    progress_message: str
    thought: str


@dataclass(frozen=True)
class ScriptedReply:
    """The bot's reply to one user message."""

    content: str
    citations: tuple[Citation, ...]
    decision_aids: tuple[DecisionAid, ...]


@dataclass(frozen=True)
class _Topic:
    paragraph: str
    questions: tuple[str, ...]
    citation: Citation
    aid: DecisionAid


_TOPICS = (
    _Topic(
        paragraph=(
            "When more than one option is reasonable, it helps to put them side by side "
            "and weigh them against what matters most to you [1]."
        ),
        questions=(
            "What are the options, including waiting?",
            "What are the likely benefits and harms of each?",
            "How likely are they to happen to someone like you?",
        ),
        citation=Citation(
            index=1,
            url="https://evidence.sdm.example/library/three-talk-model",
            title="A three-talk model for shared decision making",
            excerpt="Team talk, option talk and decision talk support deliberation.",
            doc_id="demo-doc-three-talk",
        ),
        aid=DecisionAid(
            title="Option grid: comparing treatment options",
            url="https://evidence.sdm.example/aids/option-grid",
        ),
    ),
    _Topic(
        paragraph=(
            "Numbers are easier to compare as natural frequencies, for example "
            "*3 in 100 people*, than as percentages or relative risks [1]."
        ),
        questions=(
            "Out of 100 people like you, how many benefit?",
            "Out of 100, how many have a side effect?",
        ),
        citation=Citation(
            index=1,
            url="https://evidence.sdm.example/library/risk-communication",
            title="Communicating risks with natural frequencies",
            excerpt="Absolute risks in natural frequencies are understood best.",
            doc_id="demo-doc-risk-communication",
        ),
        aid=DecisionAid(
            title="Icon array: 100 people like you",
            url="https://evidence.sdm.example/aids/icon-array",
        ),
    ),
    _Topic(
        paragraph=(
            "A good decision fits both the evidence and your own values; there is no "
            "single right answer for everyone [1]."
        ),
        questions=(
            "What matters most to you in daily life?",
            "Which harms would you most want to avoid?",
        ),
        citation=Citation(
            index=1,
            url="https://evidence.sdm.example/library/values-clarification",
            title="Values clarification in decision aids",
            excerpt="Explicit values clarification improves decision quality.",
            doc_id="demo-doc-values",
        ),
        aid=DecisionAid(
            title="Values worksheet",
            url="https://evidence.sdm.example/aids/values-worksheet",
        ),
    ),
)

_STEPS = (
    ThinkingStep("retrieval", "Searching the evidence library", "Looking for relevant evidence"),
    ThinkingStep("analysis", "Comparing the options", "Weighing benefits against harms"),
    ThinkingStep("values", "Considering preferences", "Thinking about what matters to you"),
)


def thinking_step(sequence: int) -> ThinkingStep:
    """The thinking events before the reply to the user's ``sequence``-th message (from 1)."""
    return _STEPS[(sequence - 1) % len(_STEPS)]


def compose_reply(sequence: int, text_length: int) -> ScriptedReply:
    """The reply to the user's ``sequence``-th message (from 1) of ``text_length`` characters."""
    topic = _TOPICS[(sequence - 1) % len(_TOPICS)]
    questions = "\n".join(f"- {question}" for question in topic.questions)
    content = (
        f"**Demo reply to your message {sequence}** ({text_length} characters received)\n\n"
        f"{topic.paragraph}\n\n"
        f"Questions worth asking:\n\n{questions}\n\n"
        "_This is the demo server: the answer is scripted, not medical advice._"
    )
    return ScriptedReply(content=content, citations=(topic.citation,), decision_aids=(topic.aid,))


def summary_lines(
    conversation_id: str, *, user_messages: int, bot_messages: int, generated_at: datetime
) -> list[str]:
    """The text lines of the summary PDF: counts and ids only, never message text."""
    return [
        f"Conversation: {conversation_id}",
        f"Messages: {user_messages + bot_messages} "
        f"({user_messages} from the user, {bot_messages} from the assistant)",
        f"Generated at: {generated_at.isoformat()}",
        "",
        "This summary was produced by the SDM demo server. It lists counts only",
        "and contains no message text.",
    ]
