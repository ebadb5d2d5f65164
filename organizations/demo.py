"""Demo organizations and one user per role (idempotent).

Codes are stable so later demo loaders and the README can rely on them.
The examples come from programs seen in the field (promotores networks,
barber-pharmacist blood pressure checks, mobile vaccination units...).
"""

from typing import Any

from django.db import transaction

from . import services
from .actors import DEMO
from .models import County, Organization, Role, User

DEMO_PASSWORD = "demo-pass-2026"

ORGANIZATIONS: list[dict[str, Any]] = [
    {"code": "demo-plan", "kind": "plan", "legal_name": "Golden Valley Health Plan",
     "ein": "94-1234567", "jurisdiction": "CA", "counties": ["Imperial", "Riverside", "San Diego"]},
    {"code": "demo-ach-1", "kind": "ach", "legal_name": "Imperial Valley Accountable Community for Health",
     "ein": "95-2345678", "jurisdiction": "CA", "counties": ["Imperial"]},
    {"code": "demo-ach-2", "kind": "ach", "legal_name": "Inland Coast Accountable Community for Health",
     "ein": "95-3456789", "jurisdiction": "CA", "counties": ["Riverside", "San Diego"]},
    {"code": "demo-cbo-promotores", "kind": "cbo",
     "legal_name": "Asociación de Promotores — Niños Sanos", "ein": "33-4567890",
     "jurisdiction": "CA", "counties": ["Imperial"]},
    {"code": "demo-cbo-barbers", "kind": "cbo", "legal_name": "Barbershop Blood Pressure Collaborative",
     "ein": "33-5678901", "jurisdiction": "CA", "counties": ["Riverside"]},
    {"code": "demo-cbo-wellchild", "kind": "cbo", "legal_name": "First 120 Days Black Infant Health Alliance",
     "ein": "33-6789012", "jurisdiction": "CA", "counties": ["San Diego", "Riverside"]},
    {"code": "demo-cbo-vaccines", "kind": "cbo", "legal_name": "Cộng Đồng Mobile Vaccination Units 社区",
     "ein": "33-7890123", "jurisdiction": "CA", "counties": ["San Diego"]},
    {"code": "demo-regulator", "kind": "regulator",
     "legal_name": "California Department of Health Care Services (demo)", "jurisdiction": "CA",
     "counties": []},
]

#: username -> (first, last, title, organization code, roles)
USERS: list[tuple[str, str, str, str, str, list[Role]]] = [
    ("finance", "Fiona", "Nguyen", "Director of Finance", "demo-plan", [Role.PLAN_FINANCE]),
    ("compliance", "Carlos", "Ramírez", "Chief Compliance Officer", "demo-plan", [Role.PLAN_COMPLIANCE]),
    ("fundadmin", "Alma", "Torres", "Wellness Fund Administrator", "demo-ach-1", [Role.FUND_ADMIN]),
    ("fundadmin2", "Grace", "Okafor", "Wellness Fund Administrator", "demo-ach-2", [Role.FUND_ADMIN]),
    ("chair", "Bea", "Holloway", "Board Chair", "demo-ach-1", [Role.BOARD_CHAIR, Role.BOARD_MEMBER]),
    ("board1", "Daniel", "Ortiz", "Board Member", "demo-ach-1", [Role.BOARD_MEMBER]),
    ("board2", "Erin", "Walker", "Board Member", "demo-ach-1", [Role.BOARD_MEMBER]),
    ("board3", "Luz", "Medina", "Board Member (Medi-Cal member representative)", "demo-ach-1",
     [Role.BOARD_MEMBER]),
    ("cbo", "María", "López", "Program Director", "demo-cbo-promotores", [Role.CBO_STAFF]),
    ("cbo2", "Marcus", "Reed", "Executive Director", "demo-cbo-barbers", [Role.CBO_STAFF]),
    ("regulator", "Rina", "Patel", "Analyst, Managed Care Quality", "demo-regulator", [Role.REGULATOR]),
]


def load(stdout: Any = None) -> dict[str, Any]:
    with transaction.atomic():
        orgs: dict[str, Organization] = {}
        for spec in ORGANIZATIONS:
            org = Organization.objects.filter(code=spec["code"]).first()
            if org is None:
                counties = list(County.objects.filter(state="CA", name__in=spec["counties"]))
                org = services.organization_create(
                    actor=DEMO,
                    code=spec["code"],
                    kind=spec["kind"],
                    legal_name=spec["legal_name"],
                    ein=spec.get("ein", ""),
                    jurisdiction=spec["jurisdiction"],
                    counties=counties,
                )
            orgs[org.code] = org
        users: dict[str, User] = {}
        for username, first, last, title, org_code, roles in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = services.user_create(
                    actor=DEMO,
                    username=username,
                    email=f"{username}@demo.example",
                    password=DEMO_PASSWORD,
                    first_name=first,
                    last_name=last,
                    title=title,
                )
            for role in roles:
                services.membership_grant(actor=DEMO, user=user, organization=orgs[org_code], role=role)
            users[username] = user
        if not User.objects.filter(username="admin").exists():
            services.user_create(
                actor=DEMO, username="admin", email="admin@demo.example", password=DEMO_PASSWORD,
                superuser=True, first_name="Site", last_name="Administrator",
            )
    return {"organizations": orgs, "users": users}


def logins() -> list[tuple[str, str, str]]:
    """(role, username, password) lines printed by ``load_demo``."""
    rows = [("site administrator", "admin", DEMO_PASSWORD)]
    for username, _f, _l, _t, org_code, roles in USERS:
        rows.append((", ".join(str(r.label) for r in roles) + f" ({org_code})", username, DEMO_PASSWORD))
    return rows
