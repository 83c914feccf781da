// Sample domain values with every field set, for adapter tests (mappers, JSON).
#pragma once

#include <gtest/gtest.h>

#include "fakes/fakes.hpp"
#include "features/users/domain/user.hpp"

namespace authd::testing {

// A user with a display name that needs escaping, one session and the admin role.
inline users::domain::User sampleUser(FakeClock& clock, FakeRandomSource& random) {
  namespace ud = users::domain;
  auto user = ud::User::create(Uuid::v7(clock.now(), random), *ud::Email::parse("a@example.com"),
                               *ud::Username::parse("alice"), std::string("Alice \"A\" \xC3\xA9"),
                               "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", clock.now());
  ud::SessionPolicy policy;
  user.openSession(ud::Session::open(Uuid::v7(clock.now(), random), Bytes(32, 7),
                                     clock.now() + std::chrono::microseconds(123457), policy,
                                     "Mozilla/5.0 \"quoted\"", "::1"),
                   clock.now(), policy);
  user.grantRole("admin", clock.now());
  return user;
}

// Every field of two sessions alike: what a round trip through storage must keep.
inline void expectSameSession(const users::domain::Session& a, const users::domain::Session& b) {
  const auto& x = a.state();
  const auto& y = b.state();
  EXPECT_EQ(y.id, x.id);
  EXPECT_EQ(y.generation, x.generation);
  EXPECT_EQ(y.token_digest, x.token_digest);
  EXPECT_EQ(y.created_at, x.created_at);
  EXPECT_EQ(y.last_used_at, x.last_used_at);
  EXPECT_EQ(y.expires_at, x.expires_at);
  EXPECT_EQ(y.rotated_at, x.rotated_at);
  EXPECT_EQ(y.user_agent, x.user_agent);
  EXPECT_EQ(y.ip, x.ip);
  EXPECT_EQ(y.methods, x.methods);
}

}  // namespace authd::testing
