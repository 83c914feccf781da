#pragma once

#include <exception>
#include <string>

#include <odb/exceptions.hxx>

#include "shared/core/errors.hpp"
#include "shared/infrastructure/db_transaction.hpp"

namespace authd {

template <typename Fn>
auto translateDatabaseFaults(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const UnavailableError&) {
    throw;
  } catch (const odb::exception& e) {
    // Whatever the caller does with this exception, even catch it and go on, the connection
    // under the current transaction is not trusted again.
    markCurrentConnectionFailed();
    if (!isDatabaseUnavailable(e)) throw;
    throw UnavailableError(std::string("database unavailable: ") + e.what());
  }
}

}  // namespace authd
