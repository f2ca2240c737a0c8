"""How sensitive values look when a person is not allowed to see them in full."""

from __future__ import annotations


def mask_phone(value: str) -> str:
    """13812345678 -> 138****5678; short values keep only their last two characters."""
    digits = value.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    if not digits:
        return ""
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


def mask_email(value: str) -> str:
    """zhang.wei@example.com -> z***@example.com."""
    local, sep, domain = value.partition("@")
    if not sep:
        return mask_phone(value)
    return f"{local[:1]}***@{domain}"


def mask_id_number(value: str) -> str:
    """440101199001011234 -> 4401**********1234."""
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return f"{v[:4]}{'*' * (len(v) - 8)}{v[-4:]}"
