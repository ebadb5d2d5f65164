"""People served use the dimensions of the equity taxonomy (``community.EquityTaxonomy``).

The dimension column holds ``county`` or a taxonomy dimension code, checked by the service
against the taxonomy in force rather than by a fixed list, so it loses its choices and its
check of five values (and grows to the taxonomy's 40 characters, for ``sexual_orientation``).

Stored rows are recoded: ``race_ethnicity`` becomes the taxonomy's ``race``. Its categories
``multiracial`` and ``another_race`` have no category in taxonomy version 1 (the 2024 federal
standard asks for every race that applies instead of a "multiracial" box, and has no "some
other race"); which races those people gave is not known, so their counts join
``not_reported`` of race for the same report. The frozen copy kept with each submission
(``ReportEvent.content``) still shows the breakdown as it was sent. Going back restores the
dimension code only.
"""

from django.db import migrations, models
from django.db.models import Q

OLD_RACE, NEW_RACE = "race_ethnicity", "race"
UNMAPPED = ("multiracial", "another_race")


def forward(apps, schema_editor):
    PeopleServed = apps.get_model("grants", "PeopleServed")
    for report_id in (PeopleServed.objects.filter(dimension=OLD_RACE, category__in=UNMAPPED)
                      .values_list("report_id", flat=True).distinct()):
        rows = PeopleServed.objects.filter(report_id=report_id, dimension=OLD_RACE)
        moved = sum(r.count for r in rows if r.category in UNMAPPED)
        rows.filter(category__in=UNMAPPED).delete()
        cell, _ = PeopleServed.objects.get_or_create(report_id=report_id, dimension=OLD_RACE,
                                                     category="not_reported", defaults={"count": 0})
        cell.count += moved
        cell.save(update_fields=["count"])
    PeopleServed.objects.filter(dimension=OLD_RACE).update(dimension=NEW_RACE)


def backward(apps, schema_editor):
    PeopleServed = apps.get_model("grants", "PeopleServed")
    PeopleServed.objects.filter(dimension=NEW_RACE).update(dimension=OLD_RACE)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0007_append_only_disbursements"),
        ("community", "0002_reference_data"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="peopleserved", name="people_served_dimension_valid"),
        migrations.AlterField(model_name="peopleserved", name="dimension", field=models.CharField(max_length=40)),
        migrations.RunPython(forward, backward),
        migrations.AddConstraint(
            model_name="peopleserved",
            constraint=models.CheckConstraint(condition=~Q(dimension="") & ~Q(category=""),
                                              name="people_served_cell_named"),
        ),
    ]
