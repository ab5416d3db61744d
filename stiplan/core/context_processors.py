"""Template context: what the signed-in user may see, for the navigation."""

from stiplan.core.permissions import access_of


def roles(request) -> dict:
    return {"access": access_of(getattr(request, "user", None) or _anonymous())}


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
