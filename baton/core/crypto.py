"""Authenticated encryption and keyed hashes for sensitive fields.

Values are encrypted with AES-256-GCM under a key derived from ``FIELD_ENCRYPTION_KEY``;
the stored form is ``v1:<base64(nonce || ciphertext+tag)>``. A keyed hash (HMAC-SHA256
under ``FIELD_HASH_KEY``) of the normalised value allows equality look-ups and duplicate
detection without decrypting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_PREFIX = "v1:"


class DecryptionError(Exception):
    """A stored value could not be authenticated: wrong key or tampered data."""


def _key() -> bytes:
    return hashlib.sha256(("baton-field-v1:" + settings.FIELD_ENCRYPTION_KEY).encode()).digest()


def encrypt(plaintext: str, *, associated: str = "") -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, plaintext.encode("utf-8"), associated.encode())
    return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, *, associated: str = "") -> str:
    if not token.startswith(_PREFIX):
        raise DecryptionError("unknown format")
    raw = base64.urlsafe_b64decode(token[len(_PREFIX) :].encode("ascii"))
    try:
        plain = AESGCM(_key()).decrypt(raw[:12], raw[12:], associated.encode())
    except InvalidTag as exc:
        raise DecryptionError("authentication failed") from exc
    return plain.decode("utf-8")


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised value, hex encoded."""
    normalised = "".join(value.split()).lower()
    return hmac.new(settings.FIELD_HASH_KEY.encode(), normalised.encode("utf-8"), hashlib.sha256).hexdigest()
