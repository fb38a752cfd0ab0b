"""BAC and secure messaging against the worked example of ICAO 9303 Part 11, Appendix D."""

from __future__ import annotations

import pytest

from devices.idcard.emrtd import bac, crypto
from devices.idcard.emrtd.apdu import CommandApdu, ResponseApdu
from devices.idcard.emrtd.errors import BacRefusedError, SecureMessagingError
from devices.idcard.emrtd.sm import SecureMessaging
from devices.idcard.mrz import bac_mrz_information

H = bytes.fromhex

# Appendix D.2: document L898902C<, born 690806, expires 940623.
MRZ_INFORMATION = b"L898902C<369080619406236"
K_SEED = H("239AB9CB282DAF66231DC5A4DF6BFBAE")
K_ENC = H("AB94FDECF2674FDFB9B391F85D7F76F2")
K_MAC = H("7962D9ECE03D1ACD4C76089DCE131543")
# Appendix D.3: the authentication exchange.
RND_IC = H("4608F91988702212")
RND_IFD = H("781723860C06C226")
K_IFD = H("0B795240CB7049B01C19B33E32804F0B")
CMD_DATA = H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7")
RESP_DATA = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449")
KS_ENC = H("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = H("F1CB1F1FB5ADF208806B89DC579DC1F8")
SSC = 0x887022120C06C226


def test_mrz_information_has_the_check_digits() -> None:
    assert bac_mrz_information("L898902C", "690806", "940623") == MRZ_INFORMATION


def test_long_document_number_mrz_information() -> None:
    # Appendix D.2, second example: a 12-character document number.
    assert bac_mrz_information("D23145890734", "340712", "950712") == b"D23145890734934071279507122"


def test_key_seed_and_basic_access_keys() -> None:
    assert crypto.mrz_key_seed(MRZ_INFORMATION) == K_SEED
    assert crypto.bac_keys(MRZ_INFORMATION) == (K_ENC, K_MAC)


def test_external_authenticate_command_data() -> None:
    assert bac.external_authenticate_data(K_ENC, K_MAC, RND_IC, RND_IFD, K_IFD) == CMD_DATA


class ScriptedChip:
    """Answers the two BAC commands with the values printed in Appendix D.3."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.sent: list[CommandApdu] = []

    def __call__(self, cmd: CommandApdu) -> ResponseApdu:
        self.sent.append(cmd)
        if cmd.ins == 0x84:
            return ResponseApdu(RND_IC, 0x9000)
        return ResponseApdu(self.answer, 0x9000) if self.answer else ResponseApdu(b"", 0x6300)


def test_mutual_authentication_yields_appendix_d_session() -> None:
    chip = ScriptedChip(RESP_DATA)
    sm = bac.mutual_authenticate(chip, K_ENC, K_MAC, RND_IFD, K_IFD)
    assert chip.sent[1].encode() == H("0082000028") + CMD_DATA + H("28")
    assert crypto.session_keys(K_IFD, H("0B4F80323EB3191CB04970CB4052790B")) == (KS_ENC, KS_MAC)
    assert sm.ssc == SSC
    # The session encrypts exactly as the example: SELECT EF.COM's DO87.
    assert sm.protect(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E"))).data[:11] == H(
        "8709016375432908C044F6"
    )


def test_refused_authentication_is_a_named_error() -> None:
    with pytest.raises(BacRefusedError) as err:
        bac.mutual_authenticate(ScriptedChip(b""), K_ENC, K_MAC, RND_IFD, K_IFD)
    assert err.value.sw == 0x6300


def test_tampered_chip_answer_is_refused() -> None:
    bad = RESP_DATA[:-1] + bytes([RESP_DATA[-1] ^ 1])
    with pytest.raises(BacRefusedError):
        bac.mutual_authenticate(ScriptedChip(bad), K_ENC, K_MAC, RND_IFD, K_IFD)


def test_secure_messaging_exchanges_of_appendix_d4() -> None:
    sm = SecureMessaging(KS_ENC, KS_MAC, SSC)
    # SELECT EF.COM
    cmd = sm.protect(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    assert cmd.encode() == H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    resp = sm.unprotect(ResponseApdu.decode(H("990290008E08FA855A5D4C50A8ED9000")))
    assert (resp.data, resp.sw) == (b"", 0x9000)
    # READ BINARY of the first four bytes
    cmd = sm.protect(CommandApdu(0x00, 0xB0, 0x00, 0x00, le=4))
    assert cmd.encode() == H("0CB000000D9701048E08ED6705417E96BA5500")
    resp = sm.unprotect(
        ResponseApdu.decode(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
    )
    assert resp.data == H("60145F01")
    # READ BINARY of the remaining 18 bytes
    cmd = sm.protect(CommandApdu(0x00, 0xB0, 0x00, 0x04, le=0x12))
    assert cmd.encode() == H("0CB000040D9701128E082EA28A70F3C7B53500")
    resp = sm.unprotect(
        ResponseApdu.decode(
            H(
                "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A"
                "990290008E08C8B2787EAEA07D749000"
            )
        )
    )
    assert resp.data == H("04303130365F36063034303030305C026175")
    assert sm.ssc == 0x887022120C06C22C


def test_response_with_a_flipped_mac_byte_breaks_the_session() -> None:
    sm = SecureMessaging(KS_ENC, KS_MAC, SSC)
    sm.protect(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    with pytest.raises(SecureMessagingError):
        sm.unprotect(ResponseApdu.decode(H("990290008E08FA855A5D4C50A8EE9000")))


def test_retail_mac_and_padding_basics() -> None:
    assert crypto.pad(b"") == H("8000000000000000")
    assert crypto.unpad(crypto.pad(b"\x01\x02")) == b"\x01\x02"
    with pytest.raises(ValueError):
        crypto.unpad(bytes(8))
    with pytest.raises(ValueError):
        crypto.retail_mac(K_MAC, b"\x01")
