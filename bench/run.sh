#!/usr/bin/env bash
# Builds the project and runs the invoke-path benchmark on the process and the Docker runtime (Docker needs a
# running engine and the function image: python-base/build-image.sh --offline). Prints the tables, also kept in
# faas-app/target/benchmark.txt.
# Options: BENCH_SAMPLES (latency samples per row, default 2000), BENCH_SECONDS (per throughput row, default 5),
# BENCH_FIRST_CALLS (first calls per row, default 20), BENCH_TEST (default InvokeBenchmark,SandboxBenchmark; the
# latter is runc beside gVisor, whose column appears when the engine has runsc-faas registered; or e.g.
# InvokeBenchmark#dockerRuntime).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
rm -f faas-app/target/benchmark.txt
mvn -B -q -pl faas-app surefire:test -DexcludedTestTags= -Dtest="${BENCH_TEST:-InvokeBenchmark,SandboxBenchmark}" \
  -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.samples="${BENCH_SAMPLES:-2000}" -Dbench.seconds="${BENCH_SECONDS:-5}" \
  -Dbench.firstCalls="${BENCH_FIRST_CALLS:-20}"
echo
cat faas-app/target/benchmark.txt
