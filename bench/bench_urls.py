"""The portal's URLs plus `bench/upload/`, served only by the benchmark's own server
(bench.settings): every file goes through the real attachment checks and streamed storage."""

import os

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from api.core import direct
from invoicing.documents.files import store_upload, validate_attachment


@csrf_exempt
@login_not_required
def upload(request):
    if request.method != "POST":
        return JsonResponse({"pid": os.getpid()})
    dossier = 0
    stored = []
    try:
        for uploaded in request.FILES.getlist("files"):
            validate_attachment(uploaded, current_dossier_size=dossier)
            dossier += uploaded.size
            stored.append(store_upload(uploaded, subdir="bench"))
    except ValidationError as exc:
        return JsonResponse({"pid": os.getpid(), "errors": exc.messages}, status=400)
    return JsonResponse(
        {
            "pid": os.getpid(),
            "files": len(stored),
            "bytes": dossier,
            "sha256": [item.sha256 for item in stored],
        }
    )


@login_not_required
def floor(request):
    """The API benchmark's floor: one indexed read, no authentication (bench/api.py)."""
    from structures.models import Structure

    return JsonResponse({"id": Structure.objects.filter(pk=1).values_list("pk", flat=True).first()})


urlpatterns = [
    path("bench/upload/", upload),
    path("bench/floor/", floor),
    # The API bench's floor takes the API's own short way through the middleware.
    path("cpro/bench/floor/", direct(floor)),
    path("", include("portal.urls")),
]
