"""Submissions recorded "Đã nộp đúng hạn" although they came at or after the original due moment (a
reopening used to make them on time) become "Nộp muộn": lateness is counted from the due moment."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Obligation = apps.get_model("campaigns", "Obligation")
    Obligation.objects.filter(status="submitted", submitted_at__gte=F("due_at")).update(status="late")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0004_target_measure_signed_documents")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
