"""Plan financials and the community reinvestment they require."""

from .financials import CountyFinancial, FinancialYearStatus, MemberMonth, PlanFinancialYear
from .obligations import (
    CreditSource,
    DirectInvestment,
    Obligation,
    ObligationAllocation,
    ObligationCredit,
    ObligationStatus,
)
from .policies import (
    AllocationBasis,
    PolicyBasis,
    PolicyBracket,
    PolicyEarmark,
    ReinvestmentPolicy,
    SocialDriverDomain,
    ThresholdKind,
)

__all__ = [
    "AllocationBasis",
    "CountyFinancial",
    "CreditSource",
    "DirectInvestment",
    "FinancialYearStatus",
    "MemberMonth",
    "Obligation",
    "ObligationAllocation",
    "ObligationCredit",
    "ObligationStatus",
    "PlanFinancialYear",
    "PolicyBasis",
    "PolicyBracket",
    "PolicyEarmark",
    "ReinvestmentPolicy",
    "SocialDriverDomain",
    "ThresholdKind",
]
