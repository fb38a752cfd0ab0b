"""Fictional cards for the SAM emulator, built byte by byte from the published layouts.

Built independently of devices.idcard.sam.text_block (plain concatenation of fixed-width
fields), so a wrong offset in the decoder's tables shows up as a failing test.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def chars(text: str, width: int) -> bytes:
    """``text`` padded with spaces to ``width`` UCS-2LE characters."""
    assert len(text) <= width, (text, width)
    return text.ljust(width).encode("utf-16-le")


def mod11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2, written out the long way (independent of the driver's)."""
    total = 0
    for i, c in enumerate(first17):
        total += int(c) * (2 ** (17 - i) % 11)
    return "10X98765432"[total % 11]


def with_check(first17: str) -> str:
    return first17 + mod11_2(first17)


def fake_wlt(seed: str) -> bytes:
    """1024 opaque bytes standing in for a WLT photo."""
    out = b""
    counter = 0
    while len(out) < 1024:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return out[:1024]


@dataclass
class Card:
    text: bytes
    photo: bytes
    fingerprint: bytes = b""
    appended_address: str | None = None

    def __post_init__(self) -> None:
        assert len(self.text) == 256
        assert len(self.photo) == 1024


RESIDENT = {
    "name": "张小明",
    "sex": "1",
    "ethnicity": "01",
    "birth": "19900307",
    "address": "湖北省武汉市江汉区市民之家路1号",
    "id_number": with_check("42010319900307001"),
    "issuer": "武汉市公安局江汉分局",
    "valid_from": "20200101",
    "valid_to": "20400101",
}


def resident_card(**over: str) -> Card:
    f = {**RESIDENT, **over}
    text = (
        chars(f["name"], 15)
        + chars(f["sex"], 1)
        + chars(f["ethnicity"], 2)
        + chars(f["birth"], 8)
        + chars(f["address"], 35)
        + chars(f["id_number"], 18)
        + chars(f["issuer"], 15)
        + chars(f["valid_from"], 8)
        + chars(f["valid_to"], 8)
        + chars("", 18)
    )
    return Card(text, fake_wlt(f["id_number"]))


PERMIT_J = {
    "name": "陈大文",
    "sex": "1",
    "birth": "19851120",
    "address": "湖北省武汉市武昌区中北路100号",
    "id_number": with_check("81000019851120001"),
    "issuer": "武汉市公安局武昌分局",
    "valid_from": "20190315",
    "valid_to": "20240315",
    "pass_number": "H12345678",
    "issue_count": "02",
}


def permit_j_card(**over: str) -> Card:
    f = {**PERMIT_J, **over}
    text = (
        chars(f["name"], 15)
        + chars(f["sex"], 1)
        + chars("", 2)
        + chars(f["birth"], 8)
        + chars(f["address"], 35)
        + chars(f["id_number"], 18)
        + chars(f["issuer"], 15)
        + chars(f["valid_from"], 8)
        + chars(f["valid_to"], 8)
        + chars(f["pass_number"], 9)
        + chars(f["issue_count"], 2)
        + chars("", 3)
        + chars("J", 1)
        + chars("", 3)
    )
    return Card(text, fake_wlt(f["id_number"]))


FOREIGN_I = {
    "name_en": "SMITH, JOHN WILLIAM",
    "sex": "1",
    "permit_number": "USA110078041502",
    "nationality": "USA",
    "name": "史密斯",
    "valid_from": "20170616",
    "valid_to": "20270616",
    "birth": "19780415",
    "version": "01",
    "authority": "1100",
}


def foreign_i_card(**over: str) -> Card:
    f = {**FOREIGN_I, **over}
    text = (
        chars(f["name_en"], 60)
        + chars(f["sex"], 1)
        + chars(f["permit_number"], 15)
        + chars(f["nationality"], 3)
        + chars(f["name"], 15)
        + chars(f["valid_from"], 8)
        + chars(f["valid_to"], 8)
        + chars(f["birth"], 8)
        + chars(f["version"], 2)
        + chars(f["authority"], 4)
        + chars("I", 1)
        + chars("", 3)
    )
    return Card(text, fake_wlt(f["permit_number"]))


FOREIGN_Y = {
    "name": "玛丽",
    "sex": "2",
    "renewals": "00",
    "birth": "19920229",
    "name_en": "WILLIAMSON-SMITHERS, ALEXANDRA CATHERINE",  # 40 chars: runs into part 2
    "id_number": with_check("93611019920229002"),
    "valid_from": "20231201",
    "valid_to": "20331201",
    "nationality": "GBR",
}


def foreign_y_card(**over: str) -> Card:
    f = {**FOREIGN_Y, **over}
    name_en = f["name_en"].ljust(46)
    text = (
        chars(f["name"], 15)
        + chars(f["sex"], 1)
        + chars(f["renewals"], 2)
        + chars(f["birth"], 8)
        + chars(name_en[:35], 35)
        + chars(f["id_number"], 18)
        + chars("", 15)
        + chars(f["valid_from"], 8)
        + chars(f["valid_to"], 8)
        + chars(name_en[35:], 11)
        + chars(f["nationality"], 3)
        + chars("Y", 1)
        + chars("", 3)
    )
    return Card(text, fake_wlt(f["id_number"]))
