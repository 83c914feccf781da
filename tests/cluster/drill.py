#!/usr/bin/python3
"""The failover drill (scripts/cluster drill; docs/deployment.md).

Against a running cluster (HAProxy in front of three authd on Patroni's PostgreSQL):
1. The proxy rule: a forged X-Forwarded-For sent through HAProxy is not taken as the client.
2. A steady load of register, refresh, logout and login through HAProxy; then `kill -9` of the
   primary's postmaster; the load goes on until the writes have been flowing again for a while
   (bounded: at most 60 s after the kill). Every answer is recorded.
3. Checks: no answer is a 5xx other than 503; 503s (and dropped connections) only during the
   switch, which lasts at most 30 s; everything acknowledged before the kill is still true
   (rotated refresh tokens and logged-out sessions stay dead, live sessions stay alive, registered
   users can still log in); the old primary rejoins as a replica. The checks first wait for the
   cluster to settle, and send again only what cannot have changed anything (Checker).
Prints the figures and writes them as JSON to --report. Exit code 0 when every check passes.
Python's standard library only, so it runs wherever the cluster does.
"""
import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
import urllib.request

PASSWORD = "drill password for failover"
SWITCH_LIMIT_S = 30.0
SLOW_S = 3.0  # an answer slower than this counts as part of the switch
SETTLE_LIMIT_S = 60.0  # how long the checks wait for the cluster to settle after the switch


def edge_503_detail():
    """The detail of the 503 HAProxy writes itself when no instance is ready (deploy/errors):
    such a request reached no authd, so sending it again cannot change anything."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy",
                        "errors", "503.http")
    with open(path) as f:
        return json.loads(f.read().split("\n\n", 1)[1])["detail"]


def log(msg):
    print(f"drill: {msg}", file=sys.stderr, flush=True)


class Client:
    """One keep-alive connection to HAProxy; reconnects after any failure."""

    def __init__(self, base, source=None):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.source = (source, 0) if source else None
        self.conn = None

    def call(self, method, path, body=None, token=None, headers=None):
        h = {"Accept": "application/json"}
        if body is not None:
            h["Content-Type"] = "application/json"
        if token:
            h["Authorization"] = "Bearer " + token
        h.update(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=40,
                                                       source_address=self.source)
            self.conn.request(method, path, body=data, headers=h)
            r = self.conn.getresponse()
            raw = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            try:
                doc = json.loads(raw) if raw else None
            except ValueError:
                doc = None
            return r.status, doc
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return 0, None  # no answer: the connection failed


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.answers = []  # (sent, answered, route, status)

    def call(self, client, route, method, path, **kw):
        sent = time.monotonic()
        status, doc = client.call(method, path, **kw)
        with self.lock:
            self.answers.append((sent, time.monotonic(), route, status))
        return status, doc


class Family:
    """One session's refresh-token chain, as acknowledged to the client."""

    def __init__(self, user, tokens, at):
        self.user = user
        self.current = tokens["refresh_token"]
        self.access = tokens["access_token"]
        self.rotated = []  # (token, acknowledged at)
        self.logged_out_at = None
        self.uncertain = False  # a write on it got no clear answer: its latest state is unknown
        self.opened_at = at


