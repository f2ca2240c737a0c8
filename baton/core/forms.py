"""Helpers shared by the UI's forms."""

from __future__ import annotations

from django import forms

from baton.core.errors import BatonError


def form_add_service_error(form: forms.Form, exc: BatonError) -> None:
    """Show a service's refusal on the form: field messages on their fields, the rest on top."""
    for name, messages in exc.fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not exc.fields:
        form.add_error(None, exc.message)
