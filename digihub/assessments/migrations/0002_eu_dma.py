"""The EU Digital Maturity Assessment, version 1: the SME/mid-cap and public-sector variants."""

from types import SimpleNamespace

from django.db import migrations


def install(apps, schema_editor):
    from digihub.assessments import dma

    models = SimpleNamespace(
        Questionnaire=apps.get_model("assessments", "Questionnaire"),
        Dimension=apps.get_model("assessments", "Dimension"),
        Question=apps.get_model("assessments", "Question"),
        AnswerOption=apps.get_model("assessments", "AnswerOption"),
    )
    for variant in dma.VARIANTS:
        dma.install(models, variant)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
