"""The attachments block of a commitment's page (EJ-1): add, download, delete. Thin: the
commitment is fetched as its page fetches it (another structure's is a 404), the rules
are in `commitments.attachments`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commitments import attachments
from commitments.views import AREA, get_visible, render_detail
from invoicing.documents.files import attachment_response
from invoicing.documents.forms import AttachmentForm
from portal.areas import Mode
from structures import access


@access.area_required(AREA, Mode.CHANGE)
@require_POST
def upload(request, pk: int):
    commitment = get_visible(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments.add_attachment(
                commitment,
                form.cleaned_data["file"],
                actor=request.user,
                designation=form.cleaned_data["designation"],
                attachment_type=form.cleaned_data["attachment_type"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("La pièce jointe est ajoutée à l'engagement."))
            return redirect("commitments:detail", commitment.pk)
    return render_detail(request, commitment, attachment_form=form, status=400)


def _attachment(request, pk: int, attachment_pk: int):
    queryset = attachments.attachments_visible_to(request.user).select_related(
        "commitment__recipient"
    )
    return get_object_or_404(queryset, pk=attachment_pk, commitment_id=pk)


@access.area_required(AREA)
@require_GET
def download(request, pk: int, attachment_pk: int):
    row = _attachment(request, pk, attachment_pk)
    return attachment_response(row.path, row.original_name, row.content_type)


@access.area_required(AREA, Mode.CHANGE)
@require_POST
def delete(request, pk: int, attachment_pk: int):
    row = _attachment(request, pk, attachment_pk)
    attachments.delete_attachment(row, actor=request.user)
    messages.success(request, _("La pièce jointe est supprimée de l'engagement."))
    return redirect("commitments:detail", pk)
