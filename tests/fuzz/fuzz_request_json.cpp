// libFuzzer target: request bodies as the HTTP edge reads them -- JSON object parsing, typed
// field extraction, form decoding -- and the domain validation of register and login input.
// Anything may be rejected; nothing may crash, hang or trip ASan/UBSan.
#include <cstddef>
#include <cstdint>
#include <string>

#include "features/users/domain/identity.hpp"
#include "features/users/domain/password_policy.hpp"
#include "shared/presentation/http_support.hpp"
#include "shared/presentation/json_fields.hpp"

using namespace authd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  (void)http::parseForm(body);
  auto parsed = http::parseJsonObject(body);
  if (!parsed) return 0;
  http::JsonFields f(*parsed);
  const auto email = f.requiredString("email");
  const auto username = f.optionalString("username");
  const auto password = f.requiredString("password");
  const auto display_name = f.optionalString("display_name");
  (void)f.badFields();
  if (email) {
    (void)users::domain::Email::parse(*email);
    (void)users::domain::normaliseIdentifier(*email);
  }
  if (username) (void)users::domain::Username::parse(*username);
  if (display_name) (void)users::domain::parseDisplayName(*display_name);
  if (password) {
    (void)users::domain::PasswordPolicy::standard().check(*password, email.value_or(""),
                                                          username.value_or(""));
  }
  return 0;
}
