"""``kiosk voice``: hear (or write) what a screen says, as the terminal says it."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from devices.voice.espeak import synthesize
from kiosk.cli.common import CliError
from kiosk.voice import LANGUAGES, PromptBook, Volume, screen_key


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("voice", help="spoken prompts: write a screen's prompt as WAV")
    vsub = p.add_subparsers(dest="voice_command", metavar="ACTION", required=True)
    say = vsub.add_parser("say", help="write one screen's prompt to a WAV file")
    say.add_argument("--screen", required=True, help="screen id as in the tour, e.g. form-card")
    say.add_argument("--lang", choices=LANGUAGES, default="zh_CN")
    say.add_argument("--out", type=Path, required=True, help="WAV file to write")
    say.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value the prompt names, e.g. number=A023 (default: the prompt's sample)",
    )
    say.add_argument("--volume", choices=[v.value for v in Volume], default="medium")
    say.set_defaults(func=_say)
    ls = vsub.add_parser("list", help="every screen id with its prompt")
    ls.add_argument("--lang", choices=LANGUAGES, default="zh_CN")
    ls.set_defaults(func=_list)


def _values(pairs: list[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CliError(f"--value {pair!r}: expected NAME=VALUE")
        out[name] = value
    return out


def _say(args: argparse.Namespace) -> int:
    book = PromptBook()
    key = screen_key(args.screen)
    if key not in book:
        known = ", ".join(sorted(k.replace("_", "-") for k in book.prompts))
        raise CliError(f"no prompt for screen {args.screen!r} (known: {known})")
    try:
        text = book.text(key, args.lang, _values(args.value))
    except KeyError as exc:
        raise CliError(f"screen {args.screen!r} needs --value {exc.args[0]}=...") from None
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise CliError("espeak-ng is not installed (Debian: espeak-ng)")
    wav = synthesize(binary, text, args.lang, 150, Volume(args.volume).percent)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(wav)
    print(f"{args.out}: {text}")
    return 0


def _list(args: argparse.Namespace) -> int:
    book = PromptBook()
    for key in sorted(book.prompts):
        print(f"{key.replace('_', '-'):22} {book.text(key, args.lang)}")
    return 0
