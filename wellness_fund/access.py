"""Who may reach the wellness fund app's records.

* The ACH's fund administrators and board see its funds, ledger and agreements; only the
  fund administrator changes them.
* A plan's finance staff see that plan's agreements, statements and payments, and record
  payments; they never see another plan's (404), nor the fund's ledger.
"""

from organizations.access import grant, register
from organizations.models import Role

from .models import (
    Account,
    ContributionAgreement,
    ContributionPayment,
    ContributionStatement,
    FiscalPeriod,
    FundingSource,
    LedgerLeg,
    LedgerTransaction,
    OtherReceipt,
    Restriction,
    WellnessFund,
)

ACH_VIEW = {Role.FUND_ADMIN, Role.BOARD_MEMBER, Role.BOARD_CHAIR}
ACH_CHANGE = {Role.FUND_ADMIN}
PLAN_VIEW = {Role.PLAN_FINANCE}

register(WellnessFund, grant("ach", view=ACH_VIEW, change=ACH_CHANGE))
for model in (Restriction, FundingSource, Account, LedgerTransaction, LedgerLeg, FiscalPeriod):
    register(model, grant("fund__ach", view=ACH_VIEW, change=ACH_CHANGE))
register(OtherReceipt, grant("funding_source__fund__ach", view=ACH_VIEW, change=ACH_CHANGE))
register(
    ContributionAgreement,
    grant("fund__ach", view=ACH_VIEW, change=ACH_CHANGE),
    grant("plan", view=PLAN_VIEW, record_payment={Role.PLAN_FINANCE}),
)
for agreement_model in (ContributionStatement, ContributionPayment):
    register(
        agreement_model,
        grant("agreement__fund__ach", view=ACH_VIEW, change=ACH_CHANGE),
        grant("agreement__plan", view=PLAN_VIEW),
    )
