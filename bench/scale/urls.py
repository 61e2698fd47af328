"""The portal's URLs plus `bench/floor/<pk>/`, served only by the scale benchmark's server
(bench.scale.settings): the floor of a logged-in page, one primary-key read of an invoice
and a tiny template, through the same middleware stack as every page."""

from django.http import Http404
from django.shortcuts import render
from django.urls import include, path

from invoicing.models import Invoice


def floor(request, pk: int):
    invoice = Invoice.objects.filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return render(request, "bench_scale/floor.html", {"invoice": invoice})


urlpatterns = [
    path("bench/floor/<int:pk>/", floor, name="bench_floor"),
    path("", include("portal.urls")),
]
