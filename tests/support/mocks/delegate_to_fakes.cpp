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

void delegateTo(MockUserStatements& mock, InMemoryUserStatements& fake) {
  using S = InMemoryUserStatements;
  ON_CALL(mock, findSession).WillByDefault(::testing::Invoke(&fake, &S::findSession));
  ON_CALL(mock, findProfile).WillByDefault(::testing::Invoke(&fake, &S::findProfile));
  ON_CALL(mock, findUser).WillByDefault(::testing::Invoke(&fake, &S::findUser));
  ON_CALL(mock, storeSessions).WillByDefault(::testing::Invoke(&fake, &S::storeSessions));
}

void changeConcurrently(InMemoryDatabase& db, const Uuid& id,
                        const std::function<void(users::domain::User&)>& change) {
  db.concurrently([&](InMemoryTables& tables) {
    auto it = tables.users.find(id);
    if (it == tables.users.end()) return;
    change(it->second);
    it->second.setVersion(it->second.version() + 1);
  });
}

void loseNextUpdate(MockUserRepository& mock, InMemoryUserRepository& fake, InMemoryDatabase& db) {
  using R = InMemoryUserRepository;
  EXPECT_CALL(mock, update(::testing::_))
      .WillOnce([&db](users::domain::User& user) -> Status {
        changeConcurrently(db, user.id(), [](users::domain::User&) {});
        return fail(ErrorCode::Conflict, "lost the race");
      })
      .WillRepeatedly(::testing::Invoke(&fake, &R::update));
  EXPECT_CALL(mock, findByIdForUpdate(::testing::_))
      .Times(::testing::AtLeast(1))
      .WillRepeatedly(::testing::Invoke(&fake, &R::findByIdForUpdate));
}

void delegateTo(MockLoginThrottle& mock, InMemoryLoginThrottle& fake) {
  using T = InMemoryLoginThrottle;
  ON_CALL(mock, countAttempt).WillByDefault(::testing::Invoke(&fake, &T::countAttempt));
  ON_CALL(mock, reset).WillByDefault(::testing::Invoke(&fake, &T::reset));
}

void delegateTo(MockResetRequestQueue& mock, InMemoryResetRequestQueue& fake) {
  using Q = InMemoryResetRequestQueue;
  ON_CALL(mock, enqueue).WillByDefault(::testing::Invoke(&fake, &Q::enqueue));
  ON_CALL(mock, claim).WillByDefault(::testing::Invoke(&fake, &Q::claim));
  ON_CALL(mock, markProcessed).WillByDefault(::testing::Invoke(&fake, &Q::markProcessed));
}

void delegateTo(MockMfaRepository& mock, InMemoryMfaRepository& fake) {
  using R = InMemoryMfaRepository;
  ON_CALL(mock, find).WillByDefault(::testing::Invoke(&fake, &R::find));
  ON_CALL(mock, save).WillByDefault(::testing::Invoke(&fake, &R::save));
  ON_CALL(mock, remove).WillByDefault(::testing::Invoke(&fake, &R::remove));
}

void delegateTo(MockMfaChallengeStore& mock, InMemoryMfaChallengeStore& fake) {
  using S = InMemoryMfaChallengeStore;
  ON_CALL(mock, add).WillByDefault(::testing::Invoke(&fake, &S::add));
  ON_CALL(mock, findByDigestForUpdate)
      .WillByDefault(::testing::Invoke(&fake, &S::findByDigestForUpdate));
  ON_CALL(mock, update).WillByDefault(::testing::Invoke(&fake, &S::update));
}

void delegateTo(MockSealer& mock, MarkingSealer& fake) {
  using M = MarkingSealer;
  ON_CALL(mock, seal).WillByDefault(::testing::Invoke(&fake, &M::seal));
  ON_CALL(mock, open).WillByDefault(::testing::Invoke(&fake, &M::open));
  ON_CALL(mock, sealSecret).WillByDefault(::testing::Invoke(&fake, &M::sealSecret));
  ON_CALL(mock, openSecret).WillByDefault(::testing::Invoke(&fake, &M::openSecret));
}

}  // namespace authd::testing
