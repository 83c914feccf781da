#!/usr/bin/python3
"""The hosted pages and the admin console in a real browser (issue 14).

Starts authd (the binary given as the first argument) on a database of its own on the server of
AUTH_TEST_DATABASE_URL, with an SMTP sink (aiosmtpd) for its mail, and drives Debian's headless
Chromium through chromedriver (python3-selenium). Every page is checked for its security headers,
and after every step the browser's console must hold no CSP violation and no JavaScript error
other than the API's expected 401/403 answers. Screenshots of each page go to the directory given
as the second argument (a build directory: they are artifacts, never committed).

  tests/browser/pages_test.py build/src/authd build/browser
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

from aiosmtpd.controller import Controller
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "correct horse battery"
AUTHD, SHOTS = sys.argv[1], sys.argv[2]
FAILURES = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL:", what, flush=True)
    return condition


class Sink:
    """Keeps every message aiosmtpd receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        text = envelope.content.decode("utf-8", "replace")
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt.lower(), text))
        return "250 OK"

    def wait_for(self, to, skip=0, seconds=15):
        deadline = time.time() + seconds
        while time.time() < deadline:
            found = [m for r, m in self.messages if r == to]
            if len(found) > skip:
                return found[skip]
            time.sleep(0.05)
        raise AssertionError("no mail to " + to)


def link_in(mail):
    # Quoted-printable soft line breaks ("=\n") may split the link in the HTML part.
    text = mail.replace("=\r\n", "").replace("=\n", "")
    m = re.search(r"(http://127\.0\.0\.1:\d+/[a-z-]+\?token=[A-Za-z0-9_-]+)", text)
    if not m:
        raise AssertionError("no link in the mail")
    return m.group(1)


class Api:
    def __init__(self, base):
        self.base = base

    @staticmethod
    def parsed(raw, headers):
        kind = headers.get("Content-Type", "")
        return json.loads(raw) if raw and "json" in kind else raw.decode("utf-8", "replace")

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                raw = r.read()
                return r.status, self.parsed(raw, r.headers), dict(r.headers)
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, self.parsed(raw, e.headers), dict(e.headers)

    def sign_up(self, name):
        status, body, _ = self.call("POST", "/v1/auth/register", {
            "email": name + "@example.com", "username": name, "password": PASSWORD})
        assert status == 201, (status, body)
        return body


def totp(secret, at):
    return subprocess.run(["oathtool", "--totp", "-b", "-N", "@%d" % at, secret],
                          capture_output=True, text=True, check=True).stdout.strip()


class Browser:
    def __init__(self):
        options = Options()
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-default-apps",
                     "--window-size=1280,900"):
            options.add_argument(flag)
        options.add_argument("--user-data-dir=" + tempfile.mkdtemp(prefix="authd-chromium-"))
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        binary = "/usr/bin/chromium"
        if os.path.exists(binary):
            options.binary_location = binary
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.wait = WebDriverWait(self.driver, 10)

    def console_is_clean(self, step, expected=("401", "403")):
        """No CSP violation, no script error: only the API answers a step expects (401/403, and
        the 422 of a password the rules refuse) may show as failed loads."""
        allowed = re.compile(r"/v1/\S* - Failed to load resource: the server responded with a "
                             r"status of (%s) " % "|".join(expected))
        for entry in self.driver.get_log("browser"):
            message = entry.get("message", "")
            if entry.get("level") != "SEVERE":
                continue
            if allowed.search(message):
                continue
            check(False, step + ": browser console: " + message)

    def fits(self):
        """True when the page needs no sideways scrolling."""
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth")

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(SHOTS, name + ".png"))

    def text(self, element_id):
        return self.driver.find_element(By.ID, element_id).text

    def wait_text(self, element_id, fragment):
        self.wait.until(ec.text_to_be_present_in_element((By.ID, element_id), fragment))

    def type(self, element_id, text):
        field = self.driver.find_element(By.ID, element_id)
        field.clear()
        field.send_keys(text)
        return field


