"""Money received is append-only, like the ledger it posts to.

Contribution payments and other receipts are never changed by any service once recorded: a
mistaken one is corrected by reversing its ledger transaction (a new, mirror transaction), which
leaves the row as it was. PostgreSQL triggers now refuse UPDATE and DELETE of their rows from any
client, raw SQL included. Row-level triggers only, so TRUNCATE is left to privileges.
"""

from django.db import migrations

from audit.db import append_only


class Migration(migrations.Migration):
    dependencies = [("wellness_fund", "0004_account_day_totals")]
    operations = [
        append_only("wellness_fund_contributionpayment"),
        append_only("wellness_fund_otherreceipt"),
    ]
