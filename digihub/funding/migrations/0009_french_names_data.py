"""French names for the seeded funding sources and project types.

A migration of its own, after the schema change (see 0007_money_in_data). Rows added since keep
an empty French name, which shows the Dutch one, until the admin gives them one."""

from django.db import migrations

SOURCES = {
    "efro": "FEDER",
    "flemish": "Cofinancement flamand",
    "private_chamber": "Privé (chambre)",
    "private_sme": "Privé (PME)",
}

# Project types are numbered per programme; their Dutch name identifies the seeded ones.
PROJECT_TYPES = {
    "Werking (communicatie, platform, coördinatie, evaluatie)": (
        "Fonctionnement (communication, plateforme, coordination, évaluation)"
    ),
    "Begeleiding van kmo's": "Accompagnement des PME",
    "Digital Experience Lab": "Digital Experience Lab",
}


def fill(apps, schema_editor):
    # One UPDATE per known value, whatever the number of rows.
    sources = apps.get_model("funding", "FundingSource").objects
    for code, name in SOURCES.items():
        sources.filter(code=code, name_fr="").update(name_fr=name)
    types = apps.get_model("funding", "ProjectType").objects
    for dutch, name in PROJECT_TYPES.items():
        types.filter(name_nl=dutch, name_fr="").update(name_fr=name)


class Migration(migrations.Migration):
    dependencies = [("funding", "0008_french_names_regional_payer")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
