"""The card photo: 1024 bytes of WLT, a format only vendor libraries decode.

Decoding is a plugin point, absent by default (the record keeps the WLT bytes and says
``photo_format = "wlt"``). Two kinds of plugin, chosen in the device URI:

- ``wlt_cmd=/usr/local/bin/wlt2bmp``: a command that reads the WLT bytes on stdin and
  writes an image (BMP, JPEG or PNG) on stdout. Runs in its own process, so a crashing
  vendor tool cannot take the kiosk down; preferred.
- ``wlt_lib=/opt/vendor/libwlt2bmp.so``: a shared library loaded with ctypes exposing
  ``int unpack(const char *wlt, char *bmp, int flag)`` (symbol and flag configurable with
  ``wlt_symbol`` and ``wlt_flag``), returning 1 and a 38862-byte 102x126 BMP on success.
"""

from __future__ import annotations

import ctypes
import shlex
import subprocess
import threading
from typing import Protocol

from devices.idcard.sam.errors import SamError

WLT_LEN = 1024
BMP_LEN = 38862  # 102 x 126 pixels, 24-bit, rows padded to 308 bytes, 54-byte header
DECODE_TIMEOUT_S = 5.0


class WltDecodeError(SamError):
    """The configured decoder could not turn the WLT bytes into an image."""


class PhotoDecoder(Protocol):
    def decode(self, wlt: bytes) -> tuple[bytes, str]:
        """Return (image bytes, format name) or raise WltDecodeError."""


def image_format(data: bytes) -> str:
    """Name the image format from its magic bytes."""
    if data[:2] == b"BM":
        return "bmp"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n":
        return "jp2"
    raise WltDecodeError("the photo decoder's output is not a BMP, JPEG, PNG or JPEG 2000 image")


class CommandDecoder:
    """Runs ``command`` with the WLT bytes on stdin; the image comes back on stdout."""

    def __init__(self, command: str, timeout_s: float = DECODE_TIMEOUT_S) -> None:
        self.argv = shlex.split(command)
        if not self.argv:
            raise WltDecodeError("empty photo decoder command")
        self.timeout_s = timeout_s

    def decode(self, wlt: bytes) -> tuple[bytes, str]:
        try:
            done = subprocess.run(
                self.argv, input=wlt, capture_output=True, timeout=self.timeout_s, check=False
            )
        except subprocess.TimeoutExpired:
            raise WltDecodeError(f"photo decoder gave no answer in {self.timeout_s:g} s") from None
        except OSError as exc:
            raise WltDecodeError(f"photo decoder cannot run: {exc.strerror}") from None
        if done.returncode != 0:
            raise WltDecodeError(f"photo decoder exited with status {done.returncode}")
        return done.stdout, image_format(done.stdout)


class LibraryDecoder:
    """Calls a vendor shared library in process (serialised: such libraries are rarely
    thread-safe)."""

    _lock = threading.Lock()

    def __init__(self, path: str, symbol: str = "unpack", flag: int = 602) -> None:
        try:
            lib = ctypes.CDLL(path)
            self._func = getattr(lib, symbol)
        except (OSError, AttributeError) as exc:
            raise WltDecodeError(f"cannot load photo decoder {path}: {exc}") from None
        self._func.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        self._func.restype = ctypes.c_int
        self.flag = flag

    def decode(self, wlt: bytes) -> tuple[bytes, str]:
        if len(wlt) != WLT_LEN:
            raise WltDecodeError(f"WLT photo of {len(wlt)} bytes, expected {WLT_LEN}")
        src = ctypes.create_string_buffer(wlt, WLT_LEN)
        dst = ctypes.create_string_buffer(BMP_LEN)
        with self._lock:
            result = self._func(src, dst, self.flag)
        if result != 1:
            raise WltDecodeError(f"photo decoder library returned {result}")
        image = dst.raw
        return image, image_format(image)


def decoder_from_params(params: dict[str, str]) -> PhotoDecoder | None:
    """The decoder a device URI asks for, or None (the default: keep WLT bytes)."""
    if params.get("wlt_cmd"):
        return CommandDecoder(params["wlt_cmd"])
    if params.get("wlt_lib"):
        flag = params.get("wlt_flag", "602")
        if not flag.lstrip("-").isdigit():
            raise WltDecodeError(f"wlt_flag={flag!r} is not a whole number")
        return LibraryDecoder(params["wlt_lib"], params.get("wlt_symbol", "unpack"), int(flag))
    return None
