#include "shared/presentation/http_support.hpp"

#include <random>

#include <spdlog/spdlog.h>

#include "shared/core/errors.hpp"
#include "shared/presentation/problem.hpp"

namespace authd::http {
namespace {

namespace Mime = Pistache::Http::Mime;

const Mime::MediaType& jsonMime() {
  static const Mime::MediaType m = MIME(Application, Json);
  return m;
}

const Mime::MediaType& problemMime() {
  static const Mime::MediaType m = Mime::MediaType::fromString("application/problem+json");
  return m;
}

// Request ids need uniqueness, not secrecy: a per-thread PRNG is enough and cheap.
std::string newRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const std::uint64_t a = rng(), b = rng();
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0x0FFF),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string clientAddress(const Pistache::Rest::Request& req, const HttpOptions& options) {
  if (options.trust_proxy) {
    if (auto xff = req.headers().tryGetRaw("X-Forwarded-For")) {
      std::string v = xff->value();
      const auto comma = v.find(',');
      if (comma != std::string::npos) v.resize(comma);
      const auto b = v.find_first_not_of(' ');
      const auto e = v.find_last_not_of(' ');
      if (b != std::string::npos) return v.substr(b, e - b + 1);
    }
  }
  return req.address().host();
}

class NamedHeader final : public Pistache::Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value)
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

}  // namespace

void setHeader(Pistache::Http::ResponseWriter& response, std::string name, std::string value) {
  response.headers().add(std::make_shared<NamedHeader>(std::move(name), std::move(value)));
}

bool isAcceptableRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Pistache::Rest::Route::Handler guard(Handler handler, HttpOptions options) {
  return [handler = std::move(handler), options](const Pistache::Rest::Request& req,
                                                 Pistache::Http::ResponseWriter response) {
    RequestContext ctx;
    if (auto rid = req.headers().tryGetRaw("X-Request-Id"); rid && isAcceptableRequestId(rid->value())) {
      ctx.request_id = rid->value();
    } else {
      ctx.request_id = newRequestId();
    }
    setHeader(response, "X-Request-Id", ctx.request_id);
    try {
      ctx.client_ip = clientAddress(req, options);
      if (auto ua = req.headers().tryGet<Pistache::Http::Header::UserAgent>()) {
        ctx.user_agent = ua->agent().substr(0, 512);
      }
      handler(req, response, ctx);
    } catch (const UnavailableError& e) {
      spdlog::error("request_id={} unavailable: {}", ctx.request_id, e.what());
      setHeader(response, "Retry-After", "5");
      sendProblem(response, Error{ErrorCode::Unavailable, "The database is unreachable.", {}});
    } catch (const std::exception& e) {
      spdlog::error("request_id={} internal error: {}", ctx.request_id, e.what());
      sendProblem(response, Error{ErrorCode::Internal, "Unexpected error; see request id " +
                                                           ctx.request_id + ".", {}});
    } catch (...) {
      spdlog::error("request_id={} internal error: unknown exception", ctx.request_id);
      sendProblem(response, Error{ErrorCode::Internal, "Unexpected error.", {}});
    }
    return Pistache::Rest::Route::Result::Ok;
  };
}

Result<nlohmann::json> jsonObjectBody(const Pistache::Rest::Request& req) {
  auto ct = req.headers().tryGet<Pistache::Http::Header::ContentType>();
  if (!ct || ct->mime().top() != Mime::Type::Application || ct->mime().sub() != Mime::Subtype::Json) {
    return fail(ErrorCode::UnsupportedMediaType, "Send the body as application/json.");
  }
  const std::string& body = req.body();
  if (body.size() > kMaxBodyBytes) {
    return fail(ErrorCode::PayloadTooLarge, "The body must be at most 65536 bytes.");
  }
  // Parse without exceptions; nlohmann also rejects invalid UTF-8 here.
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorCode::InvalidJson, "The body must be a JSON object.");
  }
  return j;
}

void sendJson(Pistache::Http::ResponseWriter& response, int status, const nlohmann::json& body) {
  response.send(static_cast<Pistache::Http::Code>(status), body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), jsonMime());
}

void sendNoStoreJson(Pistache::Http::ResponseWriter& response, int status,
                     const nlohmann::json& body) {
  setHeader(response, "Cache-Control", "no-store");
  setHeader(response, "Pragma", "no-cache");
  sendJson(response, status, body);
}

void sendProblem(Pistache::Http::ResponseWriter& response, const Error& error) {
  const auto j = problemJson(error);
  response.send(static_cast<Pistache::Http::Code>(statusFor(error.code)), j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                problemMime());
}

}  // namespace authd::http
