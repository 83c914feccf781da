#!/usr/bin/env python3
"""Seeds the load test: N users, each logged in S times. Writes, one per line, into DIR:
users.txt (usernames), refresh.txt (one refresh token per session) and access.txt."""
import concurrent.futures
import json
import sys
import urllib.request

base, directory, users, sessions = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
PASSWORD = "bench password 0123"


def post(path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Connection": "close"})
    with urllib.request.urlopen(req, timeout=60) as r:
        body = r.read()
        return json.loads(body) if body else None


def seed(i):
    name = f"bench{i:04d}"
    try:
        grant = post("/v1/auth/register", {"email": f"{name}@example.com", "username": name, "password": PASSWORD})
        # Registration opens a session too: end it, so every user has exactly `sessions`.
        post("/v1/auth/logout", {"refresh_token": grant["refresh_token"]})
    except urllib.error.HTTPError as e:
        if e.code != 409:
            raise
    out = []
    for _ in range(sessions):
        out.append(post("/v1/auth/login", {"username": name, "password": PASSWORD}))
    return name, out


with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    results = list(pool.map(seed, range(users)))
with open(f"{directory}/users.txt", "w") as u, open(f"{directory}/refresh.txt", "w") as r, \
        open(f"{directory}/access.txt", "w") as a:
    for name, grants in results:
        u.write(name + "\n")
        for g in grants:
            r.write(g["refresh_token"] + "\n")
            a.write(g["access_token"] + "\n")
