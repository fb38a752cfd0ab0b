"""The 3DES primitives of BAC and secure messaging (ICAO 9303 Part 11, sections 9.7 and 9.8).

All functions are pure; test vectors from Part 11 Appendix D pin them in the unit tests.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.ciphers import Cipher, modes

try:  # cryptography >= 43 keeps DES under "decrepit"
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # pragma: no cover - older cryptography
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES

BLOCK = 8
ZERO_IV = bytes(BLOCK)
KDF_ENC = 1
KDF_MAC = 2


def adjust_parity(key: bytes) -> bytes:
    """Set each byte's lowest bit so the byte has odd parity (DES key convention)."""
    out = bytearray()
    for b in key:
        high = b & 0xFE
        out.append(high | (1 - bin(high).count("1") % 2))
    return bytes(out)


def kdf(seed: bytes, counter: int) -> bytes:
    """Derive a 16-byte 2-key 3DES key from a key seed (9303-11 section 9.7.1)."""
    digest = hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()
    return adjust_parity(digest[:16])


def pad(data: bytes) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros up to a whole block."""
    data = data + b"\x80"
    return data + bytes(-len(data) % BLOCK)


def unpad(data: bytes) -> bytes:
    """Remove padding method 2; raises ValueError when there is none."""
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise ValueError("no ISO 9797-1 method 2 padding")
    return stripped[:-1]


def _cipher(key: bytes, iv: bytes) -> Cipher[modes.CBC]:
    # Spell keys out as three DES keys: K (single DES) or K1 K2 K1 (two-key 3DES).
    if len(key) == 8:
        key = key * 3
    elif len(key) == 16:
        key = key + key[:8]
    return Cipher(TripleDES(key), modes.CBC(iv))


def des3_encrypt(key: bytes, data: bytes, iv: bytes = ZERO_IV) -> bytes:
    """3DES-CBC encryption of whole blocks (no padding added)."""
    enc = _cipher(key, iv).encryptor()
    return enc.update(data) + enc.finalize()


def des3_decrypt(key: bytes, data: bytes, iv: bytes = ZERO_IV) -> bytes:
    """3DES-CBC decryption of whole blocks (padding left in place)."""
    dec = _cipher(key, iv).decryptor()
    return dec.update(data) + dec.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with DES (the "retail MAC"); ``data`` must be padded.

    Single DES-CBC under K1 over all blocks but the last, then the last block under
    3DES-EDE(K1, K2): equal to DES-CBC with a final decrypt-K2 / encrypt-K1.
    """
    if len(data) % BLOCK or not data:
        raise ValueError("retail MAC input must be whole, non-empty blocks")
    k1, k2 = key[:8], key[8:16]
    head, last = data[:-BLOCK], data[-BLOCK:]
    chain = ZERO_IV
    if head:
        chain = des3_encrypt(k1, head)[-BLOCK:]  # an 8-byte key makes TripleDES single DES
    block = bytes(a ^ b for a, b in zip(chain, last, strict=True))
    return des3_encrypt(k1 + k2, block)


def mrz_key_seed(mrz_information: bytes) -> bytes:
    """K_seed: the first 16 bytes of SHA-1 over the MRZ information (9303-11 section 9.7.2)."""
    return hashlib.sha1(mrz_information).digest()[:16]


def bac_keys(mrz_information: bytes) -> tuple[bytes, bytes]:
    """(K_enc, K_mac) of the document's basic access keys."""
    seed = mrz_key_seed(mrz_information)
    return kdf(seed, KDF_ENC), kdf(seed, KDF_MAC)


def session_keys(k_ifd: bytes, k_ic: bytes) -> tuple[bytes, bytes]:
    """(KS_enc, KS_mac) from the two key halves exchanged during mutual authentication."""
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    return kdf(seed, KDF_ENC), kdf(seed, KDF_MAC)


def initial_ssc(rnd_ic: bytes, rnd_ifd: bytes) -> int:
    """The send sequence counter: low 4 bytes of RND.IC then low 4 bytes of RND.IFD."""
    return int.from_bytes(rnd_ic[-4:] + rnd_ifd[-4:], "big")
