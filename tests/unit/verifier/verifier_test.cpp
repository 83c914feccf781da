// authd_verifier: the JWS layer against RFC 8037's vectors, every refusal, the key-set rules
// and the clock as a parameter. Tokens are signed here with libsodium, not by authd, so the
// library is checked against the format, not against itself.
#include "authd_verifier/verifier.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>

#include <nlohmann/json.hpp>

namespace authd::verifier {
namespace {

using nlohmann::json;

std::string b64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();  // the terminating NUL
  return out;
}

constexpr std::int64_t kNow = 1'800'000'000;

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() {
    if (sodium_init() < 0) throw std::runtime_error("sodium");
    crypto_sign_keypair(pk_.data(), sk_);
    crypto_sign_keypair(other_pk_.data(), other_sk_);
    keys_ = std::make_unique<StaticKeySet>(std::vector<PublicKey>{PublicKey{"k1", pk_}});
    verifier_ = std::make_unique<Verifier>(*keys_, Options{"https://auth.example", "notes"});
  }

  json claims() const {
    return {{"iss", "https://auth.example"},
            {"sub", "01a2-user"},
            {"aud", "notes"},
            {"iat", kNow},
            {"nbf", kNow},
            {"exp", kNow + 900},
            {"jti", "j1"},
            {"sid", "01a2-session"},
            {"roles", {"user"}},
            {"email", "a@example.com"},
            {"email_verified", true},
            {"username", "alice"},
            {"amr", {"pwd", "otp"}}};
  }
  std::string sign(const json& header, const json& payload, const unsigned char* sk) const {
    return signRaw(b64(header.dump()), b64(payload.dump()), sk);
  }
  static std::string signRaw(const std::string& h, const std::string& p, const unsigned char* sk) {
    const std::string input = h + "." + p;
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                         input.size(), sk);
    return input + "." + b64(std::string_view(reinterpret_cast<char*>(sig), sizeof sig));
  }
  std::string token(const json& payload) const {
    return sign({{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", "k1"}}, payload, sk_);
  }
  Refusal refusalOf(const std::string& t, std::int64_t now = kNow) const {
    const auto r = verifier_->verify(t, now);
    return r ? Refusal::None : r.refusal;
  }

  std::array<std::uint8_t, 32> pk_{}, other_pk_{};
  unsigned char sk_[crypto_sign_SECRETKEYBYTES]{}, other_sk_[crypto_sign_SECRETKEYBYTES]{};
  std::unique_ptr<StaticKeySet> keys_;  // made once the key pair exists
  std::unique_ptr<Verifier> verifier_;
};

// RFC 8037, appendix A.4 (and A.5): the Ed25519 signature of "Example of Ed25519 signing" with
// the key of A.1 (x = 11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo).
TEST(JwsLayerTest, VerifiesRfc8037sEd25519ExampleAndRefusesItAltered) {
  const auto x = base64UrlDecode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  ASSERT_TRUE(x.has_value());
  ASSERT_EQ(x->size(), 32u);
  std::array<std::uint8_t, 32> key{};
  std::copy(x->begin(), x->end(), key.begin());
  const std::string jws =
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
  EXPECT_TRUE(verifyEd25519Jws(jws, key));
  EXPECT_EQ(*base64UrlDecode("RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"), "Example of Ed25519 signing");
  std::string altered = jws;
  altered[30] = altered[30] == 'A' ? 'B' : 'A';  // a payload byte
  EXPECT_FALSE(verifyEd25519Jws(altered, key));
  key[0] ^= 1;
  EXPECT_FALSE(verifyEd25519Jws(jws, key));
}

TEST(Base64UrlTest, AcceptsOnlyCanonicalUnpaddedText) {
  EXPECT_EQ(base64UrlDecode("YWJj"), std::optional<std::string>("abc"));
  EXPECT_EQ(base64UrlDecode("YWI"), std::optional<std::string>("ab"));
  EXPECT_FALSE(base64UrlDecode("YWI=").has_value());  // padding
  EXPECT_FALSE(base64UrlDecode("YWJ").has_value());   // non-zero leftover bits
  EXPECT_FALSE(base64UrlDecode("Y").has_value());
  EXPECT_FALSE(base64UrlDecode("YW+j").has_value());  // the other alphabet
}

TEST_F(VerifierTest, AcceptsAValidTokenAndReturnsTypedClaims) {
  const auto r = verifier_->verify(token(claims()), kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.claims->sub, "01a2-user");
  EXPECT_EQ(r.claims->sid, "01a2-session");
  EXPECT_EQ(r.claims->exp, kNow + 900);
  EXPECT_EQ(r.claims->roles, std::vector<std::string>{"user"});
  EXPECT_EQ(r.claims->amr, (std::vector<std::string>{"pwd", "otp"}));
  EXPECT_TRUE(r.claims->email_verified);
  EXPECT_EQ(r.claims->username, "alice");
  EXPECT_TRUE(r.claims->hasRole("user"));
  EXPECT_FALSE(r.claims->hasRole("admin"));
}

TEST_F(VerifierTest, RefusesEveryOtherAlgAndCriticalHeaders) {
  const auto c = claims();
  EXPECT_EQ(refusalOf(sign({{"alg", "none"}, {"typ", "at+jwt"}, {"kid", "k1"}}, c, sk_)),
            Refusal::UnsupportedAlg);
  EXPECT_EQ(refusalOf(sign({{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", "k1"}}, c, sk_)),
            Refusal::UnsupportedAlg);
  EXPECT_EQ(refusalOf(sign({{"alg", "RS256"}, {"typ", "at+jwt"}, {"kid", "k1"}}, c, sk_)),
            Refusal::UnsupportedAlg);
  EXPECT_EQ(refusalOf(sign({{"typ", "at+jwt"}, {"kid", "k1"}}, c, sk_)), Refusal::UnsupportedAlg);
  EXPECT_EQ(refusalOf(sign({{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", "k1"}, {"crit", {"x"}}}, c,
                           sk_)),
            Refusal::UnsupportedAlg);
  // An unsigned token: alg none with an empty signature.
  EXPECT_EQ(
      refusalOf(b64(R"({"alg":"none","typ":"at+jwt","kid":"k1"})") + "." + b64(c.dump()) + "."),
      Refusal::UnsupportedAlg);
}

TEST_F(VerifierTest, RefusesAWrongTypeAndHeadersWithMoreThanAuthdWrites) {
  const auto c = claims();
  EXPECT_EQ(refusalOf(sign({{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", "k1"}}, c, sk_)),
            Refusal::WrongType);
  EXPECT_EQ(refusalOf(sign({{"alg", "EdDSA"}, {"kid", "k1"}}, c, sk_)), Refusal::WrongType);
  EXPECT_EQ(
      refusalOf(sign({{"alg", "EdDSA"}, {"typ", "application/at+jwt"}, {"kid", "k1"}}, c, sk_)),
      Refusal::None);  // RFC 9068's long form
  EXPECT_EQ(refusalOf(sign({{"alg", "EdDSA"},
                            {"typ", "at+jwt"},
                            {"kid", "k1"},
                            {"jku", "https://evil.example/jwks"}},
                           c, sk_)),
            Refusal::Malformed);
  EXPECT_EQ(refusalOf(sign({{"alg", "EdDSA"}, {"typ", "at+jwt"}}, c, sk_)), Refusal::Malformed);
}

TEST_F(VerifierTest, RefusesUnknownKeysForeignKeysAndTampering) {
  const auto c = claims();
  EXPECT_EQ(refusalOf(sign({{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", "k9"}}, c, sk_)),
            Refusal::UnknownKey);
  EXPECT_EQ(refusalOf(sign({{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", "k1"}}, c, other_sk_)),
            Refusal::BadSignature);
  std::string t = token(c);
  const auto d1 = t.find('.');
  auto tampered = c;
  tampered["roles"] = {"admin"};
  EXPECT_EQ(refusalOf(t.substr(0, d1 + 1) + b64(tampered.dump()) + t.substr(t.rfind('.'))),
            Refusal::BadSignature);
  EXPECT_EQ(refusalOf(t.substr(0, t.rfind('.') + 1) + "AAAA"), Refusal::BadSignature);
}

TEST_F(VerifierTest, RefusesAnotherIssuerOrAudienceAndTakesAnAudienceList) {
  auto c = claims();
  c["iss"] = "https://other.example";
  EXPECT_EQ(refusalOf(token(c)), Refusal::WrongIssuer);
  c = claims();
  c["aud"] = "billing";
  EXPECT_EQ(refusalOf(token(c)), Refusal::WrongAudience);
  c["aud"] = {"billing", "notes"};
  EXPECT_EQ(refusalOf(token(c)), Refusal::None);
  c.erase("aud");
  EXPECT_EQ(refusalOf(token(c)), Refusal::WrongAudience);
}

TEST_F(VerifierTest, TheClockIsAParameterAndTheLeewayIsThirtySeconds) {
  const std::string t = token(claims());
  EXPECT_EQ(refusalOf(t, kNow + 900 + 29), Refusal::None);
  EXPECT_EQ(refusalOf(t, kNow + 900 + 30), Refusal::Expired);
  EXPECT_EQ(refusalOf(t, kNow - 30), Refusal::None);
  EXPECT_EQ(refusalOf(t, kNow - 31), Refusal::NotYetValid);
  Verifier strict(*keys_, {"https://auth.example", "notes", std::chrono::seconds(0)});
  EXPECT_FALSE(strict.verify(t, kNow + 900));
  EXPECT_TRUE(strict.verify(t, kNow + 899));
}

TEST_F(VerifierTest, CheckTimesIsVerifysTimeRuleAlone) {
  // exp kNow + 900 and nbf kNow, as in claims(); the same bounds as the test above.
  const auto exp = kNow + 900;
  EXPECT_EQ(verifier_->checkTimes(exp, kNow, kNow + 900 + 29), Refusal::None);
  EXPECT_EQ(verifier_->checkTimes(exp, kNow, kNow + 900 + 30), Refusal::Expired);
  EXPECT_EQ(verifier_->checkTimes(exp, kNow, kNow - 30), Refusal::None);
  EXPECT_EQ(verifier_->checkTimes(exp, kNow, kNow - 31), Refusal::NotYetValid);
  Verifier strict(*keys_, {"https://auth.example", "notes", std::chrono::seconds(0)});
  EXPECT_EQ(strict.checkTimes(exp, kNow, exp), Refusal::Expired);
  EXPECT_EQ(strict.checkTimes(exp, kNow, exp - 1), Refusal::None);
}

TEST_F(VerifierTest, MalformedInputOfAnySizeIsRefusedWithoutACrash) {
  for (const std::string& bad :
       {std::string(), std::string("."), std::string(".."), std::string("a.b"),
        std::string("a.b.c.d"), std::string("!!!.###.$$$"), std::string(9000, 'a'),
        std::string(100000, '.'), b64("[1]") + "." + b64("{}") + ".x",
        b64("{\"alg\":\"EdDSA\"") + "." + b64("{}") + ".x", std::string("\0.\0.\0", 5)}) {
    EXPECT_FALSE(verifier_->verify(bad, kNow)) << bad.substr(0, 40);
  }
  for (const char* name : {"exp", "nbf", "iat"}) {
    for (const json& v : {json("1800000900"), json(1.8e9), json(1e50), json(nullptr)}) {
      auto c = claims();
      c[name] = v;
      EXPECT_EQ(refusalOf(token(c)), Refusal::Malformed) << name << " " << v;
    }
  }
  for (const char* name : {"sub", "sid"}) {
    auto c = claims();
    c.erase(name);
    EXPECT_EQ(refusalOf(token(c)), Refusal::Malformed) << name;
  }
  auto c = claims();
  c["roles"] = "admin";
  EXPECT_EQ(refusalOf(token(c)), Refusal::Malformed);
  c = claims();
  c["email_verified"] = "yes";
  EXPECT_EQ(refusalOf(token(c)), Refusal::Malformed);
}

// A key set that learns a new key when asked for it: a rotation seen through refreshFor.
class LearningKeySet final : public KeySet {
 public:
  LearningKeySet(PublicKey old_key, PublicKey new_key)
      : before_(std::make_shared<KeyMap>(KeyMap{{old_key.kid, old_key}})),
        after_(std::make_shared<KeyMap>(KeyMap{{old_key.kid, old_key}, {new_key.kid, new_key}})) {}
  std::shared_ptr<const KeyMap> current() const override { return learned_ ? after_ : before_; }
  std::shared_ptr<const KeyMap> refreshFor(std::string_view) const override {
    ++asked_;
    learned_ = true;
    return after_;
  }
  mutable std::atomic<int> asked_{0};
  mutable std::atomic<bool> learned_{false};

 private:
  std::shared_ptr<const KeyMap> before_, after_;
};

TEST_F(VerifierTest, AnUnknownKidAsksTheKeySetOnceThenUsesWhatItLearnt) {
  LearningKeySet set(PublicKey{"k1", pk_}, PublicKey{"k2", other_pk_});
  Verifier v(set, {"https://auth.example", "notes"});
  const auto t = sign({{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", "k2"}}, claims(), other_sk_);
  EXPECT_TRUE(v.verify(t, kNow));
  EXPECT_EQ(set.asked_, 1);
  EXPECT_TRUE(v.verify(t, kNow));
  EXPECT_EQ(set.asked_, 1);  // known now
  // Refused tokens that never reach the key lookup ask nothing.
  EXPECT_FALSE(
      v.verify(sign({{"alg", "none"}, {"typ", "at+jwt"}, {"kid", "k7"}}, claims(), sk_), kNow));
  EXPECT_EQ(set.asked_, 1);
}

TEST(JwksParseTest, KeepsOnlyEd25519SigningKeysWithAKidAndAThirtyTwoByteX) {
  const std::string x = b64(std::string(32, '\x07'));
  const json doc = {
      {"keys",
       {{{"kty", "OKP"},
         {"crv", "Ed25519"},
         {"x", x},
         {"kid", "good"},
         {"alg", "EdDSA"},
         {"use", "sig"}},
        {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x}, {"kid", "bare"}},
        {{"kty", "OKP"}, {"crv", "X25519"}, {"x", x}, {"kid", "ecdh"}},
        {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x}, {"kid", "enc"}, {"use", "enc"}},
        {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", b64("short")}, {"kid", "short"}},
        {{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}, {"kid", "rsa"}},
        {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x}},
        "not an object"}}};
  const auto keys = parseJwks(doc.dump());
  ASSERT_TRUE(keys.has_value());
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid, "good");
  EXPECT_EQ((*keys)[1].kid, "bare");
  EXPECT_EQ((*keys)[0].key[0], 7);
  EXPECT_FALSE(parseJwks("[]").has_value());
  EXPECT_FALSE(parseJwks("{\"keys\": 3}").has_value());
  EXPECT_FALSE(parseJwks("not json").has_value());
  EXPECT_EQ(parseJwks("{\"keys\": []}")->size(), 0u);
}

}  // namespace
}  // namespace authd::verifier
