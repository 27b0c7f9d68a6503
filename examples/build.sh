#!/usr/bin/env bash
# Builds and tests the examples against the platform's artifacts in the local Maven repository
# (run `mvn -B install` at the root first). Offline: everything they need is already there.
set -euo pipefail
cd "$(dirname "$0")"
for example in embedded junit-harness; do
  echo "== example: $example"
  mvn -B -o -q -f "$example/pom.xml" verify
done
echo "examples: all passed"
