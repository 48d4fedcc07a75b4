"""The import scan behind the rules' `code=` inputs finds imports at every nesting depth."""

from __future__ import annotations

import textwrap

from agnlc.core.codedeps import imported_names

SOURCE = """
import a0
from b0 import c0
from . import relative_ignored
def f():
    import a1
    class K:
        def m(self):
            from b1 import c1
async def g():
    async with x:
        import a2
try:
    import a3
except ImportError:
    import a4
else:
    import a5
finally:
    import a6
if cond:
    import a7
elif other:
    import a8
else:
    import a9
for i in y:
    import a10
else:
    import a11
while z:
    with w:
        import a12
match v:
    case 1:
        import a13
x = [__import__("not_a_statement")]
"""


def test_imports_nested_in_any_statement_are_found(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text(textwrap.dedent(SOURCE))
    names = imported_names(path)
    assert {f"a{i}" for i in range(14)} <= names
    assert {"b0", "b0.c0", "b1", "b1.c1"} <= names
    assert not any("relative" in n or "not_a_statement" in n for n in names)
