// /forgot-password: asks for the address; the answer is the same whether or not an account has it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("forgot");
  const result = document.getElementById("result");
  const send = document.getElementById("send");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    result.hidden = true;
    authd.showFieldErrors({});
    send.disabled = true;
    const answer = await authd.api("POST", "/v1/auth/password-reset/request", {
      email: document.getElementById("email").value,
    });
    send.disabled = false;
    if (answer.status === 202) {
      form.hidden = true;
      authd.say(result,
                "If an account uses this address, a link to choose a new password is on its way. It works for an hour.",
                "success");
    } else if (answer.status === 422 && authd.showFieldErrors(answer)) {
      document.getElementById("email").focus();
    } else {
      authd.say(result, authd.problemText(answer), "error");
    }
  });
});
