"""The WLT photo decoder plugin point: absent by default, a command, or a shared library."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import quote

import pytest
from sam_cards import resident_card
from sam_emulator import SamEmulator

from devices.base import DeviceKind
from devices.health import HealthState
from devices.idcard.record import IdDocument
from devices.idcard.sam.driver import SamIdCardReader
from devices.idcard.sam.wlt import (
    BMP_LEN,
    CommandDecoder,
    LibraryDecoder,
    WltDecodeError,
    image_format,
)
from devices.registry import open_device

pytestmark = pytest.mark.timeout(60)

# A stand-in decoder: a 2x1 BMP whose pixels are the first bytes of the WLT it was given.
FAKE_DECODER = textwrap.dedent(
    """
    import struct, sys
    wlt = sys.stdin.buffer.read()
    if len(wlt) != 1024:
        sys.exit(3)
    pixels = wlt[:6] + b"\\0\\0"
    header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, 2, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    sys.stdout.buffer.write(header + info + pixels)
    """
)

FAKE_LIBRARY = r"""
#include <string.h>
int unpack(const char *wlt, char *bmp, int flag) {
    if (flag != 602) return -1;
    memset(bmp, 0, 38862);
    bmp[0] = 'B'; bmp[1] = 'M';
    memcpy(bmp + 54, wlt, 16);
    return 1;
}
"""


def read_with(emulator: SamEmulator, extra: str) -> tuple[IdDocument, SamIdCardReader]:
    card = resident_card()
    emulator.insert(card)
    reader = open_device(DeviceKind.ID_CARD, emulator.uri + extra)
    assert isinstance(reader, SamIdCardReader)
    try:
        return reader.read(), reader
    finally:
        reader.close()


def test_no_decoder_keeps_the_wlt_bytes(emulator: SamEmulator) -> None:
    doc, _ = read_with(emulator, "")
    assert doc.photo_format == "wlt" and len(doc.photo) == 1024


def test_command_decoder(emulator: SamEmulator, tmp_path: Path) -> None:
    script = tmp_path / "wlt2bmp.py"
    script.write_text(FAKE_DECODER)
    command = quote(f"{sys.executable} {script}")
    doc, _ = read_with(emulator, f"&wlt_cmd={command}")
    assert doc.photo_format == "bmp"
    assert doc.photo[54:60] == resident_card().photo[:6]


def test_a_failing_command_keeps_the_wlt_and_counts(emulator: SamEmulator) -> None:
    doc, reader = read_with(emulator, "&wlt_cmd=false")
    assert doc.photo_format == "wlt"
    assert reader.health().counters["photo_decode_failures"] == 1


def test_command_decoder_errors_are_named() -> None:
    with pytest.raises(WltDecodeError, match="cannot run"):
        CommandDecoder("/nonexistent/wlt2bmp").decode(bytes(1024))
    with pytest.raises(WltDecodeError, match="no answer"):
        CommandDecoder("sleep 5", timeout_s=0.2).decode(bytes(1024))
    with pytest.raises(WltDecodeError, match="not a BMP"):
        CommandDecoder("cat").decode(bytes(1024))
    assert image_format(b"\xff\xd8\xff\xe0") == "jpeg"


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_library_decoder(emulator: SamEmulator, tmp_path: Path) -> None:
    source = tmp_path / "wlt.c"
    source.write_text(FAKE_LIBRARY)
    lib = tmp_path / "libwlt2bmp.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", lib, source], check=True)
    decoder = LibraryDecoder(str(lib))
    image, fmt = decoder.decode(bytes(range(16)) + bytes(1008))
    assert (fmt, len(image), image[54:70]) == ("bmp", BMP_LEN, bytes(range(16)))
    doc, _ = read_with(emulator, f"&wlt_lib={lib}")
    assert doc.photo_format == "bmp"
    with pytest.raises(WltDecodeError, match="returned -1"):
        LibraryDecoder(str(lib), flag=1).decode(bytes(1024))


def test_an_unloadable_library_degrades_health(emulator: SamEmulator) -> None:
    reader = open_device(DeviceKind.ID_CARD, emulator.uri + "&wlt_lib=/nonexistent/libwlt.so")
    try:
        health = reader.health()
        assert health.state is HealthState.DEGRADED
        assert "photo decoder unusable" in health.reason
    finally:
        reader.close()
