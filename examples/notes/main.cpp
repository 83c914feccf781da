// notes: a few routes of a toy notes API, protected by authd's access tokens through
// authd_verifier. Configuration from the environment:
//   NOTES_LISTEN        127.0.0.1:8090
//   AUTHD_ISSUER        authd's issuer URL (its JWKS is found through discovery); required
//   NOTES_AUDIENCE      the aud tokens must carry (authd's AUTH_AUDIENCE; default "authd")
//   NOTES_LEEWAY        seconds of clock skew allowed on exp and nbf (default 30)
//   NOTES_REFETCH_ON_UNKNOWN_KID  0 turns the refetch on an unknown kid off (default 1)
//   NOTES_STRICT        1: also ask authd (introspection) on every request
//   NOTES_STRICT_TTL_MS how long an "active" answer is trusted in strict mode (default 1000)
#include <pistache/endpoint.h>
#include <pistache/router.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <authd_verifier/introspection.hpp>
#include <authd_verifier/jwks.hpp>
#include <authd_verifier/pistache.hpp>
#include <nlohmann/json.hpp>

namespace {

std::string env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// The notes themselves: in memory, per user (the token's sub).
class Notes {
 public:
  void add(const std::string& owner, std::string text) {
    std::lock_guard<std::mutex> lock(mutex_);
    by_owner_[owner].push_back(std::move(text));
  }
  std::vector<std::string> of(const std::string& owner) {
    std::lock_guard<std::mutex> lock(mutex_);
    return by_owner_[owner];
  }
  std::size_t count() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t n = 0;
    for (const auto& [owner, notes] : by_owner_) n += notes.size();
    return n;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> by_owner_;
};

void sendJson(Pistache::Http::ResponseWriter& res, Pistache::Http::Code code,
              const nlohmann::json& body) {
  res.send(code, body.dump(), MIME(Application, Json));
}

}  // namespace

int main() {
  const std::string issuer = env("AUTHD_ISSUER", "");
  if (issuer.empty()) {
    std::cerr << "notes: set AUTHD_ISSUER to authd's issuer URL\n";
    return 2;
  }
  const std::string listen = env("NOTES_LISTEN", "127.0.0.1:8090");

  // The key set: authd's JWKS, found through discovery, cached for its max-age.
  authd::verifier::JwksOptions jwks;
  jwks.issuer = issuer;
  jwks.refetch_on_unknown_kid = env("NOTES_REFETCH_ON_UNKNOWN_KID", "1") != "0";
  authd::verifier::JwksKeySet keys(jwks);
  keys.refresh();  // warm at start-up; a failure here is retried on the first request

  authd::verifier::Verifier verifier(
      keys, {issuer, env("NOTES_AUDIENCE", "authd"),
             std::chrono::seconds(std::stoll(env("NOTES_LEEWAY", "30")))});

  std::unique_ptr<authd::verifier::Introspection> strict;
  if (env("NOTES_STRICT", "0") == "1") {
    authd::verifier::IntrospectionOptions o;
    o.issuer = issuer;
    o.positive_ttl = std::chrono::milliseconds(std::stoll(env("NOTES_STRICT_TTL_MS", "1000")));
    strict = std::make_unique<authd::verifier::Introspection>(o);
  }
  const authd::verifier::Guard user_guard{{}, strict.get()};
  const authd::verifier::Guard admin_guard{{"admin"}, strict.get()};

  Notes notes;
  Pistache::Rest::Router router;
  using authd::verifier::Claims;
  using Pistache::Http::ResponseWriter;
  using Pistache::Rest::Request;

  router.get("/healthz", [](const Request&, ResponseWriter res) {
    sendJson(res, Pistache::Http::Code::Ok, {{"status", "ok"}});
    return Pistache::Rest::Route::Result::Ok;
  });
  // The caller's notes.
  router.get("/notes", authd::verifier::protect(
                           verifier,
                           [&notes](const Request&, ResponseWriter res, const Claims& who) {
                             sendJson(res, Pistache::Http::Code::Ok,
                                      {{"owner", who.sub}, {"notes", notes.of(who.sub)}});
                           },
                           user_guard));
  router.post("/notes", authd::verifier::protect(
                            verifier,
                            [&notes](const Request& req, ResponseWriter res, const Claims& who) {
                              notes.add(who.sub, req.body());
                              sendJson(res, Pistache::Http::Code::Created,
                                       {{"owner", who.sub}, {"notes", notes.of(who.sub)}});
                            },
                            user_guard));
  // For admins only: how many notes there are.
  router.get("/admin/stats", authd::verifier::protect(
                                 verifier,
                                 [&notes](const Request&, ResponseWriter res, const Claims&) {
                                   sendJson(res, Pistache::Http::Code::Ok,
                                            {{"notes", notes.count()}});
                                 },
                                 admin_guard));

  const auto colon = listen.rfind(':');
  Pistache::Http::Endpoint endpoint(Pistache::Address(
      listen.substr(0, colon), Pistache::Port(static_cast<std::uint16_t>(
                                   std::stoi(listen.substr(colon + 1))))));
  endpoint.init(Pistache::Http::Endpoint::options().threads(2).flags(
      Pistache::Tcp::Options::ReuseAddr));
  endpoint.setHandler(router.handler());
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  endpoint.serveThreaded();
  std::cout << "notes: serving on " << listen << ", trusting " << issuer << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  endpoint.shutdown();
  return 0;
}
