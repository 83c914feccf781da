#!/usr/bin/env python3
"""Fails when docs/openapi.yaml and the routes the code registers disagree.

Routes come from the RouteTable calls in src/ (routes.get("/path", ...)); the spec's paths and
methods from docs/openapi.yaml, read by indentation (stdlib only, so no YAML package needed).
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
code = set()
for f in (root / "src").rglob("*.cpp"):
    for method, path in re.findall(r'routes\.(get|post|put|patch|del)\(\s*"([^"]+)"', f.read_text()):
        method = "delete" if method == "del" else method
        code.add((method, re.sub(r":(\w+)", r"{\1}", path)))

spec = set()
in_paths = False
current = None
for line in (root / "docs" / "openapi.yaml").read_text().splitlines():
    if line.startswith("paths:"):
        in_paths = True
        continue
    if in_paths and line and not line.startswith(" "):
        break
    m = re.match(r"^  (/\S*):$", line)
    if in_paths and m:
        current = m.group(1)
        continue
    m = re.match(r"^    (get|post|put|patch|delete):$", line)
    if in_paths and current and m:
        spec.add((m.group(1), current))

missing = sorted(code - spec)
extra = sorted(spec - code)
for method, path in missing:
    print(f"served but not in docs/openapi.yaml: {method.upper()} {path}")
for method, path in extra:
    print(f"in docs/openapi.yaml but not served: {method.upper()} {path}")
if missing or extra or not code:
    sys.exit(1)
print(f"openapi_check: {len(code)} operations agree")
