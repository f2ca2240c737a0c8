"""Signing in (password, then TOTP or enrolment), signing out, and the account security page.

Between the password and the second step the session holds only a *pending* login: the
user's id, the step still owed and when the password was accepted. It lapses after five
minutes or five wrong codes, and the user is signed in only once every step is done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from baton.accounts.forms import (
    AccountCreateForm,
    EnrolConfirmForm,
    FreezeForm,
    LoginForm,
    OtpForm,
    PasswordChangeForm,
)
from baton.accounts.middleware import LOGIN_TIME_KEY
from baton.accounts.models import ApiToken, User
from baton.accounts.selectors import accounts_visible_to, api_tokens_of, recovery_codes_left
from baton.accounts.services import (
    LoginStep,
    account_create,
    api_token_revoke,
    login_password_check,
    logout_record,
    mfa_enrol_begin,
    mfa_enrol_confirm,
    mfa_reset,
    mfa_verify,
    password_change,
    sessions_revoke_all,
    user_freeze,
    user_has_mfa,
    user_requires_mfa,
    user_unfreeze,
)
from baton.core import clock, crypto
from baton.core.errors import BatonError
from baton.core.forms import form_add_service_error
from baton.core.policy import AUTHENTICATED, PUBLIC, get_in_scope, requires
from baton.core.views import BatonTemplateView, BatonViewMixin, ScopedObjectMixin, ServiceFormView
from baton.org.models import Employee
from baton.org.selectors import employees_visible_to

PENDING_KEY = "baton_pending_login"
ENROL_KEY = "baton_mfa_enrolment"
PENDING_LIFETIME = 5 * 60  # seconds between the password and the second step
PENDING_MAX_TRIES = 5
BACKEND = "baton.accounts.backends.EmployeeNumberBackend"


# --- The pending login kept in the session -------------------------------------------------


@dataclass
class Pending:
    user: User
    step: str
    next_url: str


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("core:dashboard")


def pending_start(request: HttpRequest, *, user: User, step: str, next_url: str) -> None:
    request.session.pop(ENROL_KEY, None)
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "step": step,
        "at": clock.now().timestamp(),
        "next": next_url,
        "tries": 0,
    }


def pending_get(request: HttpRequest, *, step: str) -> Pending | None:
    """The pending login owing ``step``, or None (and forgotten) when missing or lapsed."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or data.get("step") != step:
        return None
    if clock.now().timestamp() - float(data.get("at", 0)) > PENDING_LIFETIME:
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.select_related("employee").filter(pk=int(data.get("user_id") or 0)).first()
    if user is None or not user.may_sign_in:
        request.session.pop(PENDING_KEY, None)
        return None
    return Pending(user=user, step=step, next_url=str(data.get("next", "")))


def pending_count_failure(request: HttpRequest) -> bool:
    """Count a wrong code; True when the pending login is used up and was dropped."""
    data = dict(request.session.get(PENDING_KEY) or {})
    data["tries"] = int(data.get("tries", 0)) + 1
    if data["tries"] >= PENDING_MAX_TRIES:
        request.session.pop(PENDING_KEY, None)
        return True
    request.session[PENDING_KEY] = data
    return False


def login_finish(request: HttpRequest, user: User) -> None:
    """Every step is done: sign the user in (a fresh session key) and start the 12-hour clock."""
    request.session.pop(PENDING_KEY, None)
    request.session.pop(ENROL_KEY, None)
    auth_login(request, user, backend=BACKEND)
    request.session[LOGIN_TIME_KEY] = clock.now().timestamp()


def _expired(request: HttpRequest) -> HttpResponse:
    messages.warning(request, _("Your sign-in has expired. Please start again."))
    return redirect("accounts:login")


# --- Pages ---------------------------------------------------------------------------------


