"""The obligation calculation: a pure function (policy terms, financial inputs) -> obligation.

No database, no rounding except ``money.round_cents``. The steps:

1. **Basis** (per ``PolicyTerms.basis``):
   net income; pre-tax profit; MLR shortfall ``(mlr_minimum - MLR) x MLR denominator``;
   or gross premium at risk ``gross premium x measures missed / core measures``.
2. **Brackets**: for each bracket, ``rate x (part of the basis between lower and upper)``.
   A threshold is a share of revenue (``0.075 x revenue``) or money; thresholds are
   not rounded. One explanation line per bracket whose part is positive.
3. **Quality add-on**: when the plan missed the minimum quality performance levels,
   ``quality_addon_rate x basis`` (one line).
4. **Floor / cap** on a positive total: one adjustment line.
5. Each line's amount is rounded to cents (half up) and the **total is the sum of the
   lines**, so what is printed adds up. Zero (and no lines but a zero line) when the
   basis is not positive.

Separately, **MLR remittance** when ``mlr_remittance_required`` and the MLR is below
``mlr_minimum``: ``(minimum - MLR) x MLR denominator``, rounded to cents. When the MLR
figures are not entered the remittance is not computed and its line says "MLR not entered".

Bad inputs raise ``ValidationError`` naming the field: negative revenue, net income
above revenue, a currency other than the policy's, a missing input the basis needs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from money import CENT, format_usd, round_cents

ZERO = Decimal("0")
BASIS_LABELS = {
    "net_income": "net income",
    "pretax_income": "pre-tax profit",
    "mlr_shortfall": "MLR shortfall",
    "premium_at_risk": "gross premium at risk",
}


@dataclass(frozen=True)
class Threshold:
    kind: str  # "revenue_share" (a fraction of revenue) or "amount" (money)
    value: Decimal

    def amount(self, revenue: Decimal) -> Decimal:
        return self.value * revenue if self.kind == "revenue_share" else self.value

    def describe(self) -> str:
        return f"{percent(self.value)} of revenue" if self.kind == "revenue_share" else dollars(self.value)


@dataclass(frozen=True)
class Bracket:
    rate: Decimal
    lower: Threshold | None = None
    upper: Threshold | None = None


@dataclass(frozen=True)
class PolicyTerms:
    code: str
    version: int
    currency: str
    basis: str
    brackets: tuple[Bracket, ...]
    quality_addon_rate: Decimal = ZERO
    quality_measures: tuple[str, ...] = ()
    floor: Decimal | None = None
    cap: Decimal | None = None
    mlr_minimum: Decimal | None = None
    mlr_remittance_required: bool = False


@dataclass(frozen=True)
class FinancialInputs:
    """A plan's year. Money in ``currency``; ``mlr_ratio`` as a fraction (0.82 = 82%).

    The MLR is given either as ``mlr_ratio`` + ``mlr_denominator`` or as
    ``mlr_numerator`` + ``mlr_denominator`` (then shortfalls are computed exactly as
    ``minimum x denominator - numerator``, with no division).
    """

    revenue: Decimal
    net_income: Decimal
    currency: str = "USD"
    pretax_income: Decimal | None = None
    quality_missed: bool = False
    mlr_ratio: Decimal | None = None
    mlr_denominator: Decimal | None = None
    mlr_numerator: Decimal | None = None
    gross_premium: Decimal | None = None
    measures_missed: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Line:
    text: str
    amount: Decimal

    def as_json(self) -> dict[str, str]:
        return {"text": self.text, "amount": str(self.amount)}


@dataclass(frozen=True)
class ObligationResult:
    policy: str
    version: int
    currency: str
    basis: Decimal
    lines: tuple[Line, ...]
    mlr_remittance: Decimal = ZERO
    mlr_lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO).quantize(CENT)

    def as_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "version": self.version,
            "currency": self.currency,
            "total": str(self.total),
            "lines": [line.as_json() for line in self.lines],
            "mlr_remittance": str(self.mlr_remittance),
            "mlr_lines": [line.as_json() for line in self.mlr_lines],
        }


def percent(rate: Decimal) -> str:
    """0.075 -> '7.5%' (exact, no rounding)."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


def dollars(amount: Decimal) -> str:
    """$1,234.50 by ``money.format_usd``; amounts finer than a cent are shown exactly
    (never rounded for display)."""
    return format_usd(amount, exact=True)


INPUT_LABELS = {
    "pretax_income": "Pre-tax income",
    "mlr_ratio": "The medical loss ratio",
    "mlr_denominator": "The MLR denominator",
    "gross_premium": "Gross premium",
    "measures_missed": "The number of core quality measures missed",
}


