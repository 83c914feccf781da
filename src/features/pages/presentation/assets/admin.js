// /admin/: the admin console, on authd's JSON API. The access token lives in this script's
// memory only: a reload signs out. Every answer other than success is shown, never hidden.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const $ = (id) => document.getElementById(id);
  const state = { access: null, refresh: null, mfaToken: null, cursor: null, userId: null };
  const consoleResult = $("console-result");

  async function call(method, path, body) {
    const answer = await authd.api(method, path, body, state.access);
    if (answer.status === 401 && state.access) signOut("Your session has ended. Sign in again.");
    return answer;
  }

  function report(answer, success) {
    if (answer.status >= 200 && answer.status < 300) {
      if (success) authd.say(consoleResult, success, "success");
      return true;
    }
    authd.say(consoleResult, authd.problemText(answer), "error");
    return false;
  }

  // Sign-in: the password, then a code when the account has MFA on.
  async function signIn(event) {
    event.preventDefault();
    const result = $("signin-result");
    result.hidden = true;
    let answer;
    if (state.mfaToken) {
      answer = await authd.api("POST", "/v1/auth/login/mfa",
                               { mfa_token: state.mfaToken, code: $("code").value.trim() });
    } else {
      const identifier = $("identifier").value.trim();
      const body = { password: $("password").value };
      body[identifier.includes("@") ? "email" : "username"] = identifier;
      answer = await authd.api("POST", "/v1/auth/login", body);
    }
    if (answer.status === 401 && answer.data && answer.data.code === "mfa_required") {
      state.mfaToken = answer.data.mfa_token;
      $("mfa").hidden = false;
      $("code").focus();
      authd.say(result, "Enter the code from your authenticator app.", "info");
      return;
    }
    if (answer.status !== 200) {
      if (answer.data && answer.data.code === "mfa_token_invalid") {
        state.mfaToken = null;
        $("mfa").hidden = true;
      }
      authd.say(result, authd.problemText(answer), "error");
      return;
    }
    state.mfaToken = null;
    $("password").value = "";
    $("code").value = "";
    $("mfa").hidden = true;
    const user = answer.data.user;
    if (!user.roles.includes("admin")) {
      await authd.api("POST", "/v1/auth/logout", { refresh_token: answer.data.refresh_token });
      authd.say(result, "This account is not an administrator: the console is for admins only.",
                "error");
      return;
    }
    state.access = answer.data.access_token;
    state.refresh = answer.data.refresh_token;
    $("whoami").textContent = user.email;
    $("signin").hidden = true;
    $("console").hidden = false;
    await listUsers(false);
    $("q").focus();
  }

  function signOut(message) {
    if (state.refresh) authd.api("POST", "/v1/auth/logout", { refresh_token: state.refresh });
    Object.assign(state, { access: null, refresh: null, cursor: null, userId: null });
    $("console").hidden = true;
    $("user").hidden = true;
    $("signin").hidden = false;
    if (message) authd.say($("signin-result"), message, "info");
  }

  const when = (text) => (text ? text.replace("T", " ").replace(/\.\d+Z$/, "Z") : "");

  async function listUsers(more) {
    const params = new URLSearchParams({ limit: "20" });
    const q = $("q").value.trim();
    if (q) params.set("q", q);
    if (more && state.cursor) params.set("cursor", state.cursor);
    const answer = await call("GET", "/v1/admin/users?" + params.toString());
    if (!report(answer)) return;
    const body = $("users").tBodies[0];
    if (!more) body.replaceChildren();
    for (const user of answer.data.users) {
      const open = authd.el("button", { type: "button", class: "secondary",
                                        onclick: () => showUser(user.id) }, user.email);
      body.append(authd.el("tr", {}, authd.el("td", {}, open), authd.el("td", {}, user.username),
                           authd.el("td", {}, user.roles.join(", ")),
                           authd.el("td", {}, when(user.created_at))));
    }
    state.cursor = answer.data.next_cursor;
    $("more").hidden = !state.cursor;
  }

  async function showUser(id) {
    state.userId = id;
    const base = "/v1/admin/users/" + encodeURIComponent(id);
    const [user, sessions, events] = await Promise.all([
      call("GET", base), call("GET", base + "/sessions"), call("GET", base + "/events?limit=20")]);
    if (!report(user) || !report(sessions) || !report(events)) return;
    const u = user.data;
    $("user-title").textContent = u.email;
    const rows = [["Id", u.id], ["Username", u.username], ["Display name", u.display_name || ""],
                  ["Email verified", u.email_verified ? "yes" : "no"],
                  ["MFA", u.mfa_enabled ? "on" : "off"], ["Created", when(u.created_at)],
                  ["Updated", when(u.updated_at)]];
    $("user-profile").replaceChildren(...rows.flatMap(([k, v]) => [authd.el("dt", {}, k),
                                                                    authd.el("dd", {}, v)]));
    $("user-roles").textContent = u.roles.join(", ");
    $("grant-admin").hidden = u.roles.includes("admin");
    $("revoke-admin").hidden = !u.roles.includes("admin");
    $("sessions").tBodies[0].replaceChildren(...sessions.data.sessions.map((s) => authd.el(
        "tr", {}, authd.el("td", {}, when(s.last_used_at)), authd.el("td", {}, s.ip || ""),
        authd.el("td", {}, s.user_agent || ""), authd.el("td", {}, when(s.expires_at)))));
    $("events").tBodies[0].replaceChildren(...events.data.events.map((e) => authd.el(
        "tr", {}, authd.el("td", {}, when(e.at)), authd.el("td", {}, e.type),
        authd.el("td", {}, e.ip || ""), authd.el("td", {}, e.user_agent || ""))));
    $("user").hidden = false;
    $("user-title").setAttribute("tabindex", "-1");
    $("user-title").focus();
  }

  // An action on the open user, then the user again (and the list, whose roles may change).
  function action(button, method, suffix, success, confirmText) {
    $(button).addEventListener("click", async () => {
      if (!state.userId) return;
      if (confirmText && !window.confirm(confirmText)) return;
      const answer = await call(method, "/v1/admin/users/" + encodeURIComponent(state.userId) + suffix);
      if (!report(answer, success)) return;
      if (method === "DELETE" && suffix === "") {
        $("user").hidden = true;
        state.userId = null;
      } else {
        await showUser(state.userId);
      }
      await listUsers(false);
    });
  }

  $("signin-form").addEventListener("submit", signIn);
  $("signout").addEventListener("click", () => signOut("Signed out."));
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    listUsers(false);
  });
  $("more").addEventListener("click", () => listUsers(true));
  action("grant-admin", "PUT", "/roles/admin", "Role admin granted.");
  action("revoke-admin", "DELETE", "/roles/admin", "Role admin revoked.");
  action("revoke-sessions", "DELETE", "/sessions", "Every session of the user was revoked.");
  action("lift-lockout", "DELETE", "/lockout", "The login lockout was lifted.");
  action("reset-mfa", "DELETE", "/mfa", "MFA was turned off for the user.",
         "Turn MFA off for this user? They will sign in with the password alone.");
  action("delete-user", "DELETE", "", "The account was deleted.",
         "Delete this account? It cannot sign in again; its email and username stay reserved.");
});
