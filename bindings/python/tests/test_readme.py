"""The Python examples in the READMEs run as written, against the installed
package, in a temporary working directory. A line that is a bare expression
followed by a comment that starts with a literal (`keymsg.width("น้ำ")  # 2`)
must evaluate to that literal."""

from __future__ import annotations

import ast
import io
import pathlib
import re
import tokenize
from typing import Any

import pytest

HERE = pathlib.Path(__file__).resolve().parent
READMES = {
    "bindings/python/README.md": HERE.parent / "README.md",
    "README.md": HERE.parents[2] / "README.md",
}


def python_blocks(path: pathlib.Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", path.read_text(encoding="utf-8"), re.M | re.S)


LITERAL = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?)""")


def claimed_value(line: str) -> tuple[bool, Any]:
    """The literal that the line's trailing comment starts with, if any."""
    tokens = tokenize.generate_tokens(io.StringIO(line).readline)
    comment = next((t.string for t in tokens if t.type == tokenize.COMMENT), None)
    if comment is None:
        return False, None
    found = LITERAL.match(comment.lstrip("#").strip())
    if found is None:
        return False, None
    return True, ast.literal_eval(found.group(1))


def run_block(source: str) -> int:
    """Run `source` statement by statement; check claimed values. Returns
    how many claims were checked."""
    lines = source.splitlines()
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    checked = 0
    for stmt in ast.parse(source).body:
        if isinstance(stmt, ast.Expr) and stmt.lineno == stmt.end_lineno:
            has_claim, claim = claimed_value(lines[stmt.lineno - 1])
            value = eval(compile(ast.Expression(stmt.value), "<README>", "eval"), namespace)
            if has_claim:
                assert value == claim, f"{lines[stmt.lineno - 1].strip()}: got {value!r}"
                checked += 1
        else:
            exec(compile(ast.Module([stmt], type_ignores=[]), "<README>", "exec"), namespace)
    return checked


@pytest.mark.parametrize("name", sorted(READMES))
def test_readme_python_examples_run(
    name: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = python_blocks(READMES[name])
    assert blocks, f"no ```python block found in {name}"
    monkeypatch.chdir(tmp_path)
    checked = 0
    for block in blocks:
        # Examples keep their files in temporary directories, not system ones.
        code = "\n".join(line.split("#", 1)[0] for line in block.splitlines())
        assert "/var/lib" not in code, f"{name}: an example writes to /var/lib"
        checked += run_block(block)
    if name == "bindings/python/README.md":
        # keymsg.width("น้ำ") == 2 and the truncation to "โทร…" were compared.
        assert checked == 2
