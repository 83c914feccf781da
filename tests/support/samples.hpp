// Sample domain values with every field set, for adapter tests (mappers, JSON).
#pragma once

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

}  // namespace authd::testing
