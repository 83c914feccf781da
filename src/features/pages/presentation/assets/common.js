// authd's hosted pages: the helpers every page shares. No framework. Text reaches the page only
// through textContent (el, say), never innerHTML: escaping happens in this one place.
"use strict";

const authd = (() => {
  // The token of a mailed link: read once, then removed from the address bar and the history,
  // so it lives in memory only (the pages also send no Referer).
  function takeToken() {
    const token = new URLSearchParams(window.location.search).get("token") || "";
    if (window.location.search) window.history.replaceState(null, "", window.location.pathname);
    return token;
  }

  // One JSON call to authd's API: {status, data} (status 0 when the service is unreachable).
  async function api(method, path, body, accessToken) {
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (accessToken) headers["Authorization"] = "Bearer " + accessToken;
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch (e) {
      return { status: 0, data: null };
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    return { status: response.status, data };
  }

  // An element with attributes and children; strings become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "onclick") node.addEventListener("click", value);
      else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // Shows `text` in the message element `target` ("error", "success" or "info").
  function say(target, text, kind) {
    target.textContent = text;
    target.className = "message " + kind;
    target.hidden = false;
    target.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  // The problem document's words, for a person.
  function problemText(result) {
    if (result.status === 0) return "The service cannot be reached. Try again in a moment.";
    if (result.status === 429) return "Too many attempts. Wait a few minutes and try again.";
    if (result.data && typeof result.data.detail === "string") return result.data.detail;
    return "Something went wrong (" + result.status + "). Try again.";
  }

  // A 422's field errors beside their fields (elements with id "<field>-error"); false when
  // the answer named no field this page shows.
  function showFieldErrors(result) {
    document.querySelectorAll(".field-error").forEach((e) => (e.textContent = ""));
    let shown = false;
    const errors = (result.data && result.data.errors) || [];
    for (const error of errors) {
      const target = document.getElementById(error.field + "-error");
      if (!target) continue;
      target.textContent = error.message;
      shown = true;
    }
    return shown;
  }

  return { takeToken, api, el, say, problemText, showFieldErrors };
})();
