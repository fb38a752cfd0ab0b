"""Reading an eMRTD chip: select the LDS application, BAC, then EF.COM, DG1 and DG2.

Transport-agnostic: the caller supplies ``transmit(CommandApdu) -> ResponseApdu`` and
whether the reader/card pair may take extended-length APDUs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from devices.idcard.emrtd import bac, crypto, lds, tlv
from devices.idcard.emrtd.apdu import (
    SW_CONDITIONS_NOT_SATISFIED,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_OK,
    SW_SECURITY_NOT_SATISFIED,
    SW_WRONG_LENGTH,
    CommandApdu,
    ResponseApdu,
)
from devices.idcard.emrtd.errors import (
    AccessDeniedError,
    EmrtdError,
    StatusWordError,
    TlvError,
    TransportError,
)
from devices.idcard.emrtd.sm import SHORT_PLAIN_MAX, SecureMessaging
from devices.idcard.mrz import MrzRecord

LDS1_AID = bytes.fromhex("A0000002471001")
# READ BINARY addresses at most 15 bits of offset with an even INS (B0); beyond that
# the odd INS (B1) carries the offset in DO54 (we send at most 3 bytes of it).
MAX_EVEN_OFFSET = 0x7FFF
MAX_FILE = 0xFFFFFF
ODD_OVERHEAD = 4  # DO53 tag and length (up to 82 xx xx) around the data of a B1 answer
# Protected-response overhead around a plain chunk: DO87 header (5) + padding (<= 8)
# + DO99 (4) + DO8E (10) + SW (2).
SM_OVERHEAD = 29
DEFAULT_EXTENDED_RESPONSE = 4096

Transmit = Callable[[CommandApdu], ResponseApdu]


class ExtendedLengthRefusedError(EmrtdError):
    """The reader or chip would not take an extended-length READ BINARY."""


class FileTooLargeError(EmrtdError):
    def __init__(self, fid: int, size: int) -> None:
        super().__init__(f"file {fid:04X} of {size} bytes is beyond 16 MB: not an LDS file")
        self.fid = fid
        self.size = size


def chunk_for(max_response: int) -> int:
    """The largest plain READ BINARY chunk whose protected answer fits ``max_response``."""
    return max(SHORT_PLAIN_MAX, (max_response - SM_OVERHEAD) // 8 * 8)


@dataclass(repr=False)
class ChipContents:
    """What we read off the chip. ``repr`` hides it all."""

    data_groups: list[int]
    mrz: MrzRecord
    face: lds.FaceImage | None
    raw: dict[int, bytes] = field(default_factory=dict)  # FID -> file bytes

    def __repr__(self) -> str:
        return f"ChipContents(data_groups={self.data_groups}, <personal data hidden>)"


@dataclass
class ReadStats:
    apdus: int = 0
    read_binary: int = 0
    bytes_read: int = 0
    extended: bool = False
    chunk: int = 0
    bac_attempts: int = 0


class ChipSession:
    """One conversation with one chip. Not thread-safe; the driver serialises reads."""

    def __init__(
        self,
        transmit: Transmit,
        *,
        extended: bool = False,
        max_response: int = DEFAULT_EXTENDED_RESPONSE,
        reset: Callable[[], None] | None = None,
    ) -> None:
        self._transmit_raw = transmit
        self._reset = reset
        self._extended_proven = False
        self._sm: SecureMessaging | None = None
        self.extended = extended
        self.max_response = max_response
        self.stats = ReadStats()

    def transmit(self, cmd: CommandApdu) -> ResponseApdu:
        self.stats.apdus += 1
        return self._transmit_raw(cmd)

    @property
    def chunk(self) -> int:
        return chunk_for(self.max_response) if self.extended else SHORT_PLAIN_MAX

    def select_application(self) -> None:
        resp = self.transmit(CommandApdu(0x00, 0xA4, 0x04, 0x0C, LDS1_AID))
        if resp.sw == SW_FILE_NOT_FOUND:
            raise StatusWordError("SELECT eMRTD application (not a travel document)", resp.sw)
        if resp.sw != SW_OK:
            raise StatusWordError("SELECT eMRTD application", resp.sw)

    def authenticate(self, mrz_information: bytes) -> None:
        """Basic Access Control with keys from the MRZ information."""
        self.stats.bac_attempts += 1
        k_enc, k_mac = crypto.bac_keys(mrz_information)
        self._sm = bac.mutual_authenticate(self.transmit, k_enc, k_mac)

    def _secure(self, cmd: CommandApdu) -> ResponseApdu:
        if self._sm is None:
            return self.transmit(cmd)
        return self._sm.unprotect(self.transmit(self._sm.protect(cmd)))

    def select_file(self, fid: int) -> None:
        resp = self._secure(CommandApdu(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big")))
        if resp.sw in (SW_SECURITY_NOT_SATISFIED, SW_CONDITIONS_NOT_SATISFIED):
            raise AccessDeniedError(f"SELECT {fid:04X}", resp.sw)
        if resp.sw != SW_OK:
            raise StatusWordError(f"SELECT {fid:04X}", resp.sw)

    def _read_binary(self, offset: int, length: int) -> bytes:
        odd = offset > MAX_EVEN_OFFSET
        if odd:
            # Beyond 32 KB: INS B1 with the offset in DO54; the answer comes wrapped in DO53.
            body = offset.to_bytes((offset.bit_length() + 7) // 8, "big")
            want = min(length + ODD_OVERHEAD, self.chunk)
            cmd = CommandApdu(0x00, 0xB1, 0x00, 0x00, tlv.encode(0x54, body), le=want)
        else:
            cmd = CommandApdu(0x00, 0xB0, offset >> 8, offset & 0xFF, le=length)
        extended = (cmd.le or 0) > SHORT_PLAIN_MAX
        try:
            resp = self._secure(cmd)
        except TransportError as exc:
            # Only the first extended read can show that extended length does not work.
            if extended and not exc.card_gone and not self._extended_proven:
                raise ExtendedLengthRefusedError(f"extended READ BINARY failed: {exc}") from None
            raise
        self.stats.read_binary += 1
        if (
            extended
            and not self._extended_proven
            and (resp.sw == SW_WRONG_LENGTH or resp.sw >> 8 == 0x6C)
        ):
            raise ExtendedLengthRefusedError(f"extended READ BINARY: SW {resp.sw:04X}")
        if resp.sw in (SW_SECURITY_NOT_SATISFIED, SW_CONDITIONS_NOT_SATISFIED):
            raise AccessDeniedError("READ BINARY", resp.sw)
        if resp.sw not in (SW_OK, SW_END_OF_FILE):
            raise StatusWordError("READ BINARY", resp.sw)
        if not resp.data:
            raise StatusWordError("READ BINARY (no data)", resp.sw)
        self._extended_proven |= extended
        data = resp.data
        if odd:
            try:
                data = tlv.expect(data, 0x53)
            except EmrtdError as exc:
                raise StatusWordError(f"READ BINARY (B1) answer: {exc}", resp.sw) from None
        self.stats.bytes_read += len(data)
        return data

    def read_file(self, fid: int) -> bytes:
        """SELECT a file and read all of it, in the largest chunks this session allows."""
        self.select_file(fid)
        chunk = self.chunk
        data = self._read_binary(0, chunk)
        try:
            size = tlv.total_length(data[:8])
        except TlvError as exc:
            raise StatusWordError(f"file {fid:04X} header: {exc}", SW_OK) from None
        if size > MAX_FILE:
            raise FileTooLargeError(fid, size)
        data = data[:size]
        while len(data) < size:
            data += self._read_binary(len(data), min(chunk, size - len(data)))
        return data[:size]

    def read_document(self, mrz_information: bytes, *, with_face: bool = True) -> ChipContents:
        """The whole read: application, BAC, EF.COM, DG1 and (if present) DG2.

        If extended-length reads turn out not to work, the chip is opened again and
        read in short chunks: a failed command ends secure messaging on most chips.
        """
        try:
            return self._read_all(mrz_information, with_face)
        except ExtendedLengthRefusedError:
            if not self.extended:
                raise
            self.extended = False
            if self._reset is not None:  # a clean chip: no half-open secure messaging
                self._reset()
            return self._read_all(mrz_information, with_face)

    def _read_all(self, mrz_information: bytes, with_face: bool) -> ChipContents:
        self._sm = None
        self.stats.extended = self.extended
        self.stats.chunk = self.chunk
        self.select_application()
        self.authenticate(mrz_information)
        raw: dict[int, bytes] = {lds.FID_COM: self.read_file(lds.FID_COM)}
        groups = lds.data_groups(raw[lds.FID_COM])
        raw[lds.FID_DG1] = self.read_file(lds.FID_DG1)
        mrz = lds.parse_dg1(raw[lds.FID_DG1])
        face = None
        if with_face and 2 in groups:
            raw[lds.FID_DG2] = self.read_file(lds.FID_DG2)
            face = lds.parse_dg2(raw[lds.FID_DG2])
        return ChipContents(groups, mrz, face, raw)
