#!/usr/bin/env bash
# Soak test: the real server with its Docker runtime under sustained mixed load, reporting every 10 s.
#
#   bench/soak.sh [--minutes N] [--concurrency C]      (defaults: 10 minutes, 8 callers)
#
# Builds faas-app/target/faas-app.jar if it is missing, starts it on a free port of 127.0.0.1 with a node id and a
# data directory of its own, registers a mix of functions (trivial, ~5 ms of CPU, a 50 ms sleep, one that raises, one
# that prints), and drives them from C closed-loop callers through SoakDriver (faas-app/src/test/java/dev/faas/app/
# reliability/SoakDriver.java, JDK only). Every ~10 s and at the end it prints throughput, p50/p99/p99.9, errors by
# problem type (the raising function's 422 counted apart as expected), the server's RSS and threads and the number of
# containers. The report is also kept in faas-app/target/soak-report.txt and the server's log in
# faas-app/target/soak-server.log. Stops the server and removes its containers on exit, Ctrl-C or failure.
# Exit status: 0 when no call failed unexpectedly, 1 otherwise, 2 on a setup error.
#
# Needs Java 17, Maven (only to build the jar), a running Docker engine and the function image
# (python-base/build-image.sh --offline). SOAK_JAVA_OPTS sets the server's JVM options (default -Xmx512m, so that
# the resident size settles instead of following the default heap of a quarter of the machine).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10
concurrency=8
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (use --minutes N --concurrency C)" >&2; exit 2 ;;
  esac
done
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "--minutes needs a number, not '$minutes'" >&2; exit 2; }
[[ "$concurrency" =~ ^[1-9][0-9]*$ ]] || { echo "--concurrency needs a positive whole number" >&2; exit 2; }

die() { echo "soak: $*" >&2; exit 2; }
command -v java >/dev/null || die "java is not installed"
command -v javac >/dev/null || die "javac is not installed (a JDK is needed)"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd)"
docker image inspect faas-python:latest >/dev/null 2>&1 \
  || die "the function image faas-python:latest is missing: python-base/build-image.sh --offline"

jar=faas-app/target/faas-app.jar
if [ ! -f "$jar" ]; then
  echo "soak: building $jar"
  mvn -B -q -o package -DskipTests -pl faas-app -am 2>/dev/null || mvn -B -q package -DskipTests -pl faas-app -am
fi

# Short: instance socket paths must stay under 108 bytes.
work=$(mktemp -d /tmp/soak.XXXXXX)
node="soak$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)
server_pid=""
mkdir -p faas-app/target

cleanup() {
  status=$?
  trap - EXIT INT TERM
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  leftovers=$(docker ps -aq --filter label=faas.managed=true --filter "label=faas.node=$node" 2>/dev/null || true)
  if [ -n "$leftovers" ]; then
    echo "soak: removing $(echo "$leftovers" | wc -l) leftover container(s) of node $node"
    echo "$leftovers" | xargs docker rm -f >/dev/null 2>&1 || true
  fi
  [ -f "$work/server.log" ] && cp "$work/server.log" faas-app/target/soak-server.log
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

javac -d "$work/driver" faas-app/src/test/java/dev/faas/app/reliability/SoakDriver.java
# A private copy: a rebuild of the jar during a long soak must not pull classes from under the running server.
cp "$jar" "$work/faas-app.jar"

echo "soak: server on 127.0.0.1:$port, node $node, data in $work"
# A clean environment for the server: only what it needs, plus the settings this soak chooses.
env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 ${DOCKER_HOST:+DOCKER_HOST="$DOCKER_HOST"} \
  FAAS_RUNTIME=docker FAAS_NODE_ID="$node" FAAS_BIND=127.0.0.1 FAAS_PORT="$port" \
  FAAS_DATA_DIR="$work/data" FAAS_SOCKET_DIR="$work/s" FAAS_LOG_LEVEL=WARN \
  java ${SOAK_JAVA_OPTS:--Xmx512m} -jar "$work/faas-app.jar" >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "the server exited at start"; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 || { tail -50 "$work/server.log" >&2; die "the server did not answer"; }

set +e
java -cp "$work/driver" dev.faas.app.reliability.SoakDriver --url "http://127.0.0.1:$port" --minutes "$minutes" \
  --concurrency "$concurrency" --server-pid "$server_pid" --node "$node" | tee faas-app/target/soak-report.txt
driver_status=${PIPESTATUS[0]}
set -e
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "soak: the server died during the run" >&2
  driver_status=1
fi
exit "$driver_status"
