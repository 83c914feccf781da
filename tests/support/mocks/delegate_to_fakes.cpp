#include "mocks/delegate_to_fakes.hpp"

namespace authd::testing {

void delegateTo(MockUserRepository& mock, InMemoryUserRepository& fake) {
  using R = InMemoryUserRepository;
  ON_CALL(mock, findById).WillByDefault(::testing::Invoke(&fake, &R::findById));
  ON_CALL(mock, findByIdForUpdate).WillByDefault(::testing::Invoke(&fake, &R::findByIdForUpdate));
  ON_CALL(mock, findByEmail).WillByDefault(::testing::Invoke(&fake, &R::findByEmail));
  ON_CALL(mock, findByUsername).WillByDefault(::testing::Invoke(&fake, &R::findByUsername));
  ON_CALL(mock, emailExists).WillByDefault(::testing::Invoke(&fake, &R::emailExists));
  ON_CALL(mock, usernameExists).WillByDefault(::testing::Invoke(&fake, &R::usernameExists));
  ON_CALL(mock, list).WillByDefault(::testing::Invoke(&fake, &R::list));
  ON_CALL(mock, add).WillByDefault(::testing::Invoke(&fake, &R::add));
  ON_CALL(mock, update).WillByDefault(::testing::Invoke(&fake, &R::update));
}

void delegateTo(MockLoginThrottle& mock, InMemoryLoginThrottle& fake) {
  using T = InMemoryLoginThrottle;
  ON_CALL(mock, countAttempt).WillByDefault(::testing::Invoke(&fake, &T::countAttempt));
  ON_CALL(mock, reset).WillByDefault(::testing::Invoke(&fake, &T::reset));
}

}  // namespace authd::testing