class Load:
    def __init__(self, base, recorder, workers):
        self.base, self.rec, self.workers = base, recorder, workers
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.families = []
        self.users = []  # (username, acknowledged at)
        self.threads = [threading.Thread(target=self.run, args=(w,)) for w in range(workers)]

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join()

    def run(self, w):
        c = Client(self.base)
        n = 0
        while not self.stop.is_set():
            n += 1
            name = f"d{os.getpid()}w{w}n{n}"
            st, doc = self.rec.call(c, "register", "POST", "/v1/auth/register",
                                    body={"email": f"{name}@example.com", "username": name,
                                          "password": PASSWORD})
            if st != 201:
                self.pause(st)
                continue
            now = time.monotonic()
            with self.lock:
                self.users.append((name, now))
            fam = self.open(doc, now)
            if not self.rotate(c, fam) or not self.rotate(c, fam):
                continue
            st, _ = self.rec.call(c, "logout", "POST", "/v1/auth/logout",
                                  body={"refresh_token": fam.current})
            if st != 204:
                fam.uncertain = True
                self.pause(st)
                continue
            fam.logged_out_at = time.monotonic()
            st, doc = self.rec.call(c, "login", "POST", "/v1/auth/login",
                                    body={"username": name, "password": PASSWORD})
            if st != 200:
                self.pause(st)
                continue
            fam = self.open(doc, time.monotonic())
            self.rotate(c, fam)

    def open(self, doc, at):
        fam = Family(doc["user"]["username"], doc, at)
        with self.lock:
            self.families.append(fam)
        return fam

    def rotate(self, c, fam):
        st, doc = self.rec.call(c, "refresh", "POST", "/v1/auth/refresh",
                                body={"refresh_token": fam.current})
        if st != 200:
            fam.uncertain = True
            self.pause(st)
            return False
        fam.rotated.append((fam.current, time.monotonic()))
        fam.current, fam.access = doc["refresh_token"], doc["access_token"]
        return True

    def pause(self, status):
        # The service is switching over: back off a little, as a well-behaved client would.
        if status in (0, 503):
            time.sleep(0.2)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def primary_of(patroni):
    for name, api in patroni.items():
        if get(api + "/primary") == 200:
            return name
    return None


def check_proxy_rule(base):
    """A forged X-Forwarded-For through HAProxy must not become the session's address, and the
    address HAProxy saw must. The client speaks from 127.0.0.2, which is no trusted proxy (authd
    trusts only HAProxy's 127.0.0.1), so the check fails both when HAProxy passes the forgery on
    and when authd ignores the header it should take."""
    c = Client(base, source="127.0.0.2")
    name = f"proxy{os.getpid()}"
    forged = {"X-Forwarded-For": "203.0.113.7"}
    st, doc = c.call("POST", "/v1/auth/register", headers=forged,
                     body={"email": f"{name}@example.com", "username": name, "password": PASSWORD})
    if st != 201:
        return [f"proxy check: register answered {st}"]
    st, sessions = c.call("GET", "/v1/auth/sessions", token=doc["access_token"], headers=forged)
    if st != 200:
        return [f"proxy check: sessions answered {st}"]
    ips = {s["ip"] for s in sessions["sessions"]}
    if ips != {"127.0.0.2"}:
        return [f"proxy check: the session's address is {ips}, not the real client 127.0.0.2"]
    log("proxy rule holds: a forged X-Forwarded-For is replaced by HAProxy's own")
    return []


def settle(base, patroni, old):
    """Waits until the old primary is the synchronous standby again and HAProxy has answered
    /readyz 200 three times in a row, so that the checks below meet a cluster at rest: they
    test what was kept, while the load above measured the switch. Returns the seconds waited,
    or None when it did not settle within SETTLE_LIMIT_S (the checks then go on regardless)."""
    c = Client(base)
    start = time.monotonic()
    ready = 0
    while time.monotonic() - start < SETTLE_LIMIT_S:
        st, _ = c.call("GET", "/readyz")
        ready = ready + 1 if st == 200 else 0
        if ready >= 3 and get(patroni[old] + "/sync") == 200:
            return time.monotonic() - start
        time.sleep(0.5)
    return None


class Checker:
    """The checks' client. HAProxy's own 503 (no instance ready) reached no authd: it is sent
    again. A read or a login that got no answer or any 503 is sent again too, as sending it
    twice changes nothing the checks look at. A refresh that got no answer or authd's own 503
    is not: it may have rotated, so its answer stands. All the sending again shares one budget
    of SETTLE_LIMIT_S from the first time, so a cluster that stays down fails the checks in
    about a minute instead of holding them for hours."""

    def __init__(self, base, edge_detail):
        self.c = Client(base)
        self.edge_detail = edge_detail
        self.sent_again = 0
        self.deadline = None  # set by the first sending again
        self.spent = False

    def _call(self, idempotent, method, path, **kw):
        while True:
            st, doc = self.c.call(method, path, **kw)
            edge = st == 503 and (doc or {}).get("detail") == self.edge_detail
            if not (edge or (idempotent and st in (0, 503))):
                return st, (doc or {}).get("code")
            if self.deadline is None:
                self.deadline = time.monotonic() + SETTLE_LIMIT_S
            elif time.monotonic() >= self.deadline:
                if not self.spent:
                    self.spent = True
                    log("the checks' time for sending again is spent: answers stand as they come")
                return st, (doc or {}).get("code")
            self.sent_again += 1
            time.sleep(0.5)

    def refresh(self, token):
        return self._call(False, "POST", "/v1/auth/refresh", body={"refresh_token": token})

    def me(self, access):
        return self._call(True, "GET", "/v1/users/me", token=access)

    def login(self, name):
        return self._call(True, "POST", "/v1/auth/login",
                          body={"username": name, "password": PASSWORD})


