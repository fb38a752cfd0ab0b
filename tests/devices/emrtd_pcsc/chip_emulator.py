"""A test eMRTD chip that plugs into vpcd's virtual reader over TCP.

vpcd protocol: every message is a 2-byte big-endian length then the payload. A one-byte
payload is a control code (0 power off, 1 power on, 2 reset, 4 send ATR; only "ATR"
is answered); anything longer is a command APDU, answered with the response APDU.

The chip side of BAC and secure messaging is written here from ICAO 9303-11 on the
primitives in devices.idcard.emrtd.crypto (pinned by the Appendix D unit tests), so
the reader's protocol code and this chip's are two independent implementations.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

from devices.idcard.emrtd import crypto
from devices.idcard.emrtd.apdu import decode_command
from devices.idcard.emrtd.tlv import encode, parse_all
from devices.idcard.mrz import bac_mrz_information

AID = bytes.fromhex("A0000002471001")


def atr(extended: bool) -> bytes:
    """A contactless-style ATR whose historical bytes carry card capabilities."""
    hist = bytes([0x80, 0x73, 0x00, 0x00, 0x40 if extended else 0x00])
    body = bytes([0x80 | len(hist), 0x80, 0x01]) + hist
    tck = 0
    for b in body:
        tck ^= b
    return b"\x3b" + body + bytes([tck])


@dataclass
class ChipLog:
    """What the chip saw, for assertions (status words it sent, APDU count)."""

    apdus: int = 0
    sent_sw: list[int] = field(default_factory=list)
    extended_apdus: int = 0
    instructions: set[int] = field(default_factory=set)


class VirtualPassport:
    """One chip. ``insert(port)`` puts it on the virtual reader, ``remove()`` takes it off."""

    def __init__(
        self,
        files: dict[int, bytes],
        access: tuple[str, str, str],
        *,
        extended: bool = True,
        accept_extended: bool = True,
        max_plain: int = 4096,
        remove_after_apdus: int | None = None,
        delay_s: float = 0.0,
        more_forever: int | None = None,
    ) -> None:
        self.files = files
        self.k_enc, self.k_mac = crypto.bac_keys(bac_mrz_information(*access))
        self.atr = atr(extended)
        self.accept_extended = accept_extended
        self.max_plain = max_plain
        self.remove_after_apdus = remove_after_apdus
        self.delay_s = delay_s  # per APDU: a slow chip or a weak field
        # A broken (or hostile) T=0 card: every answer is N bytes and 61 N, "more to come",
        # forever, from the first SELECT on.
        self.more_forever = more_forever
        self.log = ChipLog()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._reset()

    # -- plumbing ---------------------------------------------------------------------
    def insert(self, port: int, host: str = "127.0.0.1") -> None:
        self._sock = socket.create_connection((host, port), timeout=5)
        self._sock.settimeout(None)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._thread = threading.Thread(target=self._serve, args=(self._sock,), daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                head = _recv_exact(sock, 2)
                if head is None:
                    return
                (length,) = struct.unpack(">H", head)
                msg = _recv_exact(sock, length)
                if msg is None:
                    return
                if length == 1:
                    if msg[0] == 4:
                        sock.sendall(struct.pack(">H", len(self.atr)) + self.atr)
                    else:  # power off / on / reset drop all security state
                        self._reset()
                    continue
                self.log.apdus += 1
                if self.remove_after_apdus is not None and self.log.apdus > self.remove_after_apdus:
                    sock.close()  # the citizen pulls the passport away
                    return
                if self.delay_s:
                    time.sleep(self.delay_s)
                reply = self.respond(msg)
                self.log.sent_sw.append(int.from_bytes(reply[-2:], "big"))
                sock.sendall(struct.pack(">H", len(reply)) + reply)
        except OSError:
            return

    # -- the chip ---------------------------------------------------------------------
    def _reset(self) -> None:
        self.app_selected = False
        self.current: int | None = None
        self.rnd_ic: bytes | None = None
        self.ks_enc: bytes | None = None
        self.ks_mac = b""
        self.ssc = 0

    def respond(self, raw: bytes) -> bytes:
        try:
            cmd = decode_command(raw)
        except ValueError:
            return b"\x67\x00"
        self.log.instructions.add(cmd.ins)
        if self.more_forever is not None and (cmd.ins == 0xC0 or cmd.ins == 0xA4):
            n = self.more_forever
            return bytes(n) + bytes([0x61, n])
        if cmd.extended:
            self.log.extended_apdus += 1
            if not self.accept_extended:
                return b"\x67\x00"
        if cmd.cla & 0x0C:
            return self._secure(raw, cmd)
        if self.ks_enc is not None:
            self.ks_enc = None  # a plain command ends secure messaging
            return b"\x69\x87"
        if cmd.ins == 0xA4 and cmd.p1 == 0x04:
            self.app_selected = cmd.data == AID
            return b"\x90\x00" if self.app_selected else b"\x6a\x82"
        if not self.app_selected:
            return b"\x69\x85"
        if cmd.ins == 0x84:
            self.rnd_ic = os.urandom(8)
            return self.rnd_ic + b"\x90\x00"
        if cmd.ins == 0x82:
            return self._external_authenticate(cmd.data)
        if cmd.ins == 0xA4 and cmd.p1 == 0x02:
            fid = int.from_bytes(cmd.data, "big")
            if fid not in self.files:
                return b"\x6a\x82"
            self.current = fid
            return b"\x90\x00"
        if cmd.ins == 0xB0:
            return b"\x69\x82"  # security status not satisfied: BAC first
        return b"\x6d\x00"

    def _external_authenticate(self, data: bytes) -> bytes:
        if self.rnd_ic is None or len(data) != 40:
            return b"\x69\x85"
        e_ifd, m_ifd = data[:32], data[32:]
        if crypto.retail_mac(self.k_mac, crypto.pad(e_ifd)) != m_ifd:
            self.rnd_ic = None
            return b"\x63\x00"
        s = crypto.des3_decrypt(self.k_enc, e_ifd)
        rnd_ifd, rnd_ic, k_ifd = s[:8], s[8:16], s[16:32]
        if rnd_ic != self.rnd_ic:
            self.rnd_ic = None
            return b"\x63\x00"
        k_ic = os.urandom(16)
        e_ic = crypto.des3_encrypt(self.k_enc, rnd_ic + rnd_ifd + k_ic)
        m_ic = crypto.retail_mac(self.k_mac, crypto.pad(e_ic))
        seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
        self.ks_enc, self.ks_mac = crypto.kdf(seed, 1), crypto.kdf(seed, 2)
        self.ssc = int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big")
        self.rnd_ic = None
        return e_ic + m_ic + b"\x90\x00"

    def _secure(self, raw: bytes, cmd: object) -> bytes:
        from devices.idcard.emrtd.apdu import CommandApdu

        assert isinstance(cmd, CommandApdu)
        if self.ks_enc is None:
            return b"\x69\x82"
        self.ssc += 1
        try:
            objects = parse_all(cmd.data)
        except Exception:
            self.ks_enc = None
            return b"\x69\x88"
        by_tag = {o.tag: o.value for o in objects}
        if 0x8E not in by_tag:
            self.ks_enc = None
            return b"\x69\x87"
        covered = b"".join(encode(o.tag, o.value) for o in objects if o.tag in (0x85, 0x87, 0x97))
        header = crypto.pad(bytes([cmd.cla, cmd.ins, cmd.p1, cmd.p2]))
        mac_in = crypto.pad(self.ssc.to_bytes(8, "big") + header + covered)
        if crypto.retail_mac(self.ks_mac, mac_in) != by_tag[0x8E]:
            self.ks_enc = None
            return b"\x69\x88"
        data = b""
        if 0x87 in by_tag:
            data = crypto.unpad(crypto.des3_decrypt(self.ks_enc, by_tag[0x87][1:]))
        elif 0x85 in by_tag:
            data = crypto.unpad(crypto.des3_decrypt(self.ks_enc, by_tag[0x85]))
        le = None
        if 0x97 in by_tag:
            le = int.from_bytes(by_tag[0x97], "big") or (256 if len(by_tag[0x97]) == 1 else 65536)
        plain, sw = self._secure_command(cmd.ins, cmd.p1, cmd.p2, data, le)
        return self._wrap(plain, sw, odd=bool(cmd.ins & 1))

    def _secure_command(
        self, ins: int, p1: int, p2: int, data: bytes, le: int | None
    ) -> tuple[bytes, int]:
        if ins == 0xA4 and p1 == 0x02:
            fid = int.from_bytes(data, "big")
            if fid not in self.files:
                return b"", 0x6A82
            self.current = fid
            return b"", 0x9000
        if ins == 0xB1:  # offset in DO54, answer wrapped in DO53
            if self.current is None:
                return b"", 0x6986
            try:
                offset = int.from_bytes(parse_all(data)[0].value, "big")
            except Exception:
                return b"", 0x6A80
            content = self.files[self.current]
            if offset >= len(content):
                return b"", 0x6B00
            room = min(le or 256, self.max_plain) - 4
            chunk = content[offset : offset + room]
            return encode(0x53, chunk), 0x9000
        if ins == 0xB0:
            if self.current is None:
                return b"", 0x6986
            content = self.files[self.current]
            offset = ((p1 & 0x7F) << 8) | p2
            if offset >= len(content):
                return b"", 0x6B00
            want = min(le or 256, self.max_plain)
            chunk = content[offset : offset + want]
            return chunk, 0x9000 if len(chunk) == (le or 256) else 0x6282
        return b"", 0x6D00

    def _wrap(self, plain: bytes, sw: int, *, odd: bool = False) -> bytes:
        assert self.ks_enc is not None
        self.ssc += 1
        do87 = b""
        if plain:
            cryptogram = crypto.des3_encrypt(self.ks_enc, crypto.pad(plain))
            do87 = encode(0x85, cryptogram) if odd else encode(0x87, b"\x01" + cryptogram)
        do99 = encode(0x99, sw.to_bytes(2, "big"))
        mac = crypto.retail_mac(self.ks_mac, crypto.pad(self.ssc.to_bytes(8, "big") + do87 + do99))
        return do87 + do99 + encode(0x8E, mac) + sw.to_bytes(2, "big")


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        try:
            # vpcd writes the length and the APDU separately; without a quick ACK, Nagle
            # on its side and delayed ACK on ours add ~40 ms to every command.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            part = sock.recv(n - len(buf))
        except OSError:
            return None
        if not part:
            return None
        buf += part
    return buf
