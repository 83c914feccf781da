#include "features/users/infrastructure/persistence/sessions_json.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "shared/core/encoding.hpp"

namespace authd::users::infrastructure {
namespace {

// ---- writing ----

void putString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c == 0) {
      out += "\xEF\xBF\xBD";  // JSONB refuses \u0000
      ++i;
    } else if (c < 0x20) {
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
    } else {
      std::uint32_t cp;
      const std::size_t n = utf8SequenceAt(s, i, &cp);
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // one replacement per invalid byte
        ++i;
      } else {
        out.append(s, i, n);
        i += n;
      }
    }
  }
  out.push_back('"');
}

// ,"key": -- every field after the first.
void putKey(std::string& out, const char* key) {
  out += ",\"";
  out += key;
  out += "\":";
}

void putTime(std::string& out, const char* key, Timestamp t) {
  putKey(out, key);
  out.push_back('"');
  out += formatRfc3339(t);
  out.push_back('"');
}

// ---- reading ----

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error(std::string("stored sessions are malformed: ") + what + " at byte " +
                             std::to_string(i_));
  }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
      ++i_;
  }
  bool peek(char c) {
    space();
    return i_ < s_.size() && s_[i_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail("unexpected character");
    ++i_;
  }
  bool consume(char c) {
    if (!peek(c)) return false;
    ++i_;
    return true;
  }
  bool atEnd() {
    space();
    return i_ == s_.size();
  }
  bool literal(std::string_view word) {
    space();
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  // An object key: a view into the text when it holds no escape (every key this codec or
  // PostgreSQL writes), so reading a session allocates nothing for its keys.
  std::string_view key(std::string& scratch) {
    space();
    if (i_ < s_.size() && s_[i_] == '"') {
      const std::size_t end = s_.find_first_of("\\\"", i_ + 1);
      if (end != std::string_view::npos && s_[end] == '"') {
        const auto view = s_.substr(i_ + 1, end - i_ - 1);
        for (char c : view) {
          if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
        }
        i_ = end + 1;
        return view;
      }
    }
    scratch = string();
    return scratch;
  }

  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated escape");
      const char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u':
          unicodeEscape(out);
          break;
        default:
          fail("unknown escape");
      }
    }
  }

  std::uint64_t unsignedInteger() {
    space();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s_.data() + i_, s_.data() + s_.size(), v);
    if (ec != std::errc() || end == s_.data() + i_) fail("expected an unsigned integer");
    i_ = static_cast<std::size_t>(end - s_.data());
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) {
      fail("expected an integer");
    }
    return v;
  }

  // Any JSON value, skipped (keys a later version may add). Depth-bounded.
  void skipValue(int depth = 0) {
    if (depth > 16) fail("nested too deeply");
    space();
    if (i_ >= s_.size()) fail("missing value");
    const char c = s_[i_];
    if (c == '"') {
      (void)string();
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      if (consume(close)) return;
      do {
        if (c == '{') {
          (void)string();
          expect(':');
        }
        skipValue(depth + 1);
      } while (consume(','));
      expect(close);
    } else if (!literal("true") && !literal("false") && !literal("null")) {
      // A number: sign, digits, fraction, exponent.
      const std::size_t start = i_;
      while (i_ < s_.size() &&
             (std::isdigit(static_cast<unsigned char>(s_[i_])) != 0 || s_[i_] == '-' ||
              s_[i_] == '+' || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
        ++i_;
      if (i_ == start) fail("unexpected value");
    }
  }

 private:
  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<unsigned>(h - 'A' + 10);
      else
        fail("bad \\u escape");
    }
    return v;
  }
  void unicodeEscape(std::string& out) {
    unsigned cp = hex4();
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') fail("lone surrogate");
      i_ += 2;
      const unsigned low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) fail("bad surrogate pair");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      fail("lone surrogate");
    }
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

Timestamp timeValue(Reader& r) {
  const auto t = parseRfc3339(r.string());
  if (!t) r.fail("malformed time");
  return *t;
}

