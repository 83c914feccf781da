// problem+json: ErrorCode to status, type, title and the 422 errors[].

#include "shared/presentation/problem.hpp"

#include <gtest/gtest.h>

namespace authd {
namespace {

TEST(ProblemJsonTest, MapsCodesToStatusesAndListsFieldErrors) {
  EXPECT_EQ(http::statusFor(ErrorCode::InvalidCredentials), 401);
  EXPECT_EQ(http::statusFor(ErrorCode::EmailTaken), 409);
  EXPECT_EQ(http::statusFor(ErrorCode::UnsupportedMediaType), 415);
  EXPECT_EQ(http::statusFor(ErrorCode::Unavailable), 503);
  const auto j = http::problemJson(validationError({{"email", "required", "m"}}));
  EXPECT_EQ(j.at("status"), 422);
  EXPECT_EQ(j.at("code"), "validation_failed");
  EXPECT_EQ(j.at("errors")[0].at("field"), "email");
  EXPECT_FALSE(http::problemJson(Error{ErrorCode::NotFound, "x", {}}).contains("errors"));
}

// api.md's error table has no code for a version race lost on every attempt: the client is
// told 503 unavailable, as for any transient fault, never a code outside the table.
TEST(ProblemJsonTest, ALostRaceIsToldAsTheContractsUnavailable) {
  EXPECT_EQ(http::statusFor(ErrorCode::Conflict), 503);
  const auto j = http::problemJson(Error{ErrorCode::Conflict, "user changed concurrently", {}});
  EXPECT_EQ(j.at("status"), 503);
  EXPECT_EQ(j.at("code"), "unavailable");
  EXPECT_EQ(j.at("type"), "https://authd.dev/problems/unavailable");
  EXPECT_EQ(j.at("title"), http::titleFor(ErrorCode::Unavailable));
}

}  // namespace
}  // namespace authd
