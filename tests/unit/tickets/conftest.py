"""Queue-number tests: a fake centre on 127.0.0.1 and configs in private dirs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from central_peer import FakeCentre

from kiosk.config import KioskConfig
from kiosk.config.loader import Layer, default_layer, load_layers


@pytest.fixture
def centre() -> Iterator[FakeCentre]:
    with FakeCentre() as server:
        yield server


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., KioskConfig]:
    def make(extra: str = "", central_url: str = "", tag: str = "K") -> KioskConfig:
        text = (
            f'[terminal]\ndata_dir = "{tmp_path}"\n'
            f'[central]\nurl = "{central_url}"\n'
            f'[ticket]\noffline_tag = "{tag}"\n'
            "central_timeout_s = 1.0\n" + extra
        )
        import tomllib

        return load_layers([default_layer(), Layer("test.toml", text, tomllib.loads(text))])

    return make
