#!/usr/bin/env bash
# Builds the project and runs the invoke-path benchmark; prints a table (also in faas-app/target/benchmark.txt).
# Options: BENCH_SAMPLES (latency samples per row, default 2000), BENCH_SECONDS (per throughput row, default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
mvn -B -q -pl faas-app surefire:test -Dgroups=benchmark -DexcludedTestTags= -Dtest='InvokeBenchmark' \
  -Dsurefire.failIfNoSpecifiedTests=false -DredirectTestOutputToFile=false \
  -Dbench.samples="${BENCH_SAMPLES:-2000}" -Dbench.seconds="${BENCH_SECONDS:-5}"
echo
cat faas-app/target/benchmark.txt