def verify(base, edge_detail, load, t_kill):
    """Everything acknowledged before the kill must still hold.
    Returns (checks, lost, calls sent again)."""
    c = Checker(base, edge_detail)
    checks, lost = 0, []

    def lose(who, what, st, code):
        lost.append(f"{who}: {what} answered " + (f"{st} ({code})" if code else str(st)))

    for fam in load.families:
        if fam.opened_at >= t_kill:
            continue
        if fam.logged_out_at is not None and fam.logged_out_at < t_kill:
            checks += 2
            st, code = c.refresh(fam.current)
            if st != 401:
                lose(fam.user, "a logged-out session's refresh token", st, code)
            st, code = c.me(fam.access)
            if st != 401:
                lose(fam.user, "a logged-out session's access token", st, code)
        elif fam.logged_out_at is None and not fam.uncertain:
            # Its latest rotation was acknowledged (perhaps after the kill): the session is alive
            # and its current token is the one that works.
            checks += 2
            st, code = c.me(fam.access)
            if st != 200:
                lose(fam.user, "a live session's access token", st, code)
            st, code = c.refresh(fam.current)
            if st != 200:
                lose(fam.user, "a live session's latest refresh token", st, code)
        # Newest first: a session's rotations form one chain, so when the newest rotation before
        # the kill is still known as rotated (refresh_token_reused), every older one is too. That
        # first replay revokes the session, so later ones prove less; an older rotation lost
        # would have made the newer tokens unknown, and the newest replay would not say reused.
        before = [token for token, at in fam.rotated if at < t_kill]
        for i, token in enumerate(reversed(before)):
            checks += 1
            st, code = c.refresh(token)
            if st != 401:
                lose(fam.user, "a refresh token rotated before the kill", st, code)
            elif i == 0 and fam.logged_out_at is None and code != "refresh_token_reused":
                lost.append(f"{fam.user}: the last rotation before the kill is unknown ({code})")
    before = [u for u, at in load.users if at < t_kill]
    for name in before[-20:]:  # Argon2id per login: a sample of the latest, closest to the kill
        checks += 1
        st, code = c.login(name)
        if st != 200:
            lose(name, "registered before the kill, login", st, code)
    return checks, lost, c.sent_again


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--patroni", required=True, help="name=url,name=url")
    ap.add_argument("--data-dirs", required=True, help="name=dir,name=dir")
    ap.add_argument("--report", required=True)
    ap.add_argument("--workers", type=int, default=6)
    ap.add_argument("--steady", type=float, default=10.0, help="seconds of load before the kill")
    ap.add_argument("--after", type=float, default=10.0,
                    help="seconds of successful writes wanted after the switch")
    args = ap.parse_args()
    patroni = dict(kv.split("=", 1) for kv in args.patroni.split(","))
    data_dirs = dict(kv.split("=", 1) for kv in args.data_dirs.split(","))
    edge_detail = edge_503_detail()  # read first: a missing file stops the drill before the load
    failures = check_proxy_rule(args.base)

    old = primary_of(patroni)
    if old is None:
        sys.exit("drill: no primary before the drill")
    with open(os.path.join(data_dirs[old], "postmaster.pid")) as f:
        postmaster = int(f.readline())

    rec = Recorder()
    load = Load(args.base, rec, args.workers)
    t0 = time.monotonic()
    load.start()
    time.sleep(args.steady)
    log(f"kill -9 of {old}'s postmaster (pid {postmaster}) under load")
    t_kill = time.monotonic()
    os.kill(postmaster, signal.SIGKILL)

    # Go on until writes have succeeded for `after` seconds past the last failure, at most 60 s.
    deadline = t_kill + 60
    while time.monotonic() < deadline:
        time.sleep(0.5)
        with rec.lock:
            bad = [a for s, a, _, st in rec.answers
                   if s >= t_kill - 5 and (st in (0, 503) or a - s > SLOW_S)]
            last_bad = max(bad, default=t_kill)
            good_after = [a for s, a, r, st in rec.answers
                          if s > last_bad and r != "me" and 200 <= st < 300]
        if good_after and time.monotonic() - last_bad >= args.after:
            break
    load.join()
    t_end = time.monotonic()

    new = None
    rejoin = None
    while time.monotonic() < t_kill + 120:
        new = primary_of(patroni)
        if new not in (None, old) and get(patroni[old] + "/replica") == 200:
            rejoin = time.monotonic() - t_kill
            break
        time.sleep(0.5)
    if rejoin is None:
        failures.append(f"{old} did not rejoin as a replica within 120 s of the kill")
    else:
        log(f"{new} is the primary; {old} rejoined as a replica {rejoin:.1f} s after the kill")

    by_status = {}
    for _, _, _, st in rec.answers:
        by_status[str(st)] = by_status.get(str(st), 0) + 1
    # A request that waited long for its answer was disturbed as surely as one that got a 503.
    failed = [(s, a, r, st) for s, a, r, st in rec.answers
              if st in (0, 503) or (s >= t_kill - SLOW_S and a - s > SLOW_S)]
    bad_5xx = [(s, a, r, st) for s, a, r, st in rec.answers if st >= 500 and st != 503]
    other = [(r, st) for _, _, r, st in rec.answers if st not in (0, 503) and not 200 <= st < 300
             and st < 500]
    switch = max((a for _, a, _, _ in failed), default=t_kill) - t_kill
    # A 503 or a dropped connection belongs to the switch when it was answered after the kill
    # and the request was not already stuck before it (out longer than SLOW_S at the kill).
    cut = [(s, a) for s, a, _, st in failed if st in (0, 503)]
    first_failure = min((a for _, a in cut), default=None)
    stuck = [s for s, a in cut if s < t_kill - SLOW_S]
    if bad_5xx:
        failures.append(f"{len(bad_5xx)} answers were 5xx other than 503: "
                        f"{sorted({(r, st) for _, _, r, st in bad_5xx})}")
    if other:
        failures.append(f"{len(other)} unexpected answers: {sorted(set(other))[:10]}")
    if first_failure is not None and first_failure < t_kill:
        ahead = t_kill - first_failure
        failures.append(f"a 503 or dropped connection answered {ahead:.1f} s before the kill")
    if stuck:
        failures.append(f"{len(stuck)} requests that failed were sent over {SLOW_S:.0f} s before "
                        f"the kill (the first {t_kill - min(stuck):.1f} s before)")
    if switch > SWITCH_LIMIT_S:
        failures.append(f"the switch took {switch:.1f} s (limit {SWITCH_LIMIT_S:.0f} s)")

    settled = settle(args.base, patroni, old)
    if settled is None:
        log(f"the cluster did not settle within {SETTLE_LIMIT_S:.0f} s; checking regardless")
    checks, lost, sent_again = verify(args.base, edge_detail, load, t_kill)
    failures += lost[:20]

    report = {
        "workers": args.workers,
        "duration_s": round(t_end - t0, 1),
        "requests": len(rec.answers),
        "answers_by_status": dict(sorted(by_status.items())),
        "switch_s": round(switch, 1),
        "rejoin_s": None if rejoin is None else round(rejoin, 1),
        "settled_s": None if settled is None else round(settled, 1),
        "first_failure_s": None if first_failure is None else round(first_failure - t_kill, 1),
        "old_primary": old,
        "new_primary": new,
        "acknowledged_checked": checks,
        "checks_sent_again": sent_again,
        "requests_lost": len(lost),
        "passed": not failures,
        "failures": failures,
    }
    with open(args.report, "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))
    if failures:
        for f in failures:
            log("FAIL: " + f)
        sys.exit(1)
    log("passed")


if __name__ == "__main__":
    main()
