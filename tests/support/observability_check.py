#!/usr/bin/python3
"""Fails when the Grafana dashboard or the Prometheus alert rules in deploy/ ask for a metric
authd does not expose, or when the dashboard lacks a panel the operators need.

Exposed metric names are read from the code that renders /metrics (the counters in
shared/presentation/metrics.cpp, the gauges registered in app/commands.cpp); `up` is
Prometheus's own. Usage: observability_check.py REPO_ROOT
"""
import json
import pathlib
import re
import sys

import yaml

root = pathlib.Path(sys.argv[1])
exposed = set()
for f in ["src/shared/presentation/metrics.cpp", "src/app/commands.cpp"]:
    exposed |= set(re.findall(r'"(authd_[a-z0-9_]+)', (root / f).read_text()))
    exposed |= set(re.findall(r'# TYPE (authd_[a-z0-9_]+)', (root / f).read_text()))


def used(expr):
    names = set(re.findall(r'\b(authd_[a-z0-9_]+)', expr))
    return {re.sub(r'_(bucket|sum|count)$', '', n) if n.endswith(('_bucket', '_sum', '_count'))
            and n.startswith('authd_http_request_duration') else n for n in names}


problems = []
dash = json.loads((root / "deploy/grafana/authd-dashboard.json").read_text())
exprs = {}
for p in dash["panels"]:
    if not p.get("targets"):
        problems.append(f"panel {p['title']!r} has no query")
    for t in p.get("targets", []):
        exprs.setdefault(p["title"], []).append(t["expr"])
        for name in used(t["expr"]) - exposed:
            problems.append(f"dashboard panel {p['title']!r} uses {name}, which authd does not expose")
rules = yaml.safe_load((root / "deploy/prometheus/authd-alerts.yml").read_text())
alerts = [r for g in rules["groups"] for r in g["rules"]]
for r in alerts:
    for name in used(r["expr"]) - exposed:
        problems.append(f"alert {r['alert']} uses {name}, which authd does not expose")

# What the operators asked for (issue 18), each on some panel.
wanted = {
    "requests by route and status": "authd_http_requests_total",
    "latency percentiles": "authd_http_request_duration_seconds",
    "login failures": "authd_login_failures_total",
    "refresh reuse": "authd_refresh_token_reuse_total",
    "lockouts": "authd_login_lockout_refusals_total",
    "hash queue": "authd_hashing_requests_queued",
    "pool in use": "authd_db_pool_in_use",
    "mail outbox backlog": "authd_mail_outbox_backlog",
}
shown = set().union(*(used(e) for es in exprs.values() for e in es))
for what, metric in wanted.items():
    if metric not in shown:
        problems.append(f"the dashboard shows no {what} ({metric})")
alerted = set().union(*(used(r["expr"]) for r in alerts))
for metric in ["authd_http_requests_total", "authd_http_request_duration_seconds",
               "authd_refresh_token_reuse_total", "authd_mail_outbox_backlog", "authd_ready"]:
    if metric not in alerted:
        problems.append(f"no alert rule watches {metric}")

for p in problems:
    print("observability_check:", p)
if problems:
    sys.exit(1)
print(f"observability_check: {len(dash['panels'])} panels and {len(alerts)} alerts use only "
      f"metrics authd exposes")
