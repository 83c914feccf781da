#pragma once

#include <odb/exceptions.hxx>

#include "shared/core/errors.hpp"

namespace authd {

template <typename Fn>
auto translateDatabaseFaults(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const odb::recoverable& e) {
    throw UnavailableError(std::string("database unavailable: ") + e.what());
  }
}

}  // namespace authd
