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
limited = set()  # routes behind the per-address token bucket: they must document 429
# routes.post("/path", [flags,] handler): flags are http::k... names joined with |.
route_call = re.compile(r'routes\.(get|post|put|patch|del)\(\s*"([^"]+)"\s*,\s*'
                        r'((?:http::)?k\w+(?:\s*\|\s*(?:http::)?k\w+)*\s*,)?')
for f in (root / "src").rglob("*.cpp"):
    for method, path, flags in route_call.findall(f.read_text()):
        op = ("delete" if method == "del" else method, re.sub(r":(\w+)", r"{\1}", path))
        code.add(op)
        if "kPerClientLimit" in flags:
            limited.add(op)

spec = set()
statuses = {}  # (method, path) -> documented response codes
in_paths = False
current = None
op = None
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
        op = (m.group(1), current)
        spec.add(op)
        continue
    m = re.match(r"^        '(\d{3})':$", line)
    if in_paths and current and m and op:
        statuses.setdefault(op, set()).add(m.group(1))

missing = sorted(code - spec)
extra = sorted(spec - code)
for method, path in missing:
    print(f"served but not in docs/openapi.yaml: {method.upper()} {path}")
for method, path in extra:
    print(f"in docs/openapi.yaml but not served: {method.upper()} {path}")
undocumented = sorted(o for o in limited if "429" not in statuses.get(o, set()))
for method, path in undocumented:
    print(f"rate-limited but no 429 in docs/openapi.yaml: {method.upper()} {path}")
if missing or extra or undocumented or not code:
    sys.exit(1)
print(f"openapi_check: {len(code)} operations agree")
