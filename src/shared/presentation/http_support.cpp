#include "shared/presentation/http_support.hpp"

#include <random>

#include "shared/core/encoding.hpp"
#include "shared/presentation/problem.hpp"

namespace authd::http {
namespace {

namespace Mime = Pistache::Http::Mime;

const Mime::MediaType& jsonMime() {
  static const Mime::MediaType m = MIME(Application, Json);
  return m;
}

}  // namespace

const Mime::MediaType& problemMediaType() {
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

namespace {

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

std::optional<std::string> percentDecode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hexDigitValue(s[i + 1]), lo = hexDigitValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<void> checkSize(const Pistache::Rest::Request& req) {
  if (req.body().size() > kMaxBodyBytes) {
    return fail(ErrorCode::PayloadTooLarge, "The body must be at most 65536 bytes.");
  }
  return ok();
}

std::string dump(const nlohmann::json& j) {
  // Stored strings (user agents) may be invalid UTF-8: replace, never throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Result<nlohmann::json> parseJsonObject(const std::string& body) {
  // Parse without exceptions; nlohmann also rejects invalid UTF-8 here.
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorCode::InvalidJson, "The body must be a JSON object.");
  }
  return j;
}

std::optional<std::map<std::string, std::string>> parseForm(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    auto amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    const std::string pair = body.substr(pos, amp - pos);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      auto key = percentDecode(pair.substr(0, eq));
      auto value = percentDecode(eq == std::string::npos ? "" : pair.substr(eq + 1));
      if (!key || !value) return std::nullopt;
      out[*key] = *value;
    }
    pos = amp + 1;
  }
  return out;
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

RequestContext contextOf(const Pistache::Rest::Request& req, const HttpOptions& options) {
  RequestContext ctx;
  if (auto rid = req.headers().tryGetRaw("X-Request-Id");
      rid && isAcceptableRequestId(rid->value())) {
    ctx.request_id = rid->value();
  } else {
    ctx.request_id = newRequestId();
  }
  std::optional<std::string> forwarded;
  if (options.trust_proxy) {
    if (auto xff = req.headers().tryGetRaw("X-Forwarded-For")) forwarded = xff->value();
  }
  ctx.client_ip =
      clientAddress(req.address().host(), forwarded, options.trust_proxy, options.trusted_proxies);
  if (auto ua = req.headers().tryGetRaw("User-Agent"))
    ctx.user_agent = repairText(ua->value(), 512);
  return ctx;
}

Result<nlohmann::json> jsonObjectBody(const Pistache::Rest::Request& req) {
  auto ct = req.headers().tryGet<Pistache::Http::Header::ContentType>();
  if (!ct || ct->mime().top() != Mime::Type::Application ||
      ct->mime().sub() != Mime::Subtype::Json) {
    return fail(ErrorCode::UnsupportedMediaType, "Send the body as application/json.");
  }
  if (auto size = checkSize(req); !size) return tl::unexpected(size.error());
  return parseJsonObject(req.body());
}

Result<nlohmann::json> jsonOrFormBody(const Pistache::Rest::Request& req) {
  auto ct = req.headers().tryGet<Pistache::Http::Header::ContentType>();
  if (ct && ct->mime().top() == Mime::Type::Application &&
      ct->mime().sub() == Mime::Subtype::FormUrlEncoded) {
    if (auto size = checkSize(req); !size) return tl::unexpected(size.error());
    auto form = parseForm(req.body());
    if (!form) return fail(ErrorCode::InvalidJson, "The form body is malformed.");
    nlohmann::json j = nlohmann::json::object();
    for (auto& [k, v] : *form) j[k] = v;
    return j;
  }
  return jsonObjectBody(req);
}

Result<std::string> bearerToken(const Pistache::Rest::Request& req) {
  auto auth = req.headers().tryGet<Pistache::Http::Header::Authorization>();
  if (auth) {
    const std::string v = auth->value();
    if (v.size() > 7 && (v.compare(0, 7, "Bearer ") == 0 || v.compare(0, 7, "bearer ") == 0)) {
      auto token = v.substr(7);
      token.erase(0, token.find_first_not_of(' '));
      if (!token.empty()) return token;
    }
  }
  return fail(ErrorCode::Unauthorized, "Send a bearer access token.");
}

Result<QueryValues> queryParams(const Pistache::Rest::Request& req,
                                std::initializer_list<const char*> names) {
  QueryValues out;
  std::vector<FieldError> errors;
  for (const char* name : names) {
    auto raw = req.query().get(name);
    if (!raw) {
      out[name] = std::nullopt;
      continue;
    }
    auto value = percentDecode(*raw);
    if (!value || !isCleanText(*value)) {
      errors.push_back(
          {name, "invalid_format",
           std::string(name) + " must be percent-encoded UTF-8 text without control characters."});
      continue;
    }
    out[name] = std::move(*value);
  }
  if (!errors.empty()) return validationFailed(std::move(errors));
  return out;
}

Status checkPathParams(const Pistache::Rest::Request& req, const std::vector<std::string>& names) {
  std::vector<FieldError> errors;
  for (const auto& name : names) {
    const auto value = percentDecode(req.param(":" + name).as<std::string>());
    if (!value || !isCleanText(*value)) {
      errors.push_back({name, "invalid_format",
                        name + " must be percent-encoded UTF-8 text without control characters."});
    }
  }
  if (!errors.empty()) return validationFailed(std::move(errors));
  return ok();
}

nlohmann::json stringOrNull(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

void setHeader(Pistache::Http::ResponseWriter& response, std::string name, std::string value) {
  response.headers().add(std::make_shared<NamedHeader>(std::move(name), std::move(value)));
}

void sendJson(Pistache::Http::ResponseWriter& response, int status, const nlohmann::json& body) {
  response.send(static_cast<Pistache::Http::Code>(status), dump(body), jsonMime());
}

void sendNoStoreJson(Pistache::Http::ResponseWriter& response, int status,
                     const nlohmann::json& body) {
  setHeader(response, "Cache-Control", "no-store");
  setHeader(response, "Pragma", "no-cache");
  sendJson(response, status, body);
}

void sendNoContent(Pistache::Http::ResponseWriter& response) {
  response.send(Pistache::Http::Code::No_Content);
}

void sendProblem(Pistache::Http::ResponseWriter& response, const Error& error) {
  if (error.retry_after) {
    setHeader(response, "Retry-After", std::to_string(*error.retry_after));
  } else if (error.code == ErrorCode::Unavailable) {
    setHeader(response, "Retry-After", "5");
  } else if (error.code == ErrorCode::Conflict) {
    setHeader(response, "Retry-After", "1");  // a lost race: sent as 503 (problemJson)
  } else if (error.code == ErrorCode::RateLimited) {
    setHeader(response, "Retry-After", "60");
  }
  if (error.code == ErrorCode::Unauthorized) setHeader(response, "WWW-Authenticate", "Bearer");
  if (error.mfa_token) setHeader(response, "Cache-Control", "no-store");  // it is a credential
  response.send(static_cast<Pistache::Http::Code>(statusFor(error.code)), dump(problemJson(error)),
                problemMediaType());
}

}  // namespace authd::http
