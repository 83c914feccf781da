#!/usr/bin/env bash
# The dependency rules the linker cannot see (header-only leaks), from docs/architecture.md:
# 1. domain/, application/ and shared/core include no framework and no outer layer
#    (tl::expected aside, which core uses by design);
# 2. a feature includes another feature's domain/ and application/ only, never its
#    infrastructure/ or presentation/;
# 3. shared/ includes no feature.
set -euo pipefail
root=${1:?usage: architecture_check.sh SRC_DIR}
fail=0
report() {
  if [ -n "$2" ]; then
    echo "dependency rule broken ($1):"
    echo "$2"
    fail=1
  fi
}

pattern='#include *[<"](odb/|pistache/|sodium|spdlog/|nlohmann/|curl/|libpq|.*infrastructure/|.*presentation/)'
# Two exceptions, primitives rather than frameworks: shared/core/constant_time.cpp wraps
# sodium_memcmp and shared/core/secret_bytes.cpp wraps sodium_malloc (guarded key memory).
bad=$(grep -rEn "$pattern" "$root"/features/*/domain "$root"/features/*/application "$root"/shared/core \
  | grep -v '^[^:]*/shared/core/constant_time.cpp:[0-9]*:#include <sodium.h>$' \
  | grep -v '^[^:]*/shared/core/secret_bytes.cpp:[0-9]*:#include <sodium.h>$' || true)
report "domain/application/core must stay framework-free" "$bad"

for dir in "$root"/features/*/; do
  feature=$(basename "$dir")
  bad=$(grep -rEn '#include *"features/[a-z_]+/(infrastructure|presentation)/' "$dir" \
    | grep -v "#include *\"features/$feature/" || true)
  report "$feature uses another feature's infrastructure or presentation" "$bad"
done

bad=$(grep -rEn '#include *"features/' "$root"/shared || true)
report "shared code must not know the features" "$bad"

[ "$fail" -eq 0 ] || exit 1
echo "architecture_check: layers and features depend only inward and acyclically"
