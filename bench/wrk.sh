#!/usr/bin/env bash
# Measures the warm invoke path of the server jar from outside the JVM, with wrk, against GET /healthz as the floor
# of the same run:
#
#   bench/wrk.sh                       (FAAS_RUNTIME=process, c=16, 3 rounds of 10 s rows, RSS after a 60 s load)
#
# Starts faas-app/target/faas-app.jar (build it with: mvn -B -q -o package -DskipTests) through bin/faas, so with the
# server's default JVM options (FAAS_JAVA_OPTS overrides them; FAAS_JAVA_OPTS= gives the JVM's own), on 127.0.0.1:BENCH_PORT with a data directory of its
# own; registers the function `bench` (returns "Hello, <name>!") with as many instances as connections, so that no call
# queues for one (with the default of 8, half the calls at c=16 would measure the queue's hand-off); warms it until the JIT has settled; then runs rounds of
# wrk on GET /healthz and on POST /functions/bench/invoke (bench/invoke.lua) and prints for each row the calls/s, p50
# and p99 (wrk --latency), the medians of the rounds and their ratio invoke/healthz, and the server's RSS (VmRSS of /proc/PID/status) idle (5 s at rest after start), after the rows,
# after a further BENCH_LOAD_SECONDS of invoke load and 5 s after it. Stops the server on exit.
# Settings: FAAS_RUNTIME (process | docker; default process), BENCH_CONNECTIONS (16), BENCH_THREADS (2),
# BENCH_SECONDS (10, per row), BENCH_ROUNDS (3), BENCH_MAX_INSTANCES (BENCH_CONNECTIONS), BENCH_LOAD_SECONDS (60; 0 skips), BENCH_PORT (18080), BENCH_JFR (a file name: records a JFR
# profile of the run there; read it with `jfr print --events jdk.ExecutionSample FILE` or `jfr summary FILE`).
# wrk comes from the Debian package `wrk`.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=${FAAS_JAR:-faas-app/target/faas-app.jar}
runtime=${FAAS_RUNTIME:-process}
connections=${BENCH_CONNECTIONS:-16}
threads=${BENCH_THREADS:-2}
seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
max_instances=${BENCH_MAX_INSTANCES:-$connections}
load_seconds=${BENCH_LOAD_SECONDS:-60}
port=${BENCH_PORT:-18080}
base=http://127.0.0.1:$port

die() { echo "wrk.sh: $*" >&2; exit 2; }
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"
[ -f "$jar" ] || die "$jar not found; build it with: mvn -B -q -o package -DskipTests"

data=$(mktemp -d)
log=$data/server.log
if [ -n "${BENCH_JFR:-}" ]; then
  # Picked up by the java launcher on top of bin/faas's options.
  export JDK_JAVA_OPTIONS="-XX:StartFlightRecording=filename=$BENCH_JFR,settings=profile,dumponexit=true"
fi
FAAS_JAR=$jar FAAS_RUNTIME=$runtime FAAS_PORT=$port FAAS_DATA_DIR=$data FAAS_PREWARM=0 FAAS_LOG_LEVEL=${FAAS_LOG_LEVEL:-INFO} \
  bin/faas serve >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 300); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "the server exited"; }
  sleep 0.1
done
curl -fsS "$base/healthz" >/dev/null || die "the server did not answer /healthz"

rss() { awk '/^VmRSS/ {printf "%d MB", $2 / 1024}' "/proc/$pid/status"; }
row() { # name url [wrk args...]: prints "name calls/s p50 p99" from a wrk run
  local name=$1 url=$2; shift 2
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$@" "$url")
  local rate p50 p99 bad
  rate=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/^non-2xx answers/ {print $3} /Non-2xx or 3xx responses/ {print $5}' <<<"$out" | head -1)
  printf '%-22s %10s calls/s   p50 %9s   p99 %9s   non-2xx %s\n' "$name" "$rate" "$p50" "$p99" "${bad:-0}" >&2
  echo "$rate"
}

# Idle: 5 s at rest after start, time for the JVM's periodic trim of the C heap (README, "Server memory").
sleep 5
idle=$(rss)
curl -fsS -X POST "$base/register" \
  -d '{"name":"bench","code":"def user_function(name=\"nobody\"):\n    return f\"Hello, {name}!\"\n","limits":{"maxInstances":'"$max_instances"'}}' >/dev/null
answer=$(curl -fsS -X POST "$base/functions/bench/invoke" -d '{"name":"World"}')
[ "$answer" = '{"result":"Hello, World!"}' ] || die "unexpected answer: $answer"
# Warm-up: the instance, Grizzly's pool and the JIT, whose C2 compiler kept a core busy for the first 20 to 30 s of
# invoke load on a 2-core machine (throughput climbing from 1,500 to 6,800 calls/s over 5 s windows): 5 s windows
# until one is no more than 5% faster than the one before (at most 12), on the invoke path and then on /healthz.
warm() { # url [wrk args...]
  local url=$1 last=0 rate
  shift
  for _ in $(seq 1 12); do
    rate=$(wrk -t"$threads" -c"$connections" -d5s "$@" "$url" | awk '/^Requests\/sec/ {print $2}')
    awk -v now="$rate" -v before="$last" 'BEGIN {exit !(before > 0 && now <= before * 1.05)}' && break
    last=$rate
  done
}
warm "$base/functions/bench/invoke" -s bench/invoke.lua
warm "$base/healthz"

echo "wrk -t$threads -c$connections -d${seconds}s --latency, $rounds rounds, runtime $runtime, JVM options:" \
  "$(tr '\0' ' ' <"/proc/$pid/cmdline" | sed 's/ -jar .*//; s/^java *//')${JDK_JAVA_OPTIONS:+ $JDK_JAVA_OPTIONS}"
healthz_rates=() invoke_rates=()
for _ in $(seq 1 "$rounds"); do
  healthz_rates+=("$(row "GET /healthz" "$base/healthz")")
  invoke_rates+=("$(row "POST .../invoke" "$base/functions/bench/invoke" -s bench/invoke.lua)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
healthz=$(median "${healthz_rates[@]}")
invoke=$(median "${invoke_rates[@]}")
awk -v i="$invoke" -v h="$healthz" 'BEGIN {printf "median of the rounds: invoke %.0f calls/s, healthz %.0f calls/s, invoke / healthz %.2f\n", i, h, i / h}'
echo "RSS idle (5 s after start) $idle"
echo "RSS after the rows      $(rss)"
if [ "$load_seconds" -gt 0 ]; then
  wrk -t"$threads" -c"$connections" -d"${load_seconds}s" -s bench/invoke.lua "$base/functions/bench/invoke" >/dev/null
  echo "RSS after ${load_seconds} s more load $(rss)"
fi
sleep 5
echo "RSS 5 s after the load  $(rss)"