class LoginView(BatonViewMixin, TemplateView):
    """First step: 工号 and password."""

    policy = PUBLIC
    watermark = False
    template_name = "accounts/login.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect(_safe_next(request, request.GET.get("next")))
        return self.render_to_response(self.get_context_data(form=LoginForm()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = LoginForm(request.POST)
        next_url = _safe_next(request, request.POST.get("next"))
        if form.is_valid():
            try:
                outcome = login_password_check(
                    employee_no=form.cleaned_data["employee_no"], password=form.cleaned_data["password"]
                )
            except BatonError as exc:
                form.add_error(None, exc.message)
            else:
                if outcome.step == LoginStep.DONE:
                    login_finish(request, outcome.user)
                    return HttpResponseRedirect(next_url)
                pending_start(request, user=outcome.user, step=str(outcome.step), next_url=next_url)
                if outcome.step == LoginStep.MFA:
                    return redirect("accounts:login_mfa")
                return redirect("accounts:mfa_enrol")
        return self.render_to_response(self.get_context_data(form=form), status=200)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["next"] = self.request.GET.get("next") or self.request.POST.get("next", "")
        return ctx


class LoginMfaView(BatonViewMixin, TemplateView):
    """Second step: a TOTP code or a recovery code, within five minutes of the password."""

    policy = PUBLIC
    watermark = False
    template_name = "accounts/login_mfa.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if pending_get(request, step=LoginStep.MFA) is None:
            return _expired(request)
        return self.render_to_response(self.get_context_data(form=OtpForm()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pending = pending_get(request, step=LoginStep.MFA)
        if pending is None:
            return _expired(request)
        form = OtpForm(request.POST)
        if form.is_valid():
            if mfa_verify(user=pending.user, code=form.cleaned_data["code"]):
                login_finish(request, pending.user)
                return HttpResponseRedirect(_safe_next(request, pending.next_url))
            if pending_count_failure(request):
                messages.error(request, _("Too many wrong codes. Please sign in again."))
                return redirect("accounts:login")
            form.add_error("code", _("The code is not correct or was already used."))
        return self.render_to_response(self.get_context_data(form=form))


def qr_svg(data: str) -> SafeString:
    """An inline SVG QR code of ``data`` (we make the markup ourselves, so it is safe)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


class MfaEnrolView(BatonViewMixin, TemplateView):
    """Set up a TOTP authenticator: for a pending login whose role needs MFA, or by choice."""

    policy = PUBLIC  # a pending login is not signed in yet; ``_who`` decides who may enrol
    template_name = "accounts/mfa_enrol.html"

    def _who(self) -> tuple[User, Pending | None] | None:
        if self.request.user.is_authenticated:
            return self.request.user, None
        pending = pending_get(self.request, step=LoginStep.ENROL)
        return (pending.user, pending) if pending is not None else None

    def _enrolment(self, user: User) -> dict[str, str] | None:
        stored = self.request.session.get(ENROL_KEY)
        if not isinstance(stored, dict) or stored.get("user_id") != user.pk:
            return None
        try:
            sealed = crypto.decrypt(stored["sealed"], associated=f"enrol:{user.pk}")
        except crypto.DecryptionError:
            return None  # the key changed meanwhile: start the enrolment again
        enrolment: dict[str, str] = json.loads(sealed)
        return enrolment

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        who = self._who()
        if who is None:
            return _expired(request)
        user, _pending = who
        try:
            start = mfa_enrol_begin(user=user)
        except BatonError as exc:
            messages.info(request, exc.message)
            return redirect("accounts:security")
        enrolment = {"secret": start.secret, "uri": start.provisioning_uri}
        request.session[ENROL_KEY] = {
            "user_id": user.pk,
            "sealed": crypto.encrypt(json.dumps(enrolment), associated=f"enrol:{user.pk}"),
        }
        return self.render_to_response(self._context(user, enrolment, EnrolConfirmForm()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        who = self._who()
        enrolment = self._enrolment(who[0]) if who is not None else None
        if who is None or enrolment is None:
            return _expired(request)
        user, pending = who
        form = EnrolConfirmForm(request.POST)
        if form.is_valid():
            try:
                codes = mfa_enrol_confirm(user=user, code=form.cleaned_data["code"])
            except BatonError as exc:
                form_add_service_error(form, exc)
            else:
                request.session.pop(ENROL_KEY, None)
                next_url = reverse("accounts:security")
                if pending is not None:
                    login_finish(request, user)
                    next_url = _safe_next(request, pending.next_url)
                return render(
                    request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next_url": next_url}
                )
        return self.render_to_response(self._context(user, enrolment, form))

    def _context(self, user: User, enrolment: dict[str, str], form: EnrolConfirmForm) -> dict[str, Any]:
        return self.get_context_data(
            form=form,
            enrol_user=user,
            secret=enrolment["secret"],
            qr=qr_svg(enrolment["uri"]),
            required=user_requires_mfa(user=user),
        )


class LogoutView(BatonViewMixin):
    """Sign out of this browser (POST only, so a link or image cannot do it)."""

    policy = AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        logout_record(user=request.user)  # type: ignore[arg-type]
        auth_logout(request)
        return redirect("accounts:login")


class LogoutEverywhereView(BatonViewMixin):
    """End every session and API token of the user, this one included."""

    policy = AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        sessions_revoke_all(actor=user, user=user)  # type: ignore[arg-type]
        auth_logout(request)
        messages.success(request, _("You have been signed out on every device."))
        return redirect("accounts:login")


class SecurityView(BatonTemplateView):
    """The user's own MFA status, recovery codes left, API tokens and sessions."""

    policy = AUTHENTICATED
    template_name = "accounts/security.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["has_mfa"] = user_has_mfa(user=user)  # type: ignore[arg-type]
        ctx["requires_mfa"] = user_requires_mfa(user=user)  # type: ignore[arg-type]
        ctx["recovery_left"] = recovery_codes_left(user=user)  # type: ignore[arg-type]
        ctx["tokens"] = list(api_tokens_of(user=user)[:50])  # type: ignore[arg-type]
        ctx["now"] = clock.now()
        return ctx


class ApiTokenRevokeView(BatonViewMixin):
    """Revoke one of the user's own API tokens."""

    policy = AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token: ApiToken = get_in_scope(
            api_tokens_of(user=request.user),  # type: ignore[arg-type]
            user=request.user,
            resource="api_token",
            action="revoke",
            pk=kwargs["pk"],
        )
        api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
        messages.success(request, _("The API token was revoked."))
        return redirect("accounts:security")


class PasswordChangeView(BatonViewMixin, ServiceFormView):
    """Change your own password. Your other sessions end; this one stays signed in."""

    policy = AUTHENTICATED
    template_name = "accounts/password_change.html"

    def get_form(self, data: Any = None) -> PasswordChangeForm:
        return PasswordChangeForm(data)

    def perform(self, form: PasswordChangeForm) -> HttpResponse:
        user: User = self.request.user  # type: ignore[assignment]
        data = form.cleaned_data
        password_change(user=user, old_password=data["old_password"], new_password=data["new_password"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password was changed."))
        return redirect("accounts:security")


class AccountCreateView(ScopedObjectMixin, ServiceFormView):
    """Give an employee a login account with an initial password (HR, administrators)."""

    policy = requires("account", "change")
    template_name = "accounts/account_create.html"
    context_object_name = "employee"
    object: Employee

    def get_scoped_queryset(self) -> Any:
        return employees_visible_to(user=self.request.user)

    def get_form(self, data: Any = None) -> AccountCreateForm:
        return AccountCreateForm(data)

    def perform(self, form: AccountCreateForm) -> HttpResponse:
        account_create(
            actor=self.request.user, employee=self.object, password=form.cleaned_data["new_password"]
        )
        messages.success(self.request, _("%(no)s can now sign in.") % {"no": self.object.employee_no})
        return redirect("org:employee_detail", pk=self.object.pk)


class AccountActionView(ScopedObjectMixin):
    """Freeze, unfreeze, reset MFA or end all sessions of an employee's login account."""

    policy = requires("account", "change")
    http_method_names = ["post"]
    object: User

    def get_scoped_queryset(self) -> Any:
        return accounts_visible_to(user=self.request.user, action="change")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account, operation = self.object, kwargs["operation"]
        if operation == "freeze":
            form = FreezeForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give a reason for freezing the account."))
                return redirect("org:employee_detail", pk=account.employee.pk)
            user_freeze(actor=request.user, user=account, reason=form.cleaned_data["reason"])
            done = _("The account is frozen: it cannot sign in and its sessions have ended.")
        elif operation == "unfreeze":
            user_unfreeze(actor=request.user, user=account)
            done = _("The account can sign in again.")
        elif operation == "reset-mfa":
            mfa_reset(actor=request.user, user=account)
            done = _(
                "Two-step sign-in was reset; it is set up again at the next sign-in if the role needs it."
            )
        else:  # "logout-everywhere"; the URL admits no other operation
            sessions_revoke_all(actor=request.user, user=account)
            done = _("All sessions and API tokens of the account have ended.")
        messages.success(request, done)
        return redirect("org:employee_detail", pk=account.employee.pk)