def _require(value: Any, name: str, why: str) -> Any:
    if value is None:
        raise ValidationError({name: f"{INPUT_LABELS.get(name, name)} is required {why}."})
    return value


def validate_inputs(terms: PolicyTerms, inputs: FinancialInputs) -> None:
    """Raise ValidationError for inputs no policy can use (nothing is computed)."""
    if inputs.currency != terms.currency:
        raise ValidationError(
            {"currency": f"{terms.code} is computed in {terms.currency}; the figures are in {inputs.currency}."}
        )
    for name in ("revenue", "net_income", "pretax_income", "mlr_ratio", "mlr_denominator", "mlr_numerator",
                 "gross_premium"):
        value = getattr(inputs, name)
        if value is not None and (not isinstance(value, Decimal) or not value.is_finite()):
            raise ValidationError({name: f"{name.replace('_', ' ').capitalize()} must be an exact decimal."})
    if inputs.revenue < 0:
        raise ValidationError({"revenue": "Total revenue must not be negative."})
    if inputs.net_income > inputs.revenue:
        raise ValidationError({"net_income": "Net income cannot be greater than total revenue."})
    if inputs.pretax_income is not None and inputs.pretax_income > inputs.revenue:
        raise ValidationError({"pretax_income": "Pre-tax income cannot be greater than total revenue."})
    if inputs.mlr_ratio is not None and not (ZERO <= inputs.mlr_ratio <= Decimal("2")):
        raise ValidationError({"mlr_ratio": "The medical loss ratio is a fraction, e.g. 0.82 for 82%."})
    if inputs.mlr_denominator is not None and inputs.mlr_denominator <= 0:
        raise ValidationError({"mlr_denominator": "The MLR denominator must be greater than zero."})
    if inputs.mlr_numerator is not None and inputs.mlr_numerator < 0:
        raise ValidationError({"mlr_numerator": "The MLR numerator must not be negative."})
    if inputs.mlr_numerator is not None and inputs.mlr_ratio is not None:
        raise ValidationError({"mlr_ratio": "Give the MLR as a ratio or as a numerator, not both."})
    has_mlr = inputs.mlr_ratio is not None or inputs.mlr_numerator is not None
    if has_mlr != (inputs.mlr_denominator is not None):
        raise ValidationError({"mlr_ratio": "Give both the medical loss ratio and its denominator, or neither."})
    if inputs.gross_premium is not None and inputs.gross_premium < 0:
        raise ValidationError({"gross_premium": "Gross premium must not be negative."})
    if inputs.measures_missed is not None:
        if inputs.measures_missed < 0:
            raise ValidationError({"measures_missed": "Measures missed must not be negative."})
        if terms.quality_measures and inputs.measures_missed > len(terms.quality_measures):
            raise ValidationError(
                {"measures_missed": f"{terms.code} has {len(terms.quality_measures)} core measures; "
                                    f"{inputs.measures_missed} cannot be missed."}
            )


def _basis(terms: PolicyTerms, inputs: FinancialInputs) -> tuple[Decimal, str]:
    """The basis amount (exact) and how it was obtained."""
    if terms.basis == "net_income":
        return inputs.net_income, "net income"
    if terms.basis == "pretax_income":
        pretax = _require(inputs.pretax_income, "pretax_income", f"for {terms.code} (rate on pre-tax profit)")
        return pretax, "pre-tax profit"
    if terms.basis == "mlr_shortfall":
        _require(inputs.mlr_denominator, "mlr_denominator", f"for {terms.code} (MLR shortfall)")
        shortfall, how = _mlr_shortfall(terms.mlr_minimum or ZERO, inputs)
        return shortfall, f"MLR shortfall {how} = {dollars(shortfall)}"
    if terms.basis == "premium_at_risk":
        premium = _require(inputs.gross_premium, "gross_premium", f"for {terms.code} (premium at risk)")
        missed = _require(inputs.measures_missed, "measures_missed", f"for {terms.code} (premium at risk)")
        count = len(terms.quality_measures)
        if count == 0:
            raise ValidationError({"policy": f"{terms.code} v{terms.version} lists no core quality measures."})
        at_risk = premium * Decimal(missed) / Decimal(count)
        return at_risk, f"{dollars(premium)} gross premium x {missed}/{count} core measures missed"
    raise ValidationError({"basis": f"Unknown basis {terms.basis!r}."})


def _bracket_label(basis_label: str, bracket: Bracket) -> str:
    if bracket.lower is None and bracket.upper is None:
        return basis_label
    if bracket.lower is None:
        return f"{basis_label} up to {bracket.upper.describe()}"  # type: ignore[union-attr]
    if bracket.upper is None:
        return f"{basis_label} above {bracket.lower.describe()}"
    return f"{basis_label} between {bracket.lower.describe()} and {bracket.upper.describe()}"


