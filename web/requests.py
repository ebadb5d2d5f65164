"""The request of a page behind ``login_required``, typed so: its ``user`` is a signed-in ``User``.

Views annotate ``request: AuthenticatedRequest`` and pass ``request.user`` to services as the
typed actor (``organizations.actors.Actor``); at run time it is Django's ``HttpRequest``.
"""

from django.http import HttpRequest

from organizations.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
