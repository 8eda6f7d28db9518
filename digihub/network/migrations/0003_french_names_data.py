"""French names for the seeded provinces and themes.

A migration of its own, after the schema change. Rows added since keep an empty French name,
which shows the Dutch one, until the admin gives them one."""

from django.db import migrations

PROVINCES = {
    "ANT": "Anvers",
    "LIM": "Limbourg",
    "OVL": "Flandre orientale",
    "VBR": "Brabant flamand",
    "WVL": "Flandre occidentale",
    "BRU": "Bruxelles",
    "WBR": "Brabant wallon",
    "HAI": "Hainaut",
    "LIE": "Liège",
    "LUX": "Luxembourg",
    "NAM": "Namur",
}

THEMES = {
    "ai": "Intelligence artificielle",
    "iot": "Capteurs et IoT",
    "data": "Données et analytique",
    "cyber": "Cybersécurité",
    "robotics": "Automatisation et robotique",
    "ecommerce": "E-commerce",
    "erp": "ERP et numérisation des processus",
    "cloud": "Cloud et infrastructure",
    "xr": "AR/VR et jumeau numérique",
    "3dprint": "Impression 3D et fabrication additive",
}


def fill(apps, schema_editor):
    # One UPDATE per known code, whatever the number of rows.
    for model, names in (("Province", PROVINCES), ("Theme", THEMES)):
        rows = apps.get_model("network", model).objects
        for code, name in names.items():
            rows.filter(code=code, name_fr="").update(name_fr=name)


class Migration(migrations.Migration):
    dependencies = [("network", "0002_french_names")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
