"""The sensitive-word dictionary screens (R10): the company's phrases by category, and, for
holders of ``risk_rule.change``, adding, changing, switching off and removing them.

Every write goes through ``baton.risk.services_phrases`` (validated, audited, the dictionary's
version bumped so R10's matcher is rebuilt); a phrase is looked up within the viewer's
company only, so another company's phrase answers 404 like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from baton.core.errors import BatonError
from baton.core.forms import form_add_service_error
from baton.core.policy import requires
from baton.core.views import BatonTemplateView, ScopedObjectMixin, ServiceFormView
from baton.risk.models import PhraseCategory, SensitivePhrase
from baton.risk.services_phrases import (
    MAX_PHRASE_LENGTH,
    phrase_add,
    phrase_delete,
    phrase_dictionary,
    phrase_update,
)
from baton.risk.views import company_id_of

PHRASE_VIEW = requires("risk_rule", "view")
PHRASE_CHANGE = requires("risk_rule", "change")

PARTIAL = "risk/_phrase_dictionary.html"


def phrases_visible_to(*, user: Any, action: str = "view") -> QuerySet[SensitivePhrase]:
    """The phrases of the user's company (its defaults installed the first time); none for an
    account without an employee record. The same for every action: the grant decides."""
    company_id = company_id_of(user)
    if company_id is None:
        return SensitivePhrase.objects.none()
    return phrase_dictionary(company_id=company_id)


def _label(name: str) -> Any:
    field = SensitivePhrase._meta.get_field(name)
    assert isinstance(field, Field)
    return capfirst(field.verbose_name)


class PhraseAddForm(forms.Form):
    """A new phrase: its wording and category (new phrases are active)."""

    phrase = forms.CharField(label=_label("phrase"), max_length=MAX_PHRASE_LENGTH)
    category = forms.ChoiceField(label=_label("category"), choices=PhraseCategory.choices)


class PhraseForm(PhraseAddForm):
    """A phrase's wording, category and switch (an inactive phrase matches nothing)."""

    active = forms.BooleanField(label=_label("active"), required=False)


@dataclass
class PhraseGroup:
    """The phrases of one category, in the order of the categories' list."""

    category: str
    label: Any
    phrases: list[SensitivePhrase] = field(default_factory=list)

    @property
    def active_count(self) -> int:
        return sum(1 for p in self.phrases if p.active)


def phrase_groups(phrases: QuerySet[SensitivePhrase]) -> list[PhraseGroup]:
    """The dictionary by category, empty categories left out (one query)."""
    groups = {value: PhraseGroup(category=value, label=label) for value, label in PhraseCategory.choices}
    for phrase in phrases:
        groups.setdefault(phrase.category, PhraseGroup(category=phrase.category, label=phrase.category))
        groups[phrase.category].phrases.append(phrase)
    return [group for group in groups.values() if group.phrases]


def wants_partial(request: HttpRequest) -> bool:
    """An HTMX request for a fragment (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _list_url(phrase: SensitivePhrase | None = None) -> str:
    url = reverse("risk:phrase_list")
    return f"{url}#phrase-{phrase.pk}" if phrase is not None else url


class PhraseListView(BatonTemplateView):
    """The company's dictionary by category with each phrase's switch (``risk_rule.view``); a
    POST adds a phrase (``risk_rule.change``). Bad input comes back on the add form, as typed.
    An HTMX request gets the dictionary's fragment."""

    policy = PHRASE_VIEW
    write_policy = PHRASE_CHANGE
    template_name = "risk/phrases.html"

    def get_template_names(self) -> list[str]:
        return [PARTIAL if wants_partial(self.request) else self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        groups = phrase_groups(phrases_visible_to(user=user))
        ctx.update(
            groups=groups,
            total=sum(len(g.phrases) for g in groups),
            has_company=company_id_of(user) is not None,
            can_change=PHRASE_CHANGE.allows(user),
            max_length=MAX_PHRASE_LENGTH,
        )
        ctx.setdefault("form", PhraseAddForm(initial={"category": PhraseCategory.OTHER}))
        return ctx

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        company_id = company_id_of(request.user)
        if company_id is None:
            messages.error(request, _("This account has no employee record, so it belongs to no company."))
            return redirect("risk:phrase_list")
        form = PhraseAddForm(request.POST)
        if form.is_valid():
            try:
                phrase = phrase_add(
                    actor=request.user,
                    company_id=company_id,
                    phrase=form.cleaned_data["phrase"],
                    category=form.cleaned_data["category"],
                )
            except BatonError as exc:
                form_add_service_error(form, exc)
            else:
                notice = _("“%(phrase)s” was added to the dictionary.") % {"phrase": phrase.phrase}
                if wants_partial(request):
                    return self.render_to_response(self.get_context_data(notice=notice, changed=phrase.pk))
                messages.success(request, notice)
                return redirect(_list_url(phrase))
        return self.render_to_response(self.get_context_data(form=form))


class PhraseScopedMixin(ScopedObjectMixin):
    """Loads the phrase within the viewer's company (404 otherwise, and the attempt recorded)."""

    policy = PHRASE_CHANGE
    context_object_name = "phrase"
    object: SensitivePhrase

    def get_scoped_queryset(self) -> QuerySet[SensitivePhrase]:
        return phrases_visible_to(user=self.request.user, action="change")


class PhraseEditView(PhraseScopedMixin, ServiceFormView):
    """Change a phrase's wording, category or switch (``risk_rule.change``). From the list's
    switch buttons an HTMX POST gets the dictionary's fragment back."""

    template_name = "risk/phrase_edit.html"
    http_method_names = ["get", "post"]

    def get_form(self, data: Any = None) -> PhraseForm:
        phrase = self.object
        return PhraseForm(
            data, initial={"phrase": phrase.phrase, "category": phrase.category, "active": phrase.active}
        )

    def perform(self, form: PhraseForm) -> HttpResponse:
        phrase = phrase_update(
            actor=self.request.user,
            phrase=self.object,
            text=form.cleaned_data["phrase"],
            category=form.cleaned_data["category"],
            active=form.cleaned_data["active"],
        )
        notice = _("“%(phrase)s” was saved.") % {"phrase": phrase.phrase}
        if wants_partial(self.request):
            return _dictionary_fragment(self.request, notice=notice, changed=phrase.pk)
        messages.success(self.request, notice)
        return redirect(_list_url(phrase))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not wants_partial(request):
            return super().post(request, *args, **kwargs)
        # The list's switch: a refusal shows above the dictionary, which stays as it was.
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                return self.perform(form)
            except BatonError as exc:
                form_add_service_error(form, exc)
        problems = [str(m) for errors in form.errors.values() for m in errors]
        return _dictionary_fragment(request, error=" ".join(problems))


def _dictionary_fragment(request: HttpRequest, **extra: Any) -> HttpResponse:
    view = PhraseListView()
    view.setup(request)
    return view.render_to_response(view.get_context_data(**extra))


class PhraseDeleteView(PhraseScopedMixin, TemplateView):
    """Remove a phrase: GET asks for confirmation, POST removes it (the alerts it raised stay)."""

    template_name = "risk/phrase_delete.html"
    http_method_names = ["get", "post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        phrase_delete(actor=request.user, phrase=self.object)
        messages.success(
            request, _("“%(phrase)s” was removed from the dictionary.") % {"phrase": self.object.phrase}
        )
        return redirect("risk:phrase_list")
