"""The community app sits between wellness_fund and grants: grants and reporting may import it,
so it imports neither them nor the API."""

import ast
from pathlib import Path

import community

FORBIDDEN = {"grants", "reporting", "api", "notifications", "operations"}


def test_the_community_app_imports_no_layer_above_it():
    offenders = []
    for path in Path(community.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
    assert offenders == []
