"""Pieces every sub-command shares."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig, load_config
from offline_cache.private import write_private


class CliError(Exception):
    """One clear line for the technician; the command exits with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="terminal config file (TOML)")


def config_from(args: argparse.Namespace) -> KioskConfig:
    return load_config(getattr(args, "config", None))


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def write_output(path: Path, data: bytes | str) -> None:
    """Write a command's output file readable by this user only (0600, whatever the umask
    or the mode of a file it replaces): such files hold a citizen's face, name or ID
    number. A failure is one clear line naming the file."""
    try:
        write_private(path, data)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None
