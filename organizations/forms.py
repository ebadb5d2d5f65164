from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import lockout

INVALID = _("Please enter a correct username and password. Both fields may be case-sensitive.")
LOCKED = _("Too many failed sign-in attempts. Please wait a few minutes and try again.")


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's sign-in form with a lockout (per username and per client address), and one
    message for every refusal."""

    error_messages = {"invalid_login": INVALID, "inactive": INVALID, "locked": LOCKED}

    def clean(self):  # type: ignore[no-untyped-def]
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        address = lockout.client_address(self.request)
        if lockout.address_blocked(address) or (username and lockout.locked_until(username)):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        if username is not None and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None or not self.user_cache.is_active:
                blocked = lockout.register_address_failure(address)
                if lockout.register_failure(username) or blocked:
                    raise forms.ValidationError(self.error_messages["locked"], code="locked")
                raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
            lockout.register_success(username)
        return self.cleaned_data


class AdminLockoutAuthenticationForm(LockoutAuthenticationForm):
    """The admin's sign-in: the same lockout, staff only."""

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        if self.user_cache is not None and not self.user_cache.is_staff:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return cleaned