def compute_obligation(terms: PolicyTerms, inputs: FinancialInputs) -> ObligationResult:
    """The obligation and its explanation lines (see the module docstring)."""
    validate_inputs(terms, inputs)
    basis, basis_note = _basis(terms, inputs)
    label = BASIS_LABELS[terms.basis]
    lines: list[Line] = []
    if basis > 0:
        for bracket in terms.brackets:
            lower = bracket.lower.amount(inputs.revenue) if bracket.lower else ZERO
            upper = bracket.upper.amount(inputs.revenue) if bracket.upper else None
            top = basis if upper is None else min(basis, upper)
            part = top - lower
            if part <= 0 or bracket.rate == 0:
                continue
            amount = round_cents(bracket.rate * part)
            if terms.basis == "premium_at_risk" and bracket.lower is None and bracket.upper is None:
                # Shown as rate x premium x share missed, so no repeating decimal is printed.
                text = f"{percent(bracket.rate)} x {basis_note} = {dollars(amount)}"
            else:
                text = f"{percent(bracket.rate)} x {dollars(part)} ({_bracket_label(label, bracket)}) = {dollars(amount)}"
                if terms.basis in ("mlr_shortfall", "premium_at_risk"):
                    text += f" [{basis_note}]"
            lines.append(Line(text, amount))
        if inputs.quality_missed and terms.quality_addon_rate > 0:
            amount = round_cents(terms.quality_addon_rate * basis)
            lines.append(Line(
                f"{percent(terms.quality_addon_rate)} x {dollars(basis)} ({label}; minimum quality "
                f"performance levels missed) = {dollars(amount)}",
                amount,
            ))
        subtotal = sum((line.amount for line in lines), ZERO)
        if terms.floor is not None and subtotal < terms.floor:
            lines.append(Line(
                f"Floor: raised from {dollars(subtotal)} to the policy floor {dollars(terms.floor)} = "
                f"{dollars(terms.floor - subtotal)}",
                terms.floor - subtotal,
            ))
        elif terms.cap is not None and subtotal > terms.cap:
            lines.append(Line(
                f"Cap: reduced from {dollars(subtotal)} to the policy cap {dollars(terms.cap)} = "
                f"{dollars(terms.cap - subtotal)}",
                terms.cap - subtotal,
            ))
    if not lines:
        lines.append(Line(f"{label.capitalize()} {dollars(basis)} is not positive: no obligation = $0.00"
                          if basis <= 0 else f"No rate applies to {label} {dollars(basis)} = $0.00", ZERO.quantize(CENT)))
    remittance, mlr_lines = _mlr_remittance(terms, inputs)
    return ObligationResult(
        policy=terms.code, version=terms.version, currency=terms.currency, basis=basis,
        lines=tuple(lines), mlr_remittance=remittance, mlr_lines=tuple(mlr_lines),
    )


def _mlr_shortfall(minimum: Decimal, inputs: FinancialInputs) -> tuple[Decimal, str]:
    """(minimum - MLR) x denominator, exactly, and how it was computed."""
    denominator = inputs.mlr_denominator
    assert denominator is not None  # validated together with the ratio / numerator
    if inputs.mlr_numerator is not None:
        return (minimum * denominator - inputs.mlr_numerator,
                f"{percent(minimum)} x {dollars(denominator)} (MLR denominator) - "
                f"{dollars(inputs.mlr_numerator)} (MLR numerator)")
    assert inputs.mlr_ratio is not None
    return ((minimum - inputs.mlr_ratio) * denominator,
            f"({percent(minimum)} - {percent(inputs.mlr_ratio)}) x {dollars(denominator)} (MLR denominator)")


def _mlr_remittance(terms: PolicyTerms, inputs: FinancialInputs) -> tuple[Decimal, list[Line]]:
    zero = ZERO.quantize(CENT)
    if not terms.mlr_remittance_required or terms.mlr_minimum is None:
        return zero, []
    if inputs.mlr_denominator is None:
        return zero, [Line(f"MLR not entered: the remittance below the {percent(terms.mlr_minimum)} minimum "
                           "is not computed until the MLR numerator and denominator are entered", zero)]
    shortfall, how = _mlr_shortfall(terms.mlr_minimum, inputs)
    if shortfall <= 0:
        return zero, [Line(f"MLR meets the {percent(terms.mlr_minimum)} minimum: no remittance = $0.00", zero)]
    amount = round_cents(shortfall)
    return amount, [Line(f"MLR remittance: {how} = {dollars(amount)}", amount)]
