"""Basic Access Control: mutual authentication that opens secure messaging (9303-11 sec. 4.3)."""

from __future__ import annotations

import os
from collections.abc import Callable

from devices.idcard.emrtd import crypto
from devices.idcard.emrtd.apdu import SW_OK, CommandApdu, ResponseApdu
from devices.idcard.emrtd.errors import BacRefusedError, StatusWordError
from devices.idcard.emrtd.sm import SecureMessaging

Transmit = Callable[[CommandApdu], ResponseApdu]

GET_CHALLENGE = CommandApdu(0x00, 0x84, 0x00, 0x00, le=8)


def external_authenticate_data(
    k_enc: bytes, k_mac: bytes, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes
) -> bytes:
    """E_IFD || M_IFD: the reader's half of the mutual authentication."""
    e_ifd = crypto.des3_encrypt(k_enc, rnd_ifd + rnd_ic + k_ifd)
    return e_ifd + crypto.retail_mac(k_mac, crypto.pad(e_ifd))


def mutual_authenticate(
    transmit: Transmit,
    k_enc: bytes,
    k_mac: bytes,
    rnd_ifd: bytes | None = None,
    k_ifd: bytes | None = None,
) -> SecureMessaging:
    """Run GET CHALLENGE and EXTERNAL AUTHENTICATE; return the secure messaging session.

    ``rnd_ifd`` and ``k_ifd`` are fresh random values unless a test pins them.
    """
    rnd_ifd = rnd_ifd if rnd_ifd is not None else os.urandom(8)
    k_ifd = k_ifd if k_ifd is not None else os.urandom(16)
    challenge = transmit(GET_CHALLENGE)
    if challenge.sw != SW_OK or len(challenge.data) != 8:
        raise StatusWordError("GET CHALLENGE", challenge.sw)
    rnd_ic = challenge.data
    data = external_authenticate_data(k_enc, k_mac, rnd_ic, rnd_ifd, k_ifd)
    answer = transmit(CommandApdu(0x00, 0x82, 0x00, 0x00, data, le=40))
    if answer.sw != SW_OK:
        raise BacRefusedError(sw=answer.sw)
    if len(answer.data) != 40:
        raise BacRefusedError(problem=f"answer of {len(answer.data)} bytes, expected 40")
    e_ic, m_ic = answer.data[:32], answer.data[32:]
    if crypto.retail_mac(k_mac, crypto.pad(e_ic)) != m_ic:
        raise BacRefusedError(problem="the chip's MAC does not match")
    plain = crypto.des3_decrypt(k_enc, e_ic)
    if plain[:8] != rnd_ic or plain[8:16] != rnd_ifd:
        raise BacRefusedError(problem="the chip did not return our challenge")
    ks_enc, ks_mac = crypto.session_keys(k_ifd, plain[16:32])
    return SecureMessaging(ks_enc, ks_mac, crypto.initial_ssc(rnd_ic, rnd_ifd))
