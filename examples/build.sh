#!/usr/bin/env bash
# Builds and tests the examples against the platform's artifacts in the local Maven repository
# (run `mvn -B install` at the root first). The embedded example builds offline (the root build fetched all it
# needs); the harness example may fetch JUnit 5.11 from the Maven repository on its first run on a machine.
# Arguments are passed to every Maven run (such as -Dmaven.repo.local=...).
# The harness example runs twice: on JUnit 6 (its default) and on JUnit 5.11, the oldest the harness supports.
set -euo pipefail
cd "$(dirname "$0")"
echo "== example: embedded"
mvn -B -o -q -f embedded/pom.xml "$@" verify
for junit in 6.1.3 5.11.4; do
  echo "== example: junit-harness on JUnit $junit"
  mvn -B -q -f junit-harness/pom.xml -Djunit.version="$junit" "$@" clean verify
done
echo "examples: all passed"
