"""Voice prompts follow the screens, in the citizen's language; espeak-ng really speaks;
a short prompt is never cut off by the next; hear again and volume."""

from __future__ import annotations

import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from devices.base import DeviceKind
from devices.registry import open_device
from devices.voice.espeak import EspeakVoice
from devices.voice.queue import SHORT_PROMPT_S, Prompt, PromptQueue
from devices.voice.sim import SimVoice
from kiosk.config import KioskConfig
from kiosk.flows.kiosk import KioskController
from kiosk.journeys import available_journeys
from kiosk.terminal import build_terminal
from kiosk.voice import PromptBook, PromptError, VoicePrompts, Volume, parse_prompts
from tests.support import ManualClock


def kiosk(config: KioskConfig, clock: ManualClock) -> tuple[KioskController, SimVoice]:
    terminal = build_terminal(config)
    c = KioskController(config, available_journeys(terminal), clock())
    voice = terminal.voice
    assert isinstance(voice, SimVoice)
    return c, voice


def test_each_screen_is_announced_once_in_the_chosen_language(
    config: KioskConfig, clock: ManualClock
) -> None:
    c, voice = kiosk(config, clock)
    VoicePrompts(c, voice, enabled=True)
    c.start(clock())
    c.touch(clock())
    c.open_journey("ticket", clock())
    c.set_language("en", clock())
    c.back(clock())
    assert voice.said == [
        ("zh_CN", "您好，请点击屏幕开始办理"),  # the start screen speaks on start
        ("zh_CN", "请选择您要办理的事项"),
        ("zh_CN", "请选择业务类型"),
        ("en", "What would you like to do?"),
    ]


def test_hear_again_repeats_the_screen_now_and_volume_steps_round(
    config: KioskConfig, clock: ManualClock
) -> None:
    c, voice = kiosk(config, clock)
    prompts = VoicePrompts(c, voice, enabled=True)
    c.start(clock())
    prompts.repeat()
    assert voice.log[-1].text == "请选择您要办理的事项" and voice.log[-1].interrupt
    assert not voice.log[-2].interrupt  # the screen's own announcement waits its turn
    assert prompts.louder() is Volume.HIGH
    assert voice.log[-1].volume == 170 and voice.log[-1].text == "请选择您要办理的事项"
    assert prompts.louder() is Volume.LOW and voice.volume == 50
    c.cancel(clock())  # the next citizen starts at the terminal's volume
    assert voice.volume == 100 and prompts.volume is Volume.MEDIUM


def test_idle_warning_is_said_and_hear_again_repeats_it(
    config: KioskConfig, clock: ManualClock
) -> None:
    c, voice = kiosk(config, clock)
    prompts = VoicePrompts(c, voice, enabled=True)
    c.start(clock())
    prompts.idle_tick(10.0)
    prompts.idle_tick(9.0)
    assert [t for _, t in voice.said].count("您还在吗？如需继续办理，请点我还在。") == 1
    prompts.repeat()
    assert voice.said[-1][1] == "您还在吗？如需继续办理，请点我还在。"


def test_numbers_are_spelled_and_words_corrected(config: KioskConfig, clock: ManualClock) -> None:
    book = PromptBook()
    assert "A 0 2 3" in book.text("ticket_done", "zh_CN", {"number": "A023", "service": "x"})
    assert "ji4 N 6 0" in book.text("photo_saved", "zh_CN", {"receipt": "GN60"})
    assert "chong2 pai1" in book.text("photo_result", "zh_CN")
    english = book.text("ticket_done", "en", {"number": "A023", "service": "x"})
    assert "Your number is eh 0 2 3." in english  # "eh": espeak-ng reads a lone A as "a"


def test_every_prompt_has_both_languages_and_its_sample_values() -> None:
    book = PromptBook()
    for key in book.prompts:
        for language in ("zh_CN", "en"):
            assert book.text(key, language), key  # sample covers every {value}
    with pytest.raises(PromptError, match=r"\[menu\]: needs both zh_CN and en"):
        parse_prompts('[menu]\nzh_CN = "请选择"\n')


def test_voice_off_says_nothing(config: KioskConfig, clock: ManualClock) -> None:
    c, voice = kiosk(config, clock)
    VoicePrompts(c, voice, enabled=False)
    c.start(clock())
    assert voice.said == []


# -- the order prompts are spoken in ---------------------------------------------------


