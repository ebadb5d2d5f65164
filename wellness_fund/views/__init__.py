"""Pages of the wellness fund: ``plan`` (plan finance: statements, payments) and ``fund``
(fund administrators and boards: balances, contributions, statement)."""
