#pragma once

#include <gmock/gmock.h>

#include "shared/core/result.hpp"

namespace authd::testing {

MATCHER(IsOk, "is a success") {
  if (arg.has_value()) return true;
  *result_listener << "error " << toString(arg.error().code) << ": " << arg.error().detail;
  return false;
}

MATCHER_P(HasError, code, std::string("fails with ") + toString(code)) {
  if (arg.has_value()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << "error " << toString(arg.error().code);
  return arg.error().code == code;
}

}  // namespace authd::testing
