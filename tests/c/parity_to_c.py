#!/usr/bin/env python3
"""Turn the C column of tests/parity.toml into a C program.

The program takes the address of every listed function, uses every listed
constant and the offset of every listed struct field, so it compiles only if
include/keymsg.h declares them all and links only if libkeymsg exports every
function. It also checks that each capability either lists C names or says
why C lacks it (`gaps`, `why`).

Usage: parity_to_c.py PARITY_TOML OUT_C
"""

import sys
import tomllib


def main() -> int:
    src, out = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        caps = tomllib.load(f)["capability"]
    functions, fields, constants, problems = [], [], [], []
    for cap in caps:
        names, gap = cap.get("c", []), "c" in cap.get("gaps", [])
        if not names and not gap:
            problems.append(f"{cap['id']}: no C names and no `c` in gaps")
        if gap and not cap.get("why"):
            problems.append(f"{cap['id']}: a gap without `why`")
        for name in names:
            if "." in name:
                struct, field = name.split(".", 1)
                fields.append((struct, field))
            elif name.startswith("KEYMSG_"):
                constants.append(name)
            elif name.startswith("keymsg_"):
                functions.append(name)
            else:
                problems.append(f"{cap['id']}: `{name}` is not a C name")
    if problems:
        print("\n".join(f"tests/parity.toml: {p}" for p in problems), file=sys.stderr)
        return 1
    lines = [
        "/* Generated from tests/parity.toml by tests/c/parity_to_c.py: do not edit. */",
        "#include <stddef.h>",
        "#include <stdio.h>",
        '#include "keymsg.h"',
        "",
        "/* The generic function pointer type: any function converts to it. */",
        "typedef void (*any_fn)(void);",
        "static const any_fn functions[] = {",
        *[f"    (any_fn){n}," for n in functions],
        "};",
        "static const size_t fields[] = {",
        *[f"    offsetof({s}, {f})," for s, f in fields],
        "};",
        "static const unsigned long constants[] = {",
        *[f"    (unsigned long){n}," for n in constants],
        "};",
        "",
        "int main(void) {",
        "  size_t i, linked = 0;",
        "  for (i = 0; i < sizeof functions / sizeof functions[0]; i++) linked += functions[i] != NULL;",
        '  printf("parity: %zu functions, %zu fields, %zu constants reachable from C\\n", linked,',
        "         sizeof fields / sizeof fields[0], sizeof constants / sizeof constants[0]);",
        "  return linked == sizeof functions / sizeof functions[0] ? 0 : 1;",
        "}",
    ]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
