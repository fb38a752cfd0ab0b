"""Secure messaging with 3DES and the retail MAC (ICAO 9303 Part 11, section 9.8).

Both directions advance the send sequence counter (SSC) before computing their MAC.
"""

from __future__ import annotations

from devices.idcard.emrtd import crypto, tlv
from devices.idcard.emrtd.apdu import SHORT_MAX_LE, CommandApdu, ResponseApdu
from devices.idcard.emrtd.errors import SecureMessagingError, TlvError

SSC_MODULUS = 1 << 64
# The largest plain READ BINARY whose protected response still fits a short APDU:
# 224 bytes pad to 232; 87 81 E9 01 + 232 + DO99 (4) + DO8E (10) = 250 <= 256.
SHORT_PLAIN_MAX = 0xE0


def _le_bytes(le: int) -> bytes:
    """Le as it goes inside DO97: one byte up to 256 (00 = 256), else two (0000 = 65536)."""
    if le <= SHORT_MAX_LE:
        return bytes([le % 256])
    return (le % 65536).to_bytes(2, "big")


class SecureMessaging:
    """One SM session: session keys and the SSC. Never log or repr its keys."""

    def __init__(self, ks_enc: bytes, ks_mac: bytes, ssc: int) -> None:
        self._ks_enc = ks_enc
        self._ks_mac = ks_mac
        self.ssc = ssc

    def __repr__(self) -> str:
        return "SecureMessaging(<keys hidden>)"

    def _next_ssc(self) -> bytes:
        self.ssc = (self.ssc + 1) % SSC_MODULUS
        return self.ssc.to_bytes(8, "big")

    def protect(self, cmd: CommandApdu) -> CommandApdu:
        """Wrap a plain command: encrypted data in DO87, Le in DO97, MAC in DO8E."""
        cla = cmd.cla | 0x0C
        header = crypto.pad(bytes([cla, cmd.ins, cmd.p1, cmd.p2]))
        do87 = b""
        if cmd.data:
            encrypted = crypto.des3_encrypt(self._ks_enc, crypto.pad(cmd.data))
            # Odd INS carry BER-TLV data: DO85 without the padding-content indicator.
            do87 = (
                tlv.encode(0x85, encrypted)
                if cmd.ins & 1
                else tlv.encode(0x87, b"\x01" + encrypted)
            )
        do97 = tlv.encode(0x97, _le_bytes(cmd.le)) if cmd.le is not None else b""
        mac_input = crypto.pad(self._next_ssc() + header + do87 + do97)
        do8e = tlv.encode(0x8E, crypto.retail_mac(self._ks_mac, mac_input))
        body = do87 + do97 + do8e
        # The protected response is larger than the plain one: ask for all the chip has.
        wants_extended = cmd.le is not None and cmd.le > SHORT_PLAIN_MAX
        le = 65536 if wants_extended or len(body) > 255 else SHORT_MAX_LE
        return CommandApdu(cla, cmd.ins, cmd.p1, cmd.p2, body, le)

    def unprotect(self, resp: ResponseApdu) -> ResponseApdu:
        """Check the MAC of a protected response and return the plain data and status."""
        ssc = self._next_ssc()
        if not resp.data:
            # Chips answer SM errors (6987, 6988) and some refusals in plain: nothing to verify.
            return resp
        try:
            objects = tlv.parse_all(resp.data)
        except TlvError as exc:
            raise SecureMessagingError(f"protected response is malformed: {exc}") from None
        do87 = tlv.find(objects, 0x87)
        do85 = tlv.find(objects, 0x85)
        do99 = tlv.find(objects, 0x99)
        do8e = tlv.find(objects, 0x8E)
        if do8e is None or do99 is None:
            raise SecureMessagingError("protected response lacks its status (99) or MAC (8E)")
        covered = b""
        for obj in objects:
            if obj.tag == 0x8E:
                break
            if obj.tag in (0x85, 0x87, 0x99):
                covered += tlv.encode(obj.tag, obj.value)
        expected = crypto.retail_mac(self._ks_mac, crypto.pad(ssc + covered))
        if expected != do8e.value:
            raise SecureMessagingError("response MAC does not match: the session is broken")
        if len(do99.value) != 2:
            raise SecureMessagingError("status object 99 must hold two bytes")
        sw = int.from_bytes(do99.value, "big")
        data = b""
        if do87 is not None:
            body = do87.value
            if not body or body[0] != 0x01:
                raise SecureMessagingError("encrypted data object 87 is malformed")
            data = self._decrypt(body[1:])
        elif do85 is not None:
            data = self._decrypt(do85.value)
        return ResponseApdu(data, sw)

    def _decrypt(self, cryptogram: bytes) -> bytes:
        if not cryptogram or len(cryptogram) % crypto.BLOCK:
            raise SecureMessagingError("cryptogram is not whole 3DES blocks")
        try:
            return crypto.unpad(crypto.des3_decrypt(self._ks_enc, cryptogram))
        except ValueError:
            raise SecureMessagingError("decrypted data has no padding") from None
