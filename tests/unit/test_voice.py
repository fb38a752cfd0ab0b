"""Voice prompts follow the screens, in the citizen's language; espeak-ng really speaks."""

from __future__ import annotations

import wave
from pathlib import Path

from devices.base import DeviceKind
from devices.registry import open_device
from devices.voice.espeak import EspeakVoice
from devices.voice.sim import SimVoice
from kiosk.config import KioskConfig
from kiosk.flows.kiosk import KioskController
from kiosk.journeys import available_journeys
from kiosk.terminal import build_terminal
from kiosk.voice import VoicePrompts
from tests.support import ManualClock


def test_each_screen_is_announced_once_in_the_chosen_language(
    config: KioskConfig, clock: ManualClock
) -> None:
    terminal = build_terminal(config)
    c = KioskController(config, available_journeys(terminal), clock())
    voice = terminal.voice
    assert isinstance(voice, SimVoice)
    VoicePrompts(c, voice, enabled=True)
    c.start(clock())
    c.touch(clock())
    c.open_journey("ticket", clock())
    c.set_language("en", clock())
    c.back(clock())
    assert voice.said == [
        ("zh_CN", "请选择您要办理的事项"),
        ("zh_CN", "请选择业务类型"),
        ("en", "What would you like to do?"),
    ]


def test_voice_off_says_nothing(config: KioskConfig, clock: ManualClock) -> None:
    terminal = build_terminal(config)
    c = KioskController(config, available_journeys(terminal), clock())
    voice = terminal.voice
    assert isinstance(voice, SimVoice)
    VoicePrompts(c, voice, enabled=False)
    c.start(clock())
    assert voice.said == []


def test_espeak_writes_mandarin_speech(tmp_path: Path) -> None:
    voice = open_device(DeviceKind.VOICE, f"espeak://{tmp_path}")
    assert isinstance(voice, EspeakVoice)
    voice.say("请选择业务类型", "zh_CN")
    voice.wait()
    files = sorted(tmp_path.glob("*.wav"))
    assert len(files) == 1
    with wave.open(str(files[0])) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 0.8 < seconds < 6  # seven syllables, spoken
    assert voice.health().state == "ok"
