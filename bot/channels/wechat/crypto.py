"""WeChat's server-URL signatures and its encrypted (safe) mode, as the platform documents them.

- Every request WeChat sends to the server URL carries `signature` = SHA-1 of the token, the
  timestamp and the nonce, sorted and joined; an encrypted message also carries `msg_signature`,
  the same over the four with the ciphertext, so the body itself is signed only in safe mode.
- Safe mode: AES-256-CBC with the key `base64(EncodingAESKey + "=")` and the key's first 16 bytes
  as IV; PKCS#7 padding to 32-byte blocks; the plaintext is 16 random bytes, the message length
  (4 bytes, big-endian), the message, and the account's AppID, which must be ours.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeChat pads to 32 bytes, not AES's 16


class InvalidSignature(ValueError):
    """A request that WeChat did not sign with our token."""


class InvalidCiphertext(ValueError):
    """An encrypted message that does not decrypt to a message for this account."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 (WeChat's scheme)


def check_signature(
    *, token: str, timestamp: str, nonce: str, given: str, encrypted: str | None = None
) -> None:
    parts = (token, timestamp, nonce) if encrypted is None else (token, timestamp, nonce, encrypted)
    if not hmac.compare_digest(signature(*parts).encode(), given.encode()):
        raise InvalidSignature("the signature does not match the token")


class MessageCrypto:
    """Decrypts (and, for replies and tests, encrypts) messages of one Official Account."""

    def __init__(self, *, aes_key: str, app_id: str) -> None:
        try:
            key = base64.b64decode(aes_key + "=", validate=True)
        except binascii.Error as error:
            raise ValueError("WECHAT__AES_KEY is not a 43-character EncodingAESKey") from error
        if len(key) != 32:
            raise ValueError("WECHAT__AES_KEY is not a 43-character EncodingAESKey")
        self._key = key
        self._app_id = app_id

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def decrypt(self, encrypted: str) -> str:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except binascii.Error as error:
            raise InvalidCiphertext("not base64") from error
        if not data or len(data) % 16:
            raise InvalidCiphertext("not whole AES blocks")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise InvalidCiphertext("bad padding")
        plain = plain[16:-pad]
        if len(plain) < 4:
            raise InvalidCiphertext("too short")
        (length,) = struct.unpack(">I", plain[:4])
        message, app_id = plain[4 : 4 + length], plain[4 + length :]
        if len(message) != length or app_id.decode(errors="replace") != self._app_id:
            raise InvalidCiphertext("the message is not for this account")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidCiphertext("not UTF-8") from error

    def encrypt(self, message: str) -> str:
        body = message.encode()
        plain = os.urandom(16) + struct.pack(">I", len(body)) + body + self._app_id.encode()
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
