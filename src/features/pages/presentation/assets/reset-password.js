// /reset-password: the new password, typed twice; the password rules' errors beside the field.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const token = authd.takeToken();
  const form = document.getElementById("reset");
  const result = document.getElementById("result");
  const save = document.getElementById("save");
  if (!token) {
    form.hidden = true;
    authd.say(result, "This link is incomplete. Open it again from the mail.", "error");
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    result.hidden = true;
    authd.showFieldErrors({});
    const password = document.getElementById("new_password").value;
    if (password !== document.getElementById("repeat").value) {
      document.getElementById("repeat-error").textContent = "The two passwords differ.";
      return;
    }
    save.disabled = true;
    const answer = await authd.api("POST", "/v1/auth/password-reset/confirm", {
      token,
      new_password: password,
    });
    save.disabled = false;
    if (answer.status === 204) {
      form.hidden = true;
      authd.say(result,
                "Your password is changed and every session was signed out. Sign in with the new password.",
                "success");
    } else if (answer.status === 422 && authd.showFieldErrors(answer)) {
      document.getElementById("new_password").focus();
    } else if (answer.status === 401) {
      form.hidden = true;
      authd.say(result, "This link has expired or was already used. Ask for a new one.", "error");
    } else {
      authd.say(result, authd.problemText(answer), "error");
    }
  });
});
