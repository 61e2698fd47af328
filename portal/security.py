"""Response headers that every page carries (issue 9, item 8).

- `Permissions-Policy`: the portal uses no camera, microphone, location, payment or USB.
- `Cache-Control: private, no-store` on every response to a logged-in user and on every file
  download: an invoice, an attachment or a certificate never stays in a shared or disk cache.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers, patch_cache_control

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


def _is_download(response) -> bool:
    return response.streaming or "attachment" in response.get("Content-Disposition", "")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or _is_download(response):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
