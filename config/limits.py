"""Refuse a request body larger than REQUEST_MAX_BYTES before anything reads it.

Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but receives a file upload in full before a
form can say "too large", and gunicorn sets no limit. The proxy in front should refuse big bodies
first (docs/deploy.md: nginx `client_max_body_size`); this is the same rule inside the app, so a
direct connection or a misconfigured proxy cannot make a worker spool 50 MB. It sits before every
middleware that reads the body (CSRF reads POST)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return too_large(request)
        return self.get_response(request)


def too_large(request: HttpRequest) -> HttpResponse:
    megabytes = settings.REQUEST_MAX_BYTES // (1024 * 1024)
    response = render(request, "413.html", {"megabytes": megabytes}, status=413)
    response["Connection"] = "close"  # the unread body must not be taken as the next request
    return response


class NulByteMiddleware:
    """Refuse a NUL byte anywhere in the path, query, form fields or cookies with 400.

    No legitimate input has one, and PostgreSQL refuses it in a string literal, so a NUL in a URL
    key or a search reached the database as a 500 (review L2). Checking once here covers every
    view and URL parameter, present and future. Form bodies are read only for form content types
    (uploads are not inspected), after RequestSizeLimitMiddleware has bounded them."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "\x00" in request.path_info:
        return True
    parts = [request.GET, request.COOKIES]
    if request.method == "POST" and request.content_type in NulByteMiddleware.FORM_TYPES:
        parts.append(request.POST)
    for part in parts:
        for key in part:
            values = part.getlist(key) if hasattr(part, "getlist") else [part[key]]
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False
