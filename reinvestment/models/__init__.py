"""Plan financials and the community reinvestment they require."""

from .financials import CountyFinancial, FinancialYearStatus, MemberMonth, PlanFinancialYear
from .obligations import (
    AllocationRule,
    CreditSource,
    DirectInvestment,
    FulfilmentAllocation,
    Obligation,
    ObligationAllocation,
    ObligationCredit,
    ObligationStatus,
    PlanFiguresStamp,
)
from .policies import (
    AllocationBasis,
    LineOfBusiness,
    PolicyApplicability,
    PolicyBasis,
    PolicyBracket,
    PolicyEarmark,
    PolicyTerm,
    PolicyTermSource,
    ReinvestmentPolicy,
    SocialDriverDomain,
    ThresholdKind,
)

__all__ = [
    "AllocationBasis",
    "AllocationRule",
    "CountyFinancial",
    "CreditSource",
    "DirectInvestment",
    "FinancialYearStatus",
    "FulfilmentAllocation",
    "LineOfBusiness",
    "MemberMonth",
    "Obligation",
    "ObligationAllocation",
    "ObligationCredit",
    "ObligationStatus",
    "PlanFiguresStamp",
    "PlanFinancialYear",
    "PolicyApplicability",
    "PolicyBasis",
    "PolicyBracket",
    "PolicyEarmark",
    "PolicyTerm",
    "PolicyTermSource",
    "ReinvestmentPolicy",
    "SocialDriverDomain",
    "ThresholdKind",
]