class FakePlaying:
    def __init__(self, prompt: Prompt, duration_s: float, log: list[str]) -> None:
        self.duration_s = duration_s
        self.prompt = prompt
        self.log = log
        self.ends = time.monotonic() + duration_s
        log.append(f"start {prompt.text}")

    def done(self) -> bool:
        return time.monotonic() >= self.ends

    def cut(self) -> None:
        if not self.done():
            self.log.append(f"cut {self.prompt.text}")
        self.ends = 0.0


def queue_with(lengths: dict[str, float]) -> tuple[PromptQueue, list[str]]:
    log: list[str] = []
    return PromptQueue(lambda p: FakePlaying(p, lengths[p.text], log)), log


def test_a_short_prompt_finishes_before_the_next_starts() -> None:
    q, log = queue_with({"card": 0.4, "confirm": 0.1})
    q.say(Prompt("card", "zh_CN", 100))
    time.sleep(0.1)
    started = time.monotonic()
    q.say(Prompt("confirm", "zh_CN", 100))
    assert q.wait_idle(5)
    assert log == ["start card", "start confirm"]
    assert time.monotonic() - started >= 0.25
    q.close()


def test_a_long_prompt_is_cut_and_only_the_newest_waiting_prompt_plays() -> None:
    q, log = queue_with({"long": SHORT_PROMPT_S + 5, "short": 0.3, "b": 0.1, "c": 0.1})
    q.say(Prompt("long", "zh_CN", 100))
    time.sleep(0.15)
    q.say(Prompt("short", "zh_CN", 100))  # cuts the long one
    time.sleep(0.1)
    q.say(Prompt("b", "zh_CN", 100))  # waits for the short one...
    q.say(Prompt("c", "zh_CN", 100))  # ...and is replaced by c
    assert q.wait_idle(5)
    assert log == ["start long", "cut long", "start short", "start c"]
    q.close()


def test_hear_again_cuts_even_a_short_prompt() -> None:
    q, log = queue_with({"a": 1.0, "a again": 0.1})
    q.say(Prompt("a", "zh_CN", 100))
    time.sleep(0.15)
    q.say(Prompt("a again", "zh_CN", 100), interrupt=True)
    assert q.wait_idle(5)
    assert log == ["start a", "cut a", "start a again"]
    q.close()


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_espeak_writes_mandarin_speech_and_lets_a_short_prompt_finish(tmp_path: Path) -> None:
    voice = open_device(DeviceKind.VOICE, f"espeak://{tmp_path}")
    assert isinstance(voice, EspeakVoice)
    voice.say("请选择业务类型", "zh_CN")
    time.sleep(0.3)
    voice.say("请核对身份证上的信息", "zh_CN")  # arrives while the first is spoken
    voice.wait()
    first, second = sorted(tmp_path.glob("*.wav"))
    assert 0.8 < wav_seconds(first) < 6  # seven syllables, spoken whole
    # The second began only when the first had been spoken to its end.
    assert second.stat().st_mtime - first.stat().st_mtime >= wav_seconds(first) - 0.35
    assert voice.health().state == "ok"
    voice.close()


def test_espeak_volume_changes_loudness(tmp_path: Path) -> None:
    def rms(volume: int) -> float:
        out = tmp_path / f"v{volume}"
        voice = open_device(DeviceKind.VOICE, f"espeak://{out}")
        voice.set_volume(volume)  # type: ignore[attr-defined]
        voice.say("请选择", "zh_CN")  # type: ignore[attr-defined]
        voice.wait()  # type: ignore[attr-defined]
        voice.close()
        (path,) = out.glob("*.wav")
        with wave.open(str(path)) as wav:
            frames = wav.readframes(wav.getnframes())
        samples = memoryview(frames).cast("h")
        return (sum(s * s for s in samples) / len(samples)) ** 0.5

    assert rms(Volume.HIGH.percent) > 1.4 * rms(Volume.LOW.percent)


def test_kiosk_voice_say_writes_the_screens_prompt(tmp_path: Path) -> None:
    out = tmp_path / "card.wav"
    run = subprocess.run(
        [sys.executable, "-m", "kiosk", "voice", "say", "--screen", "form-card", "--lang", "en",
         "--out", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Please place your ID card on the reader." in run.stdout
    assert 1.0 < wav_seconds(out) < 8
    bad = subprocess.run(
        [sys.executable, "-m", "kiosk", "voice", "say", "--screen", "form-cardd",
         "--out", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "no prompt for screen 'form-cardd' (known: attract," in bad.stderr
