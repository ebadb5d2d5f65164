"""Disbursements are append-only, like the ledger transaction each one posts.

No service changes a recorded disbursement (the tranche it pays changes status, not the
disbursement). A PostgreSQL trigger now refuses UPDATE and DELETE of its rows from any client,
raw SQL included. Row-level trigger only, so TRUNCATE is left to privileges.
"""

from django.db import migrations

from audit.db import append_only


class Migration(migrations.Migration):
    dependencies = [("grants", "0006_social_driver_domain_codes")]
    operations = [append_only("grants_disbursement")]