def check_page_headers(api, path):
    status, _, headers = api.call("GET", path)
    headers = {k.lower(): v for k, v in headers.items()}
    csp = headers.get("content-security-policy", "")
    check(status == 200, path + " answers 200")
    check("script-src 'self'" in csp and "unsafe-inline" not in csp and
          "frame-ancestors 'none'" in csp, path + " has a strict CSP: " + csp)
    check(headers.get("referrer-policy") == "no-referrer", path + " sends no Referer")
    check(headers.get("content-type", "").startswith("text/html"), path + " is HTML")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    admin_url = os.environ["AUTH_TEST_DATABASE_URL"]
    dbname = "browser_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", admin_url, "-qc", "CREATE DATABASE " + dbname], check=True)
    db_url = admin_url.rsplit("/", 1)[0] + "/" + dbname
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTH_")}
    env.update({
        "AUTH_DATABASE_URL": db_url, "AUTH_LISTEN": "127.0.0.1:%d" % port,
        "AUTH_ISSUER": base, "AUTH_PUBLIC_URL": base, "AUTH_DEV_MODE": "1",
        "AUTH_MIGRATE_ON_START": "1", "AUTH_ARGON2_OPSLIMIT": "1", "AUTH_ARGON2_MEMLIMIT": "8192",
        "AUTH_SMTP_URL": "smtp://127.0.0.1:%d" % smtp.port, "AUTH_MAIL_POLL_MS": "50",
        "AUTH_RATE_LIMIT_PER_IP": "0", "AUTH_THREADS": "2", "AUTH_LOG_LEVEL": "warn"})
    log = open(os.path.join(SHOTS, "authd.log"), "w")
    server = subprocess.Popen([AUTHD, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    browser = None
    try:
        api = Api(base)
        for _ in range(200):
            try:
                if api.call("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        for path in ("/verify-email", "/confirm-email", "/reset-password", "/forgot-password",
                     "/admin/"):
            check_page_headers(api, path)
        browser = Browser()
        d = browser.driver
        verify_email(api, sink, browser, d)
        forgot_and_reset(api, sink, browser, d)
        change_email(api, sink, browser, d)
        admin_console(api, browser, d, db_url, env)
    finally:
        if browser:
            browser.driver.quit()
        server.terminate()
        server.wait(timeout=10)
        smtp.stop()
        subprocess.run(["psql", admin_url, "-qc", "DROP DATABASE IF EXISTS " + dbname + " WITH (FORCE)"])
    if FAILURES:
        print("%d browser check(s) failed" % len(FAILURES))
        return 1
    print("browser tests: every page and the console work in Chromium; screenshots in " + SHOTS)
    return 0


def verify_email(api, sink, browser, d):
    tokens = api.sign_up("page1")
    status, _, _ = api.call("POST", "/v1/auth/verify-email/request", token=tokens["access_token"])
    check(status == 202, "verification requested")
    link = link_in(sink.wait_for("page1@example.com"))
    d.get(link)
    browser.wait.until(ec.element_to_be_clickable((By.ID, "confirm")))
    check("token=" not in d.current_url, "the token leaves the address bar")
    browser.shot("verify-email")
    d.find_element(By.ID, "confirm").click()
    browser.wait_text("result", "confirmed")
    browser.shot("verify-email-done")
    me = api.call("GET", "/v1/users/me", token=tokens["access_token"])[1]
    check(me["email_verified"] is True, "the email is verified after the button")
    d.get(link)  # the used link
    browser.wait.until(ec.element_to_be_clickable((By.ID, "confirm"))).click()
    browser.wait_text("result", "expired or was already used")
    browser.shot("verify-email-used")
    browser.console_is_clean("verify-email")


def forgot_and_reset(api, sink, browser, d):
    api.sign_up("page2")
    # A phone-sized window first: the page fits, nothing scrolls sideways.
    d.set_window_size(390, 844)
    d.get(api.base + "/forgot-password")
    browser.wait.until(ec.element_to_be_clickable((By.ID, "send")))
    check(browser.fits(), "/forgot-password fits a phone-sized window")
    browser.shot("forgot-password-phone")
    d.set_window_size(1280, 900)
    browser.shot("forgot-password")
    browser.type("email", "page2@example.com").send_keys(Keys.ENTER)  # the keyboard alone
    browser.wait_text("result", "on its way")
    link = link_in(sink.wait_for("page2@example.com"))
    d.get(link)
    browser.wait.until(ec.element_to_be_clickable((By.ID, "save")))
    browser.type("new_password", "password")
    browser.type("repeat", "password")
    d.find_element(By.ID, "save").click()
    browser.wait.until(lambda _: browser.text("new_password-error") != "")
    check("common" in browser.text("new_password-error").lower() or
          "short" in browser.text("new_password-error").lower(),
          "the password rules' error is beside the field: " + browser.text("new_password-error"))
    browser.shot("reset-password-rules")
    browser.type("new_password", "a fresh passphrase here")
    browser.type("repeat", "a different one")
    d.find_element(By.ID, "save").click()
    browser.wait_text("repeat-error", "differ")
    browser.type("repeat", "a fresh passphrase here")
    d.find_element(By.ID, "save").click()
    browser.wait_text("result", "password is changed")
    browser.shot("reset-password-done")
    status, _, _ = api.call("POST", "/v1/auth/login",
                            {"username": "page2", "password": "a fresh passphrase here"})
    check(status == 200, "the new password logs in")
    browser.console_is_clean("reset-password", expected=("422",))


def change_email(api, sink, browser, d):
    tokens = api.sign_up("page3")
    status, _, _ = api.call("POST", "/v1/users/me/email",
                            {"new_email": "page3.new@example.com", "password": PASSWORD},
                            token=tokens["access_token"])
    check(status == 202, "email change requested")
    d.get(link_in(sink.wait_for("page3.new@example.com")))
    browser.wait.until(ec.element_to_be_clickable((By.ID, "confirm")))
    browser.shot("confirm-email")
    d.find_element(By.ID, "confirm").click()
    browser.wait_text("result", "now the address of your account")
    browser.shot("confirm-email-done")
    status, _, _ = api.call("POST", "/v1/auth/login",
                            {"email": "page3.new@example.com", "password": PASSWORD})
    check(status == 200, "the new address logs in")
    notice = sink.wait_for("page3@example.com")
    check("page3.new@example.com" in notice, "the old address is told of the change")
    browser.console_is_clean("confirm-email")


def admin_console(api, browser, d, db_url, env):
    # The admin signs in with MFA on, as an admin who follows the advice would.
    api.sign_up("pageboss")
    subprocess.run([AUTHD, "grant-role", "pageboss@example.com", "admin"],
                   env=dict(env, AUTH_DATABASE_URL=db_url), check=True, capture_output=True)
    boss = api.call("POST", "/v1/auth/login", {"username": "pageboss", "password": PASSWORD})[1]
    secret = api.call("POST", "/v1/users/me/mfa/totp", {"password": PASSWORD},
                      token=boss["access_token"])[1]["secret"]
    now = int(time.time())
    status, _, _ = api.call("POST", "/v1/users/me/mfa/totp/confirm",
                            {"code": totp(secret, now)}, token=boss["access_token"])
    check(status == 200, "the admin turned MFA on")
    victim = api.call("POST", "/v1/auth/login", {"username": "page2",
                                                 "password": "a fresh passphrase here"})[1]

    # A user without the role is refused, and sees no data.
    d.get(api.base + "/admin/")
    browser.wait.until(ec.element_to_be_clickable((By.ID, "signin-button")))
    browser.type("identifier", "page3")
    browser.type("password", PASSWORD)
    d.find_element(By.ID, "signin-button").click()
    browser.wait_text("signin-result", "not an administrator")
    check(not d.find_element(By.ID, "console").is_displayed(), "no console for a non-admin")
    browser.shot("admin-refused")

    d.get(api.base + "/admin/")
    browser.wait.until(ec.element_to_be_clickable((By.ID, "signin-button")))
    browser.shot("admin-signin")
    browser.type("identifier", "pageboss@example.com")
    browser.type("password", PASSWORD)
    d.find_element(By.ID, "signin-button").click()
    browser.wait.until(ec.visibility_of_element_located((By.ID, "code")))
    browser.type("code", totp(secret, int(time.time()) + 30))  # the next step: never replayed
    d.find_element(By.ID, "signin-button").click()
    browser.wait.until(ec.visibility_of_element_located((By.ID, "console")))
    browser.wait_text("whoami", "pageboss@example.com")

    browser.type("q", "PAGE2")
    d.find_element(By.ID, "search").click()
    browser.wait.until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#users tbody tr")) == 1)
    rows = d.find_elements(By.CSS_SELECTOR, "#users tbody tr")
    check("page2@example.com" in rows[0].text, "the prefix finds the user")
    rows[0].find_element(By.TAG_NAME, "button").click()
    browser.wait_text("user-title", "page2@example.com")
    check(len(d.find_elements(By.CSS_SELECTOR, "#sessions tbody tr")) >= 1, "sessions are listed")
    check(len(d.find_elements(By.CSS_SELECTOR, "#events tbody tr")) >= 1, "events are listed")
    browser.shot("admin-user")
    d.find_element(By.ID, "grant-admin").click()
    browser.wait_text("console-result", "Role admin granted")
    browser.wait_text("user-roles", "admin")
    d.find_element(By.ID, "revoke-sessions").click()
    browser.wait_text("console-result", "was revoked")
    status, _, _ = api.call("GET", "/v1/users/me", token=victim["access_token"])
    check(status == 401, "the user's sessions are revoked")
    roles = api.call("POST", "/v1/auth/login", {"username": "page2",
                                                "password": "a fresh passphrase here"})[1]
    check(roles["user"]["roles"] == ["admin", "user"], "the role was granted")
    browser.shot("admin-done")
    browser.console_is_clean("admin")

    # A phone-sized window: the console still reads.
    d.set_window_size(390, 844)
    check(browser.fits(), "the console fits a phone-sized window")
    browser.shot("admin-phone")
    d.find_element(By.ID, "signout").click()
    browser.wait.until(ec.visibility_of_element_located((By.ID, "signin")))
    browser.console_is_clean("admin sign-out")


if __name__ == "__main__":
    sys.exit(main())
