#!/usr/bin/env python3
"""List keymsg-core's public API from rustdoc JSON, one line per item, sorted.

Usage: public-api.py RUSTDOC_JSON            print the list
       public-api.py RUSTDOC_JSON --count    print the number of counted items

Counted items are the names a user can import or call: modules, types, traits,
functions, constants, statics, macros, and each type's inherent public methods
and associated constants. Enum variants, public struct fields and trait impls
are listed (so a change to them shows in the snapshot diff) but not counted: they
belong to their type. `scripts/check-public-api.sh` diffs this list against the
committed snapshot `crates/keymsg-core/public-api.txt`.
"""
import json
import sys

COUNTED = {"module", "struct", "enum", "trait", "function", "constant", "static",
           "type_alias", "macro", "union", "method", "assoc_const"}


def main():
    doc = json.load(open(sys.argv[1]))
    index, paths = doc["index"], doc["paths"]
    out = set()
    seen = set()
    # Path -> a key naming the item itself, so that an item re-exported at
    # two paths (`keymsg_core::Catalog`, `keymsg_core::catalog::Catalog`) counts once.
    ids = {}

    def kind_of(item):
        return next(iter(item["inner"])) if isinstance(item["inner"], dict) else item["inner"]

    def type_name(ty):
        if not isinstance(ty, dict):
            return str(ty)
        if "resolved_path" in ty:
            return ty["resolved_path"]["path"]
        if "primitive" in ty:
            return ty["primitive"]
        if "borrowed_ref" in ty:
            return "&" + type_name(ty["borrowed_ref"]["type"])
        if "generic" in ty:
            return ty["generic"]
        return next(iter(ty))

    def members(item_id, path):
        item = index[item_id]
        inner = item["inner"]
        k = kind_of(item)
        body = inner[k]
        if k == "enum":
            for v in body["variants"]:
                out.add(("variant", f"{path}::{index[str(v)]['name']}" if str(v) in index else path))
        if k == "struct":
            kind = body["kind"]
            if isinstance(kind, dict) and "plain" in kind:
                for f in kind["plain"]["fields"]:
                    fi = index.get(str(f))
                    if fi and fi["visibility"] == "public":
                        out.add(("field", f"{path}::{fi['name']}"))
        if k == "trait":
            for m in body["items"]:
                mi = index.get(str(m))
                if mi:
                    out.add(("trait_item", f"{path}::{mi['name']}"))
        for impl_id in body.get("impls", []):
            impl = index.get(str(impl_id))
            if not impl:
                continue
            ib = impl["inner"]["impl"]
            if ib.get("is_synthetic") or ib.get("blanket_impl") is not None:
                continue
            if ib["trait"] is None:
                for m in ib["items"]:
                    mi = index.get(str(m))
                    if mi and mi["visibility"] == "public":
                        mk = kind_of(mi)
                        kind = {"function": "method", "constant": "assoc_const",
                                "assoc_const": "assoc_const"}.get(mk, mk)
                        out.add((kind, f"{path}::{mi['name']}"))
                        ids[f"{path}::{mi['name']}"] = str(m)
            else:
                out.add(("impl", f"impl {ib['trait']['path']} for {path}"))

    def walk(mod_id, prefix):
        if (mod_id, prefix) in seen:
            return
        seen.add((mod_id, prefix))
        for child in index[mod_id]["inner"]["module"]["items"]:
            child = str(child)
            item = index.get(child)
            if item is None or item["visibility"] != "public":
                continue
            k = kind_of(item)
            if k == "use":
                u = item["inner"]["use"]
                target = str(u["id"]) if u["id"] is not None else None
                if target is None or target not in index:
                    out.add(("reexport", f"{prefix}::{u['name']} = {u['source']}"))
                    continue
                if u["is_glob"]:
                    walk(target, prefix)
                    continue
                tk = kind_of(index[target])
                name = f"{prefix}::{u['name']}"
                if tk == "module":
                    out.add(("module", name))
                    walk(target, name)
                else:
                    out.add((tk, name))
                    ids[name] = target
                    members(target, name)
                continue
            name = f"{prefix}::{item['name']}"
            if k == "module":
                out.add(("module", name))
                walk(child, name)
            elif k in COUNTED:
                out.add((k, name))
                ids[name] = child
                members(child, name)
            elif k != "impl":
                out.add((k, name))

    root = str(doc["root"])
    walk(root, index[root]["name"])
    if "--count" in sys.argv:
        print(len({ids.get(name, name) for k, name in out if k in COUNTED}))
    else:
        for k, name in sorted(out, key=lambda x: (x[1], x[0])):
            print(f"{k} {name}")


if __name__ == "__main__":
    main()
