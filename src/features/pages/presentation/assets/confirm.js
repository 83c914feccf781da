// /verify-email and /confirm-email: a link from a mail, confirmed by a button press (a POST),
// never on opening the page: mail scanners fetch links without meaning to confirm anything.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const token = authd.takeToken();
  const button = document.getElementById("confirm");
  const result = document.getElementById("result");
  if (!token) {
    button.disabled = true;
    authd.say(result, "This link is incomplete. Open it again from the mail.", "error");
    return;
  }
  button.addEventListener("click", async () => {
    button.disabled = true;
    const answer = await authd.api("POST", document.body.dataset.action, { token });
    if (answer.status === 200) {
      button.hidden = true;
      authd.say(result, document.body.dataset.success, "success");
    } else if (answer.status === 401) {
      button.hidden = true;
      authd.say(result, "This link has expired or was already used. Ask for a new one.", "error");
    } else if (answer.status === 409) {
      button.hidden = true;
      authd.say(result, "This email address now belongs to another account.", "error");
    } else {
      button.disabled = false;
      authd.say(result, authd.problemText(answer), "error");
    }
  });
});
