// The generated client against the real authd: register, log in, refresh, read the caller and
// log out, each through the types openapi-typescript made of docs/openapi.yaml. tsc checks the
// calls against the document first, so a change to it that breaks clients fails here.
import assert from "node:assert/strict";
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/authd.js";

type ErrorCode = components["schemas"]["ErrorCode"];
type TokenResponse = components["schemas"]["TokenResponse"];

const baseUrl = process.env.AUTHD_URL;
assert.ok(baseUrl, "AUTHD_URL names the server to test");
const client = createClient<paths>({ baseUrl });
const password = "a generated client's passphrase";

function tokens(data: TokenResponse | undefined, what: string): TokenResponse {
  assert.ok(data, `${what}: no token response`);
  assert.equal(data.token_type, "Bearer");
  return data;
}

async function main(): Promise<void> {
  const name = `ts${process.pid}`;
  const registered = await client.POST("/v1/auth/register", {
    body: { email: `${name}@example.com`, username: name, password },
  });
  assert.equal(registered.response.status, 201);
  assert.equal(tokens(registered.data, "register").user.username, name);

  const login = await client.POST("/v1/auth/login", { body: { username: name, password } });
  assert.equal(login.response.status, 200);
  const first = tokens(login.data, "login");

  const refreshed = await client.POST("/v1/auth/refresh", {
    body: { refresh_token: first.refresh_token },
  });
  assert.equal(refreshed.response.status, 200);
  const second = tokens(refreshed.data, "refresh");
  assert.notEqual(second.refresh_token, first.refresh_token);

  const me = await client.GET("/v1/users/me", {
    headers: { Authorization: `Bearer ${second.access_token}` },
  });
  assert.equal(me.response.status, 200);
  assert.equal(me.data?.email, `${name}@example.com`);
  assert.equal(me.data?.mfa_enabled, false);

  const out = await client.POST("/v1/auth/logout", {
    body: { refresh_token: second.refresh_token },
  });
  assert.equal(out.response.status, 204);

  // Errors come back typed as problem documents with a code of the contract.
  const again = await client.POST("/v1/auth/refresh", {
    body: { refresh_token: second.refresh_token },
  });
  assert.equal(again.response.status, 401);
  const code: ErrorCode | undefined = again.error?.code;
  assert.equal(code, "refresh_token_invalid");
  const gone = await client.GET("/v1/users/me", {
    headers: { Authorization: `Bearer ${second.access_token}` },
  });
  assert.equal(gone.response.status, 401);
  assert.equal(gone.error?.code, "unauthorized");
  console.log("client-ts: register, login, refresh, me and logout passed through the generated client");
}

await main();
