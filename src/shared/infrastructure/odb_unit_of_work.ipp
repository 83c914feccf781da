#pragma once

#include "shared/infrastructure/db_transaction.hpp"

namespace authd {

template <typename Fn>
auto translateDatabaseFaults(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    rethrowDatabaseFault();
  }
}

}  // namespace authd
