"""Issue 10: the due date stored (and backfilled), and the indexes of the lists' scopes,
default sorts and sorts (composite, partial where the list excludes statuses)."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

BATCH = 2000


def backfill_due_dates(apps, schema_editor):
    """due_date = the deposit's calendar day in the portal's time zone + the recipient's
    legal payment period (DOMAIN §5.10), as `Invoice.save` now sets it."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE invoicing_invoice AS i"
            " SET due_date = (i.deposited_at AT TIME ZONE %s)::date + s.payment_delay_days"
            " FROM structures_structure AS s"
            " WHERE s.id = i.recipient_id AND i.deposited_at IS NOT NULL",
            [settings.TIME_ZONE],
        )
        return
    Invoice = apps.get_model("invoicing", "Invoice")
    rows = (
        Invoice.objects.filter(deposited_at__isnull=False, recipient__isnull=False)
        .select_related("recipient")
        .only("pk", "deposited_at", "recipient__payment_delay_days")
        .order_by("pk")
    )
    batch = []
    for invoice in rows.iterator(chunk_size=BATCH):
        invoice.due_date = timezone.localdate(invoice.deposited_at) + timedelta(
            days=invoice.recipient.payment_delay_days
        )
        batch.append(invoice)
        if len(batch) >= BATCH:
            Invoice.objects.bulk_update(batch, ["due_date"])
            batch = []
    if batch:
        Invoice.objects.bulk_update(batch, ["due_date"])


class Migration(migrations.Migration):

    dependencies = [
        ('invoicing', '0002_deposit_token'),
        ('structures', '0003_manager_action_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='invoice',
            name='due_date',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="Date d'échéance du paiement (indicative)"),
        ),
        migrations.RunPython(backfill_due_dates, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['ABSENCE_VALIDATION_1_HORS_DELAI', 'A_VALIDER_1', 'BROUILLON', 'DEPOSEE', 'REFUSEE_1', 'VALIDEE_1']), _negated=True), fields=['recipient', '-deposited_at', '-id'], name='inv_rcv_deposited'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['ABSENCE_VALIDATION_1_HORS_DELAI', 'A_VALIDER_1', 'BROUILLON', 'DEPOSEE', 'REFUSEE_1', 'VALIDEE_1']), _negated=True), fields=['recipient', 'recipient_service', '-deposited_at', '-id'], name='inv_rcv_svc_deposited'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['ABSENCE_VALIDATION_1_HORS_DELAI', 'A_VALIDER_1', 'BROUILLON', 'DEPOSEE', 'REFUSEE_1', 'VALIDEE_1']), _negated=True), fields=['recipient', '-status_changed_at', '-id'], name='inv_rcv_changed'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['ABSENCE_VALIDATION_1_HORS_DELAI', 'A_VALIDER_1', 'BROUILLON', 'DEPOSEE', 'REFUSEE_1', 'VALIDEE_1']), _negated=True), fields=['recipient', '-invoice_date', '-id'], name='inv_rcv_invoice_date'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['ABSENCE_VALIDATION_1_HORS_DELAI', 'A_VALIDER_1', 'BROUILLON', 'DEPOSEE', 'REFUSEE_1', 'VALIDEE_1']), _negated=True), fields=['recipient', 'number', 'id'], name='inv_rcv_number'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['ABSENCE_VALIDATION_1_HORS_DELAI', 'A_VALIDER_1', 'BROUILLON', 'DEPOSEE', 'REFUSEE_1', 'VALIDEE_1']), _negated=True), fields=['recipient', 'supplier_name', 'id'], name='inv_rcv_supplier'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['ABSENCE_VALIDATION_1_HORS_DELAI', 'A_VALIDER_1', 'BROUILLON', 'DEPOSEE', 'REFUSEE_1', 'VALIDEE_1']), _negated=True), fields=['recipient', 'amount_ttc', 'id'], name='inv_rcv_amount'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['ABSENCE_VALIDATION_1_HORS_DELAI', 'A_VALIDER_1', 'BROUILLON', 'DEPOSEE', 'REFUSEE_1', 'VALIDEE_1']), _negated=True), fields=['recipient', 'due_date', 'id'], name='inv_rcv_due'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['COMPLETEE', 'COMPTABILISEE', 'MANDATEE', 'MISE_A_DISPOSITION', 'MISE_A_DISPOSITION_COMPTABLE', 'PRISE_EN_COMPTE_DESTINATAIRE', 'SERVICE_FAIT'])), fields=['recipient', 'due_date', 'id'], name='inv_rcv_todo'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['COMPLETEE', 'COMPTABILISEE', 'MANDATEE', 'MISE_A_DISPOSITION', 'MISE_A_DISPOSITION_COMPTABLE', 'PRISE_EN_COMPTE_DESTINATAIRE', 'SERVICE_FAIT'])), fields=['recipient', 'recipient_service', 'due_date', 'id'], name='inv_rcv_svc_todo'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['supplier', '-status_changed_at', '-id'], name='inv_iss_changed'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['supplier', '-deposited_at', '-id'], name='inv_iss_deposited'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['supplier', '-invoice_date', '-id'], name='inv_iss_invoice_date'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['supplier', 'number', 'id'], name='inv_iss_number'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['supplier', 'amount_ttc', 'id'], name='inv_iss_amount'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status', 'A_VALIDER_1')), fields=['validator', 'deposited_at', 'id'], name='inv_val_pending'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('validator__isnull', False)), fields=['validator', '-status_changed_at', '-id'], name='inv_val_changed'),
        ),
    ]
