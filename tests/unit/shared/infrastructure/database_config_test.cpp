// toConninfo: the connection string authd opens PostgreSQL with.

#include <gtest/gtest.h>

#include "shared/infrastructure/database.hpp"

namespace authd {
namespace {

TEST(DatabaseConfigTest, AddsTimeoutAndUtcToUrisAndKeywordStrings) {
  EXPECT_EQ(
      toConninfo({"postgresql://u@h:5/db", 4, 7}),
      "postgresql://u@h:5/db?connect_timeout=7&options=-c%20TimeZone%3DUTC&application_name=authd");
  EXPECT_EQ(toConninfo({"postgresql://u@h/db?sslmode=disable", 4, 7})
                .find("?sslmode=disable&connect_timeout=7"),
            std::string("postgresql://u@h/db").size());
  EXPECT_EQ(
      toConninfo({"host=/tmp dbname=x", 4, 3}),
      "host=/tmp dbname=x connect_timeout=3 options='-c TimeZone=UTC' application_name=authd");
}

}  // namespace
}  // namespace authd