domain::Session readSession(Reader& r) {
  domain::Session::State s;
  bool id = false, gen = false, digest = false, created = false, used = false, expires = false;
  std::string scratch;
  r.expect('{');
  if (!r.consume('}')) {
    do {
      const std::string_view key = r.key(scratch);
      r.expect(':');
      if (key == "id") {
        const auto parsed = Uuid::parse(r.string());
        if (!parsed) r.fail("malformed id");
        s.id = *parsed;
        id = true;
      } else if (key == "gen") {
        const auto g = r.unsignedInteger();
        if (g > UINT32_MAX) r.fail("generation out of range");
        s.generation = static_cast<std::uint32_t>(g);
        gen = true;
      } else if (key == "digest") {
        const auto d = base64UrlDecode(r.string());
        if (!d) r.fail("malformed digest");
        s.token_digest = *d;
        digest = true;
      } else if (key == "created_at") {
        s.created_at = timeValue(r);
        created = true;
      } else if (key == "last_used_at") {
        s.last_used_at = timeValue(r);
        used = true;
      } else if (key == "expires_at") {
        s.expires_at = timeValue(r);
        expires = true;
      } else if (key == "rotated_at") {
        if (!r.literal("null")) s.rotated_at = timeValue(r);
      } else if (key == "user_agent") {
        s.user_agent = r.string();
      } else if (key == "ip") {
        s.ip = r.string();
      } else if (key == "amr") {
        std::vector<std::string> amr;
        r.expect('[');
        if (!r.consume(']')) {
          do amr.push_back(r.string());
          while (r.consume(','));
          r.expect(']');
        }
        s.methods = amr == domain::amrOf(domain::AuthMethods::PasswordAndOtp)
                        ? domain::AuthMethods::PasswordAndOtp
                        : domain::AuthMethods::Password;
      } else {
        r.skipValue();
      }
    } while (r.consume(','));
    r.expect('}');
  }
  if (!id || !gen || !digest || !created || !used || !expires) r.fail("missing field");
  return domain::Session(std::move(s));
}

}  // namespace

std::string writeSessionsJson(const std::vector<domain::Session>& sessions) {
  std::string out;
  out.reserve(64 + sessions.size() * 320);
  out.push_back('[');
  bool first = true;
  for (const auto& x : sessions) {
    const auto& s = x.state();
    if (!first) out.push_back(',');
    first = false;
    out += "{\"id\":\"";
    out += s.id.toString();
    out.push_back('"');
    putKey(out, "gen");
    out += std::to_string(s.generation);
    putKey(out, "digest");
    out.push_back('"');
    out += base64UrlEncode(s.token_digest);
    out.push_back('"');
    putTime(out, "created_at", s.created_at);
    putTime(out, "last_used_at", s.last_used_at);
    putTime(out, "expires_at", s.expires_at);
    if (s.rotated_at) putTime(out, "rotated_at", *s.rotated_at);
    if (!s.user_agent.empty()) {
      putKey(out, "user_agent");
      putString(out, s.user_agent);
    }
    if (!s.ip.empty()) {
      putKey(out, "ip");
      putString(out, s.ip);
    }
    if (s.methods != domain::AuthMethods::Password) {
      putKey(out, "amr");
      out.push_back('[');
      bool first_method = true;
      for (const auto& m : domain::amrOf(s.methods)) {
        if (!first_method) out.push_back(',');
        first_method = false;
        putString(out, m);
      }
      out.push_back(']');
    }
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

std::vector<domain::Session> readSessionsJson(std::string_view json) {
  Reader r(json);
  std::vector<domain::Session> out;
  r.expect('[');
  if (!r.consume(']')) {
    do out.push_back(readSession(r));
    while (r.consume(','));
    r.expect(']');
  }
  if (!r.atEnd()) r.fail("trailing bytes");
  return out;
}

}  // namespace authd::users::infrastructure
