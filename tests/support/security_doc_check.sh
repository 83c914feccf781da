#!/usr/bin/env bash
# Fails when docs/security.md names a test (`Suite.Test`, `Suite.*`) or a fuzzer that does not
# exist, so the document cannot claim proof that is gone, and when a defence row names none.
set -euo pipefail
root=${1:?usage: security_doc_check.sh REPO_ROOT}
doc="$root/docs/security.md"
tests=$(grep -rhoE '^TEST(_F)?\([A-Za-z0-9_]+, [A-Za-z0-9_]+' "$root/tests" | sed -E 's/TEST(_F)?\(//; s/, /./')
status=0
while read -r name; do
  [ "$name" = "Suite.Test" ] && continue
  prefix=${name%\*}
  if [ "$prefix" != "$name" ]; then
    grep -q "^${prefix}" <<<"$tests" || { echo "security.md names missing tests: $name"; status=1; }
  else
    grep -qx "$name" <<<"$tests" || { echo "security.md names a missing test: $name"; status=1; }
  fi
done < <(grep -oE '`[A-Z][A-Za-z0-9]+\.[A-Za-z0-9*]+`' "$doc" | tr -d '`' | sort -u)
for f in $(grep -oE 'fuzzers? `[a-z_]+`(, `[a-z_]+`)*' "$doc" | grep -oE '`[a-z_]+`' | tr -d '`' | sort -u); do
  [ -f "$root/tests/fuzz/fuzz_$f.cpp" ] || { echo "security.md names a missing fuzzer: $f"; status=1; }
done
# Every row of the defences table (threat | defence | where | proved by) names a proof.
while IFS= read -r row; do
  proof=$(awk -F'|' '{print $5}' <<<"$row")
  grep -qE '`[A-Za-z_]+' <<<"$proof" || { echo "defence without a test: ${row:0:80}"; status=1; }
done < <(sed -n '/^## Defences and the tests that prove them/,/^## /p' "$doc" | grep -E '^\| T[0-9]')
[ "$status" = 0 ] && echo "security_doc_check: every test and fuzzer docs/security.md names exists"
exit $status
