"""allauth's Google and Microsoft log-in URLs exist whether or not the provider is configured,
and raise SocialApp.DoesNotExist when it is not: that is a page that does not exist here (404),
not a server error."""

from allauth.socialaccount.models import SocialApp
from django.http import Http404, HttpRequest


class UnconfiguredProviderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, SocialApp.DoesNotExist):
            raise Http404("No such sign-in service.") from exception
        return None
