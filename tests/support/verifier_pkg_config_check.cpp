// Built by the verifier_pkg_config test with nothing but `pkg-config --cflags --libs
// authd_verifier` from the staged install: the .pc file must be enough to compile and link.
#include <authd_verifier/verifier.hpp>

int main() {
  const auto decoded = authd::verifier::base64UrlDecode("YWJj");
  const authd::verifier::StaticKeySet keys({});
  const authd::verifier::Verifier verifier(keys, {"https://issuer", "aud"});
  return decoded == std::optional<std::string>("abc") && !verifier.verify("a.b.c", 0) ? 0 : 1;
}
