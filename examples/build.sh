#!/usr/bin/env bash
# Builds and tests the examples against the platform's artifacts in the local Maven repository
# (run `mvn -B install` at the root first). They may fetch from the Maven repository on their first run on a machine
# what the root build did not need: JUnit 5.11 for the harness, the exact versions the examples' own resolution picks.
# Arguments are passed to every Maven run (such as -Dmaven.repo.local=...).
# The harness example runs twice: on JUnit 6 (its default) and on JUnit 5.11, the oldest the harness supports.
set -euo pipefail
cd "$(dirname "$0")"
echo "== example: embedded"
mvn -B -q -f embedded/pom.xml "$@" verify
for junit in 6.1.3 5.11.4; do
  echo "== example: junit-harness on JUnit $junit"
  mvn -B -q -f junit-harness/pom.xml -Djunit.version="$junit" "$@" clean verify
done
echo "examples: all passed"
