"""Spoken prompts: every screen says its prompt when it appears, and again on request.

The prompts are data (``kiosk/prompts.toml``), keyed by the core's screen ids; what
espeak-ng misreads is corrected by ``kiosk/pronunciation.toml``. How prompts follow
each other (a short one is never cut off) is the voice device's rule
(:mod:`devices.voice.queue`).
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources

from devices.voice.protocol import Voice
from kiosk.flows.journey import Announces
from kiosk.flows.kiosk import KioskController
from kiosk.pronunciation import Pronunciation, load_pronunciation

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")


class Volume(StrEnum):
    """What the citizen picks with the volume button; espeak-ng amplitude in percent."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def percent(self) -> int:
        return {"low": 50, "medium": 100, "high": 170}[self.value]

    def louder(self) -> Volume:
        """The next step, round: low -> medium -> high -> low."""
        order = list(Volume)
        return order[(order.index(self) + 1) % len(order)]


@dataclass(frozen=True)
class Prompt:
    key: str
    texts: dict[str, str]
    sample: dict[str, str] = field(default_factory=dict)


class PromptError(ValueError):
    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"kiosk/prompts.toml: [{key}]: {problem}")
        self.key = key
        self.problem = problem


def parse_prompts(text: str) -> dict[str, Prompt]:
    out: dict[str, Prompt] = {}
    for key, table in tomllib.loads(text).items():
        if not isinstance(table, dict):
            raise PromptError(key, "must be a table with zh_CN and en")
        texts = {lang: table.get(lang) for lang in LANGUAGES}
        if not all(isinstance(t, str) and t for t in texts.values()):
            raise PromptError(key, "needs both zh_CN and en text")
        sample = table.get("sample", {})
        if not isinstance(sample, dict):
            raise PromptError(key, "sample must be a table of values")
        out[key] = Prompt(key, {k: str(v) for k, v in texts.items()}, dict(sample))
    return out


def load_prompts() -> dict[str, Prompt]:
    return parse_prompts(resources.files("kiosk").joinpath("prompts.toml").read_text("utf-8"))


def screen_key(screen_id: str) -> str:
    """A screen id as the tour names it (``form-card``) or as the core does (``form_card``)."""
    return screen_id.strip().replace("-", "_")


class PromptBook:
    """The prompts with the pronunciation table: prompt key + values -> speakable text."""

    def __init__(
        self,
        prompts: dict[str, Prompt] | None = None,
        pronunciation: Pronunciation | None = None,
    ) -> None:
        self.prompts = load_prompts() if prompts is None else prompts
        self.pronunciation = load_pronunciation() if pronunciation is None else pronunciation

    def __contains__(self, key: str) -> bool:
        return key in self.prompts

    def text(self, key: str, language: str, values: dict[str, str] | None = None) -> str:
        """What the voice is given for ``key``; KeyError for an unknown key or a value the
        prompt names but ``values`` lacks."""
        prompt = self.prompts[key]
        template = self.pronunciation.fix_words(prompt.texts[language], language)
        given = values if values is not None else prompt.sample
        return template.format(**self.pronunciation.values(given, language))


class VoicePrompts:
    """Speaks each screen's prompt once when it appears; repeats it on request; the start
    screen speaks as soon as the kiosk is up."""

    def __init__(
        self,
        controller: KioskController,
        voice: Voice,
        enabled: bool,
        book: PromptBook | None = None,
        volume: Volume = Volume.MEDIUM,
    ) -> None:
        self._c = controller
        self._voice = voice
        self._enabled = enabled
        self.book = book or PromptBook()
        self._default_volume = volume
        self.volume = volume
        self._last: str | None = None
        self._in_session = False
        self._warned = False
        self._last_instruction = ""
        self._announced: tuple[int, int] = (0, 0)  # (journey, seq) last said
        voice.set_volume(volume.percent)
        controller.on_change(self._screen_changed)
        controller.on_change(self._announce)
        self._screen_changed()  # the start screen speaks on start

    def _values(self) -> dict[str, str]:
        journey = self._c.journey
        return journey.prompt_values() if journey is not None else {}

    def say(self, key: str, interrupt: bool = False) -> None:
        """Speak prompt ``key`` in the citizen's language (missing prompts stay silent)."""
        if not self._enabled or key not in self.book:
            return
        language = self._c.language
        try:
            text = self.book.text(key, language, self._values())
        except KeyError as exc:  # a prompt names a value the journey does not give
            log.warning("prompt %s needs %s", key, exc)
            return
        self._voice.say(text, language, interrupt=interrupt)

    def current_key(self) -> str:
        """The prompt for what the citizen sees now (the idle warning covers the screen)."""
        return "idle_warning" if self._warned else str(self._c.screen)

    def repeat(self) -> None:
        """ "Hear again": the current screen's prompt, now, cutting off whatever plays."""
        self.say(self.current_key(), interrupt=True)

    def louder(self) -> Volume:
        """The volume button: next step round, and say the prompt again at that level."""
        self.volume = self.volume.louder()
        self._voice.set_volume(self.volume.percent)
        self.repeat()
        return self.volume

    def _screen_changed(self) -> None:
        screen = self._c.screen
        in_session = self._c.session is not None
        if self._in_session and not in_session and self.volume is not self._default_volume:
            # The citizen left: the next one starts at the terminal's volume, like
            # language and text size.
            self.volume = self._default_volume
            self._voice.set_volume(self.volume.percent)
        self._in_session = in_session
        if screen == self._last:
            return
        self._last = screen
        self._warned = False
        self.say(str(screen))

    def _announce(self) -> None:
        """Say a journey's announcement (the first problem on Next) once per new one."""
        journey = self._c.journey
        note = journey.announcement if isinstance(journey, Announces) else None
        if note is None or (id(journey), note.seq) == self._announced:
            return
        self._announced = (id(journey), note.seq)
        if self._enabled:
            zh = self._c.language == "zh_CN"
            self._voice.say(note.zh if zh else note.en, self._c.language)

    def instruction(self, key: str, zh: str, en: str) -> None:
        """Speak a live photo instruction once, when it differs from the last one."""
        if key == self._last_instruction:
            return
        self._last_instruction = key
        if self._enabled and key:
            self._voice.say(zh if self._c.language == "zh_CN" else en, self._c.language)

    def idle_tick(self, countdown: float | None) -> None:
        """Say "still there?" once when the countdown appears."""
        if countdown is None:
            self._warned = False
        elif not self._warned:
            self._warned = True
            self.say("idle_warning")
