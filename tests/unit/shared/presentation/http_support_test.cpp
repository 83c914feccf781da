// http_support: form bodies; RouteTable's path patterns.

#include "shared/presentation/http_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "shared/presentation/route_table.hpp"

namespace authd {
namespace {

TEST(FormBodyTest, DecodesPercentAndPlus) {
  auto form = http::parseForm("token=a%2Bb+c&token_type_hint=refresh_token&empty=");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->at("token"), "a+b c");
  EXPECT_EQ(form->at("token_type_hint"), "refresh_token");
  EXPECT_EQ(form->at("empty"), "");
  EXPECT_FALSE(http::parseForm("bad=%zz").has_value());
  EXPECT_FALSE(http::parseForm("bad=%2").has_value());
}

// Every path parameter is checked on each request (checkPathParams), so a route whose parameter
// may be absent would throw on every call: such a pattern is refused when it is registered.
TEST(RouteTableTest, RefusesOptionalAndSplatSegmentsButTakesPlainParameters) {
  Pistache::Rest::Router router;
  http::ServerState state;
  http::RouteTable routes(router, state);
  const http::Handler h = [](const Pistache::Rest::Request&, Pistache::Http::ResponseWriter&,
                             const http::RequestContext&) {};
  EXPECT_NO_THROW(routes.get("/v1/things/:id/parts/:part", h));
  EXPECT_THROW(routes.get("/v1/things/:id?", h), std::logic_error);
  EXPECT_THROW(routes.get("/v1/files/*", h), std::logic_error);
  EXPECT_THROW(routes.get("/v1/empty/:", h), std::logic_error);
}

}  // namespace
}  // namespace authd
