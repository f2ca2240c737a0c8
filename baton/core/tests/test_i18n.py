"""Simplified Chinese is the default language and complete; English is the second."""

from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "baton" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_default_language_is_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


def test_every_message_has_a_chinese_translation():
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    missing = [
        m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert missing == []


def test_messages_are_translated_at_run_time():
    from baton.org.models import EmployeeStatus

    with translation.override("zh-hans"):
        chinese = str(EmployeeStatus.ACTIVE.label)
    with translation.override("en"):
        english = str(EmployeeStatus.ACTIVE.label)
    assert english == "Active"
    assert chinese != english
