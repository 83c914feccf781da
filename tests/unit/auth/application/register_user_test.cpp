#include "features/auth/application/use_cases/register_user.hpp"

#include "use_case_fixture.hpp"

namespace authd::testing {
namespace {

using ::testing::_;
using ::testing::InSequence;
using ::testing::Return;

class RegisterUserTest : public AuthUseCaseTest {
 protected:
  auth::application::RegisterUser::Input input() {
    return {"  Alice@Example.com",
            "Alice",
            kPassword,
            std::string(" Alice A. "),
            {"curl/8", "10.0.0.1"}};
  }
  users::domain::PasswordPolicy password_policy_{{"password123"}};
  auth::application::RegisterUser register_{uow_,   users_, hasher_, tokens_,
                                            audit_, clock_, random_, password_policy_};
};

TEST_F(RegisterUserTest, CreatesUserWithOneSessionAndCommits) {
  auto result = register_.execute(input());
  ASSERT_THAT(result, IsOk());
  ASSERT_TRUE(stored_.has_value());
  EXPECT_EQ(stored_->email(), "alice@example.com");
  EXPECT_EQ(stored_->username(), "alice");
  EXPECT_EQ(stored_->state().display_name, "Alice A.");
  EXPECT_EQ(stored_->passwordHash(), kHash);
  EXPECT_EQ(stored_->roles(), std::set<std::string>{"user"});
  ASSERT_EQ(stored_->sessions().size(), 1u);
  EXPECT_EQ(stored_->sessions()[0].state().user_agent, "curl/8");
  EXPECT_EQ(stored_->sessions()[0].state().ip, "10.0.0.1");
  EXPECT_EQ(commits_, 1);
  EXPECT_EQ(result->expires_in, Seconds(900));
  EXPECT_EQ(result->refresh_expires_in, policy_.refresh_ttl);
  EXPECT_EQ(result->access_token, "access-for-" + stored_->sessions()[0].id().toString());
  // The refresh token decodes to the stored session, and only its digest is stored.
  auto token = auth::domain::RefreshToken::decode(result->refresh_token);
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->session_id, stored_->sessions()[0].id());
  EXPECT_EQ(stored_->sessions()[0].state().token_digest, refresh_hasher_.digest(token->secret));
  EXPECT_NE(stored_->sessions()[0].state().token_digest, token->secret);
}

TEST_F(RegisterUserTest, HashesThePasswordBeforeOpeningTheTransaction) {
  InSequence order;
  EXPECT_CALL(hasher_, hash(std::string_view(kPassword))).WillOnce(Return(std::string(kHash)));
  EXPECT_CALL(uow_, begin);
  (void)register_.execute(input());
}

TEST_F(RegisterUserTest, ListsEveryInvalidFieldAndTouchesNothing) {
  EXPECT_CALL(hasher_, hash).Times(0);
  EXPECT_CALL(uow_, begin).Times(0);
  auto result = register_.execute({"nope", "ab", "short", std::string(70, 'x'), {}});
  ASSERT_THAT(result, HasError(ErrorCode::ValidationFailed));
  std::vector<std::string> fields;
  for (const auto& f : result.error().fields) fields.push_back(f.field + ":" + f.code);
  EXPECT_THAT(fields,
              ::testing::UnorderedElementsAre("email:invalid_format", "username:too_short",
                                              "display_name:too_long", "password:too_short"));
}

TEST_F(RegisterUserTest, RejectsCommonPasswordAndPasswordEqualToUsername) {
  auto in = input();
  in.password = "PASSWORD123";
  EXPECT_THAT(register_.execute(in), HasError(ErrorCode::ValidationFailed));
  in.password = "alice";
  in.username = "alice";
  EXPECT_THAT(register_.execute(in), HasError(ErrorCode::ValidationFailed));
}

TEST_F(RegisterUserTest, RejectsTakenEmail) {
  EXPECT_CALL(users_, emailExists("alice@example.com")).WillOnce(Return(true));
  EXPECT_CALL(users_, add).Times(0);
  EXPECT_THAT(register_.execute(input()), HasError(ErrorCode::EmailTaken));
  EXPECT_EQ(commits_, 0);
}

TEST_F(RegisterUserTest, RejectsTakenUsername) {
  EXPECT_CALL(users_, usernameExists("alice")).WillOnce(Return(true));
  EXPECT_CALL(users_, add).Times(0);
  EXPECT_THAT(register_.execute(input()), HasError(ErrorCode::UsernameTaken));
}

TEST_F(RegisterUserTest, RaceOnInsertIsRetriedAndReportsTheTakenField) {
  // The first insert loses a race; on the retry the existence check sees the winner.
  EXPECT_CALL(users_, emailExists(_)).WillOnce(Return(false)).WillOnce(Return(true));
  EXPECT_CALL(users_, add).WillOnce(Return(Status(fail(ErrorCode::Conflict))));
  EXPECT_THAT(register_.execute(input()), HasError(ErrorCode::EmailTaken));
  EXPECT_EQ(begins_, 2);
  EXPECT_EQ(commits_, 0);
}

}  // namespace
}  // namespace authd::testing
