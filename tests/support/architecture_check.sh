#!/usr/bin/env bash
# Fails when domain/ or application/ code includes a framework or an outer layer: the linker
# cannot catch header-only leaks (nlohmann, tl::expected aside, which core uses by design).
set -euo pipefail
root=${1:?usage: architecture_check.sh SRC_DIR}
pattern='#include *[<"](odb/|pistache/|sodium|spdlog/|nlohmann/|curl/|libpq|.*infrastructure/|.*presentation/)'
# One exception: shared/core/constant_time.cpp wraps sodium_memcmp (a primitive, not a framework).
bad=$(grep -rEn "$pattern" "$root"/features/*/domain "$root"/features/*/application "$root"/shared/core \
  | grep -v '^[^:]*/shared/core/constant_time.cpp:[0-9]*:#include <sodium.h>$' || true)
if [ -n "$bad" ]; then
  echo "dependency rule broken (domain/application/core must stay framework-free):"
  echo "$bad"
  exit 1
fi
echo "architecture_check: domain, application and core include no framework or outer layer"
