#include "authd_verifier/pistache.hpp"

#include <nlohmann/json.hpp>

namespace authd::verifier {
namespace {

// A named header Pistache does not know (WWW-Authenticate among them).
class RawHeader final : public Pistache::Http::Header::Header {
 public:
  RawHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  std::uint64_t hash() const override {
    return Pistache::Http::Header::detail::hash(name_.c_str());
  }
  void write(std::ostream& os) const override { os << value_; }

 private:
  std::string name_;
  std::string value_;
};

// `error` null: no error code (RFC 6750, 3.1: a request without credentials gets none).
void problem(Pistache::Http::ResponseWriter& res, int status, const char* code, const char* detail,
             const char* error) {
  res.headers().add(std::make_shared<RawHeader>(
      "WWW-Authenticate",
      error == nullptr ? std::string("Bearer") : std::string("Bearer error=\"") + error + "\""));
  const nlohmann::json body = {{"type", std::string("https://authd.dev/problems/") + code},
                               {"title", status == 401 ? "Unauthorized" : "Forbidden"},
                               {"status", status},
                               {"detail", detail},
                               {"code", code}};
  res.send(static_cast<Pistache::Http::Code>(status), body.dump(),
           Pistache::Http::Mime::MediaType::fromString("application/problem+json"));
}

}  // namespace

std::string bearerToken(const Pistache::Rest::Request& request) {
  const auto header = request.headers().tryGetRaw("Authorization");
  if (!header) return "";
  const std::string& value = header->value();
  if (value.size() < 8) return "";
  std::string scheme = value.substr(0, 7);
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ") return "";
  return value.substr(7);
}

Pistache::Rest::Route::Handler protect(const Verifier& verifier, ProtectedHandler handler,
                                       Guard guard) {
  return [&verifier, handler = std::move(handler), guard = std::move(guard)](
             const Pistache::Rest::Request& req, Pistache::Http::ResponseWriter res) {
    const std::string token = bearerToken(req);
    if (token.empty()) {
      problem(res, 401, "unauthorized", "A Bearer access token is required.", nullptr);
      return Pistache::Rest::Route::Result::Ok;
    }
    const auto result = verifier.verify(token);
    if (!result || (guard.strict != nullptr && !guard.strict->active(token))) {
      problem(res, 401, "unauthorized",
              result ? "The session has ended." : describe(result.refusal), "invalid_token");
      return Pistache::Rest::Route::Result::Ok;
    }
    for (const auto& role : guard.roles) {
      if (!result.claims->hasRole(role)) {
        problem(res, 403, "forbidden", "The token lacks a required role.", "insufficient_scope");
        return Pistache::Rest::Route::Result::Ok;
      }
    }
    handler(req, std::move(res), *result.claims);
    return Pistache::Rest::Route::Result::Ok;
  };
}

}  // namespace authd::verifier
