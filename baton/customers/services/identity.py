"""Recognising the same customer twice: credit-code checksum, name normalisation, phone hashes."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from baton.core.errors import InvalidInput

# GB 32100-2015: 18 characters from this alphabet; the last is a check character.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司")
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """A unified social credit code (统一社会信用代码), upper-cased; blank is allowed."""
    code = (value or "").strip().upper()
    if not code:
        return ""
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        raise InvalidInput(fields={"credit_code": [_("A credit code has 18 digits and capital letters.")]})
    if credit_code_check_char(code[:17]) != code[17]:
        raise InvalidInput(fields={"credit_code": [_("The credit code's check character is wrong.")]})
    return code


def normalize_name(name: str) -> str:
    """Company name for duplicate detection: full-width folded, punctuation, spaces and legal
    suffixes (有限公司 …) removed, lower-cased. 顺达物流（广州）有限公司 → 顺达物流广州."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _PUNCTUATION.sub("", text)
    for suffix in _LEGAL_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return text


def normalize_phone(value: str) -> str:
    """Digits only, without a +86/0086 prefix."""
    digits = re.sub(r"\D", "", value or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits
