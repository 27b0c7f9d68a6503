#!/usr/bin/env bash
# The multi-node test: a real three-node Docker Swarm on this one machine, running deploy/swarm/stack.yml.
#
# Usage: deploy/swarm/test-multinode.sh [--no-build]
#
# Three Docker engines (nodes a, b, c), each in a network namespace of its own (entered with nsenter --net),
# with a mount namespace of its own (its /run, hence its /var/run/docker.sock, and its socket directory) and
# its own data root under $FAAS_SWARM_WORK (default /tmp/faas-swarm), joined into one swarm over a bridge
# on 192.168.240.0/24 (FAAS_SWARM_NET, the first three octets) that this test makes. The images are built
# offline (build-offline-images.sh; --no-build reuses the host engine's) and loaded with docker save | load.
# HAProxy is the stack's only published entry and terminates TLS with a certificate this test makes (openssl,
# for the bridge address of node a); the nodes publish no port, so the test reaches each node's plain HTTP
# from inside the overlay network, in the network namespace of HAProxy's container (nsenter --net). Then:
#   0. the nodes' port 8080 cannot be reached from outside the overlay; plain HTTP to HAProxy's TLS port
#      gets no answer, HTTPS with the test's certificate does;
#   1. register through a, invoke the same version through b and c;
#   2. sustained load through the load balancer reaches all three nodes (per-node counts from /metrics);
#   3. c's engine stops under load: calls keep succeeding through a and b; only calls in flight on c may
#      fail, each with a problem document; nothing registered is lost; c is started again and serves again;
#   4. an API key created through b works through c; revoked through a, it is refused through b and c
#      within 2 s;
#   5. a delete through b is a 404 through a and c within 2 s, and their instances are gone.
# Everything it started is torn down at the end, even on failure. Needs root, iproute2, iptables, nsenter,
# unshare, dockerd, curl, openssl and python3. Traffic goes only to loopback and the namespaces' addresses.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${FAAS_SWARM_WORK:-/tmp/faas-swarm}"
net="${FAAS_SWARM_NET:-192.168.240}"
bridge="faas-swbr0"
nodes=(a b c)
stack="faas"
sockets_mountpoint="/var/lib/faas-sockets"
build=true
failed=0

[ "${1:-}" = "--no-build" ] && build=false

log() { printf '[swarm-test %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf '[swarm-test] FAILED: %s\n' "$*" >&2; exit 1; }
check() { # check DESCRIPTION COMMAND...: runs the command, records a failure without stopping
  if "${@:2}"; then log "ok: $1"; else log "FAILED: $1"; failed=$((failed + 1)); fi
}

ns() { echo "faas-sw-$1"; }
addr() { case "$1" in a) echo "$net.11" ;; b) echo "$net.12" ;; c) echo "$net.13" ;; esac; }
engine() { local n="$1"; shift; docker -H "unix://$work/$n/run/docker.sock" "$@"; }
lb_url="https://$net.11:8443"
cacert="$work/tls/server.crt"
task_of() { # task_of NODE SERVICE: the id of the service's running container on the node, if any
  engine "$1" ps -q --filter "label=com.docker.swarm.service.name=${stack}_$2" 2>/dev/null | head -n 1
}
node_url() { # the node's platform on the overlay network (its address changes when its task is replaced)
  local task ip=""
  task="$(task_of "$1" platform)"
  [ -z "$task" ] || ip="$(engine "$1" inspect -f "{{with index .NetworkSettings.Networks \"${stack}_faas\"}}{{.IPAddress}}{{end}}" "$task" 2>/dev/null || true)"
  # No task yet (or its engine is down): a local port nothing listens on, so the call fails at once.
  if [ -n "$ip" ]; then echo "http://$ip:8080"; else echo "http://127.0.0.1:9"; fi
}
overlay() { # overlay COMMAND...: runs COMMAND in the network namespace of HAProxy's container, on the overlay
  local task pid
  task="$(task_of a lb)"
  [ -n "$task" ] || return 1
  pid="$(engine a inspect -f '{{.State.Pid}}' "$task" 2>/dev/null || true)"
  [ -n "$pid" ] && [ "$pid" != 0 ] || return 1
  nsenter --net="/proc/$pid/ns/net" "$@"
}
hcurl() { # curl to a node's http:// URL from inside the overlay, or to the load balancer with the test's certificate
  local arg
  for arg in "$@"; do
    case "$arg" in http://*) overlay curl "$@"; return ;; esac
  done
  curl --cacert "$cacert" "$@"
}

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, a bridge, Docker engines)"
for tool in ip iptables nsenter unshare dockerd docker curl openssl python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"
done

# ---------------------------------------------------------------------------------------------- teardown
engine_pid() { cat "$work/$1/dockerd.pid" 2>/dev/null || true; }

stop_engine() { # stop_engine NODE GRACE_SECONDS: SIGTERM, then SIGKILL to everything of the node
  local n="$1" grace="$2" pid
  pid="$(engine_pid "$n")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((grace * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  kill_leftovers "$n"
  rm -f "$work/$n/dockerd.pid"
}

kill_leftovers() { # every process in the node's network namespace and in its containers' cgroups
  local n="$1" id pids
  pids="$(ip netns pids "$(ns "$n")" 2>/dev/null || true)"
  if [ -d "$work/$n/data/containers" ]; then
    for id in $(ls "$work/$n/data/containers"); do
      pids="$pids $(cat /sys/fs/cgroup/pids/docker/"$id"/cgroup.procs /sys/fs/cgroup/docker/"$id"/cgroup.procs \
        /sys/fs/cgroup/system.slice/docker-"$id".scope/cgroup.procs 2>/dev/null || true)"
    done
  fi
  pids="$(echo $pids)"
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.5
  fi
}

teardown() {
  local status=$?
  trap - EXIT INT TERM
  log "teardown"
  if [ -S "$work/a/run/docker.sock" ]; then
    engine a stack rm "$stack" >/dev/null 2>&1 || true
  fi
  for n in "${nodes[@]}"; do stop_engine "$n" 20; done
  for n in "${nodes[@]}"; do ip netns del "$(ns "$n")" 2>/dev/null || true; done
  ip link del "$bridge" 2>/dev/null || true
  while iptables -D FORWARD -i "$bridge" -o "$bridge" -m comment --comment faas-swarm-test -j ACCEPT 2>/dev/null; do :; done
  if [ -f "$work/.created-sockets-mountpoint" ]; then rmdir "$sockets_mountpoint" 2>/dev/null || true; fi
  rm -rf "$work"
  local left
  left="$(pgrep -f "dockerd --data-root $work" || true)"
  [ -z "$left" ] || { log "processes left behind: $left"; status=1; }
  if [ "$status" -eq 0 ] && [ "$failed" -eq 0 ]; then log "PASSED"; else log "FAILED ($failed check(s), exit $status)"; fi
  [ "$failed" -eq 0 ] || status=1
  exit "$status"
}

# A previous run killed hard may have left its namespaces; remove them first (only ours, by name).
if ip link show "$bridge" >/dev/null 2>&1 || [ -d "$work" ]; then
  log "removing what a previous run left"
  for n in "${nodes[@]}"; do stop_engine "$n" 5; ip netns del "$(ns "$n")" 2>/dev/null || true; done
  ip link del "$bridge" 2>/dev/null || true
  rm -rf "$work"
fi
trap teardown EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------- images
if $build; then
  log "building the images offline"
  "$here/build-offline-images.sh"
fi
images_all=(faas-python:latest faas-platform:latest)
images_a=(faas-postgres:offline faas-haproxy:offline)
for image in "${images_all[@]}" "${images_a[@]}"; do
  docker image inspect "$image" >/dev/null 2>&1 || die "image $image is missing (run without --no-build)"
done

# ---------------------------------------------------------------------------------------------- network
mkdir -p "$work"
if [ ! -d "$sockets_mountpoint" ]; then
  mkdir -p "$sockets_mountpoint"
  touch "$work/.created-sockets-mountpoint"
fi
log "network: bridge $bridge $net.1/24 and one namespace per node"
ip link add "$bridge" type bridge
ip addr add "$net.1/24" dev "$bridge"
ip link set "$bridge" up
# The host's FORWARD policy (Docker sets DROP) also filters bridged frames; let the nodes reach each other.
iptables -I FORWARD 1 -i "$bridge" -o "$bridge" -m comment --comment faas-swarm-test -j ACCEPT
for n in "${nodes[@]}"; do
  ip netns add "$(ns "$n")"
  ip link add "sw-$n-host" type veth peer name "sw-$n-node"
  ip link set "sw-$n-host" master "$bridge" up
  ip link set "sw-$n-node" netns "$(ns "$n")"
  nsenter --net="/run/netns/$(ns "$n")" sh -c "
    ip link set lo up && ip link set sw-$n-node name eth0 && ip addr add $(addr "$n")/24 dev eth0 && ip link set eth0 up"
done

# ---------------------------------------------------------------------------------------------- engines
start_engine() {
  local n="$1" dir="$work/$1"
  mkdir -p "$dir/run" "$dir/data" "$dir/sockets"
  [ -f "$dir/daemon.json" ] || echo '{}' >"$dir/daemon.json"
  # Its own network (nsenter), its own /run and socket directory and host name (unshare), its own data root.
  nsenter --net="/run/netns/$(ns "$n")" unshare --mount --uts --propagation private sh -c "
    hostname node-$n && mount --bind '$dir/run' /run && mount --bind '$dir/sockets' '$sockets_mountpoint' &&
    exec dockerd --data-root '$dir/data' --config-file '$dir/daemon.json'" >>"$dir/dockerd.log" 2>&1 &
  echo $! >"$dir/dockerd.pid"
  for _ in $(seq 1 120); do
    engine "$n" info >/dev/null 2>&1 && return 0
    kill -0 "$(engine_pid "$n")" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 20 "$dir/dockerd.log" >&2
  die "the engine of node $n did not start"
}

for n in "${nodes[@]}"; do start_engine "$n"; done
log "engines up: $(for n in "${nodes[@]}"; do printf '%s=%s ' "$n" "$(engine "$n" version --format '{{.Server.Version}}')"; done)"

log "loading the images into the engines (docker save | docker load)"
docker save "${images_all[@]}" -o "$work/images-all.tar"
docker save "${images_a[@]}" -o "$work/images-a.tar"
for n in "${nodes[@]}"; do engine "$n" load -q -i "$work/images-all.tar" >/dev/null; done
engine a load -q -i "$work/images-a.tar" >/dev/null
rm -f "$work/images-all.tar" "$work/images-a.tar"

log "swarm: a is the manager, b and c join as workers"
engine a swarm init --advertise-addr "$(addr a)" --listen-addr "$(addr a):2377" >/dev/null
token="$(engine a swarm join-token -q worker)"
for n in b c; do
  engine "$n" swarm join --advertise-addr "$(addr "$n")" --listen-addr "$(addr "$n"):2377" --token "$token" \
    "$(addr a):2377" >/dev/null
done
a_id="$(engine a info --format '{{.Swarm.NodeID}}')"
engine a node update --label-add faas.db=true --label-add faas.lb=true "$a_id" >/dev/null
engine a node ls >&2

log "secrets (a self-signed certificate for $net.11 among them) and stack deploy"
mkdir -p "$work/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=faas-swarm-test" \
  -addext "subjectAltName=IP:$net.11,DNS:localhost" -keyout "$work/tls/server.key" -out "$cacert" 2>/dev/null
cat "$cacert" "$work/tls/server.key" | engine a secret create faas_tls - >/dev/null
api_key="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | engine a secret create faas_db_password - >/dev/null
printf '%s:admin\n' "$api_key" | engine a secret create faas_api_keys - >/dev/null
(cd "$here" && FAAS_POSTGRES_IMAGE=faas-postgres:offline FAAS_LB_IMAGE=faas-haproxy:offline FAAS_PREWARM=1 \
  FAAS_LB_PORT=8443 engine a stack deploy --resolve-image never -c stack.yml "$stack" >&2)

auth=(-H "Authorization: Bearer $api_key")
status_of() { hcurl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
wait_ready() { # wait_ready NODE|URL SECONDS (a node's address is looked up again on each try)
  local deadline=$((SECONDS + $2)) url
  while [ $SECONDS -lt $deadline ]; do
    case "$1" in http*) url="$1" ;; *) url="$(node_url "$1")" ;; esac
    [ "$(status_of "$url/readyz")" = 200 ] && return 0
    sleep 0.5
  done
  return 1
}
dump_diagnostics() {
  engine a service ls >&2 || true
  engine a service ps --no-trunc "${stack}_platform" "${stack}_postgres" "${stack}_lb" >&2 || true
  for s in platform postgres lb; do engine a service logs --tail 30 "${stack}_$s" >&2 || true; done
}
started=$SECONDS
for n in "${nodes[@]}"; do
  wait_ready "$n" 240 || { dump_diagnostics; die "node $n's platform is not ready after 240 s"; }
done
wait_ready "$lb_url" 60 || { dump_diagnostics; die "the load balancer does not answer /readyz"; }
log "stack ready in $((SECONDS - started)) s: $(for n in "${nodes[@]}"; do hcurl -s "$(node_url "$n")/readyz" | tr -d '\n'; echo -n ' '; done)"

# ---------------------------------------------------------------------------------------------- 0. entry
for n in "${nodes[@]}"; do
  check "node $n's port 8080 is not reachable from outside the overlay" \
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$(addr "$n"):8080/healthz" || true)" = 000 ]
done
check "plain HTTP to the load balancer's TLS port gets no HTTP answer" \
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$net.11:8443/healthz" || true)" = 000 ]
check "HTTPS to the load balancer with the test's certificate answers /healthz" \
  [ "$(status_of "$lb_url/healthz")" = 200 ]
check "HTTPS without trusting the test's certificate is refused" \
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$lb_url/healthz" || true)" = 000 ]

# ---------------------------------------------------------------------------------------------- 1. register/invoke
json_field() { # json_field FILE KEY...: the value at that path of the JSON in FILE (- for stdin), else "never"
  python3 -c '
import json, sys
try:
    node = json.load(sys.stdin if sys.argv[1] == "-" else open(sys.argv[1]))
except ValueError:
    node = {}
for key in sys.argv[2:]:
    node = node.get(key, "never") if isinstance(node, dict) else "never"
print(node)' "$@"
}
post() { # post URL PATH JSON -> prints "status body"
  hcurl -s --max-time 30 -w '\n%{http_code}' "${auth[@]}" -H 'Content-Type: application/json' -X POST "$1$2" -d "$3"
}
code='def user_function(name):\n    return f\"Hello, {name}!\"'
out="$(post "$(node_url a)" /register "{\"name\": \"hello\", \"code\": \"$code\"}")"
version="$(printf '%s' "$out" | sed -n 1p | json_field - result)"
[ "$version" != never ] || die "register through a failed: $out"
log "registered $version through a"
expected='{"result":"Hello, swarm!"}'
for n in b c; do
  out="$(post "$(node_url "$n")" /invoke "{\"name\": \"$version\", \"params\": {\"name\": \"swarm\"}}")"
  check "invoke $version through $n: $(echo "$out" | tr '\n' ' ')" [ "$out" = "$expected"$'\n'200 ]
done
out="$(post "$lb_url" /invoke "{\"name\": \"$version\", \"params\": {\"name\": \"swarm\"}}")"
check "invoke $version through the load balancer over HTTPS: $(echo "$out" | tr '\n' ' ')" [ "$out" = "$expected"$'\n'200 ]
out="$(post "$(node_url a)" /register '{"name": "other", "code": "def user_function():\n    return 42"}')"
other="$(printf '%s' "$out" | sed -n 1p | json_field - result)"

# ---------------------------------------------------------------------------------------------- 2. spread
node_count() { # node_count NODE VERSION: ok calls of VERSION on the node, from its /metrics
  hcurl -s --max-time 5 "${auth[@]}" "$(node_url "$1")/metrics" | python3 -c '
import sys
version, total = sys.argv[1], 0.0
for line in sys.stdin:
    if line.startswith("faas_invocations_total{") and ("function=\"%s\"" % version) in line and "outcome=\"ok\"" in line:
        total += float(line.rsplit(" ", 1)[1])
print(int(total))' "$version"
}
node_info() { hcurl -s --max-time 5 "${auth[@]}" "$(node_url "$1")/metrics" | grep '^faas_node_info' | tr -d '\n'; }
for n in "${nodes[@]}"; do log "node $n: $(node_info "$n")"; done
log "warm-up through the load balancer (5 s, not counted), then the floor: GET /healthz, 5 s, 8 callers"
python3 "$here/loadgen.py" --url "$lb_url" --cacert "$cacert" --key "$api_key" --function "$version" --seconds 5 --concurrency 8 \
  --out "$work/warmup.json"
python3 "$here/loadgen.py" --url "$lb_url" --cacert "$cacert" --key "$api_key" --floor --seconds 5 --concurrency 8 --out "$work/floor.json"
declare -A before after
for n in "${nodes[@]}"; do before[$n]="$(node_count "$n" "$version")"; done
log "load through the load balancer: 15 s, 8 callers"
python3 "$here/loadgen.py" --url "$lb_url" --cacert "$cacert" --key "$api_key" --function "$version" --seconds 15 --concurrency 8 \
  --expect "$expected" --out "$work/spread.json"
for n in "${nodes[@]}"; do after[$n]="$(node_count "$n" "$version")"; done
spread=""
for n in "${nodes[@]}"; do
  served=$((after[$n] - before[$n]))
  spread="$spread $n=$served"
  check "node $n served calls of the load ($served)" [ "$served" -gt 0 ]
done
python3 - "$work/spread.json" "$spread" "$work/floor.json" <<'EOF' >&2
import json, sys
s = json.load(open(sys.argv[1]))
print("[swarm-test] spread: %d calls, %d ok, %.0f/s, p50 %s ms, p99 %s ms; served per node:%s; statuses %s"
      % (s["calls"], s["ok"], s["throughput_per_s"], s["p50_ms"], s["p99_ms"], sys.argv[2], s["statuses"]))
f = json.load(open(sys.argv[3]))
print("[swarm-test] floor (GET /healthz through the load balancer, same callers): %.0f/s, p50 %s ms, p99 %s ms, "
      "statuses %s" % (f["throughput_per_s"], f["p50_ms"], f["p99_ms"], f["statuses"]))
EOF
check "every call of the spread load succeeded" python3 -c '
import json, sys; s = json.load(open(sys.argv[1])); sys.exit(0 if s["ok"] == s["calls"] > 0 else 1)' "$work/spread.json"

# ---------------------------------------------------------------------------------------------- 3. node loss
log "node loss: load through the load balancer for 25 s; c's engine stops at 5 s"
python3 "$here/loadgen.py" --url "$lb_url" --cacert "$cacert" --key "$api_key" --function "$version" --seconds 25 --concurrency 8 \
  --expect "$expected" --out "$work/loss.json" &
load_pid=$!
sleep 5
stop_started=$SECONDS
stop_engine c 30
log "c's engine is down (stop took $((SECONDS - stop_started)) s)"
wait "$load_pid"
python3 - "$work/loss.json" <<'EOF' >&2
import json, sys
s = json.load(open(sys.argv[1]))
print("[swarm-test] node loss: %d calls, %d ok, %.0f/s, p50 %s ms, p99 %s ms, statuses %s; calls per second %s"
      % (s["calls"], s["ok"], s["throughput_per_s"], s["p50_ms"], s["p99_ms"], s["statuses"], s["per_second"]))
for f in s["failures"][:20]:
    print("[swarm-test]   failed call at %.2f s: %s %s %s" % (f["at_s"], f["status"], f["content_type"], f["body"][:160]))
EOF
# Only calls in flight on c may fail (at most one per caller), each with a problem document, and the calls
# of the last 10 s (c long gone) all succeed.
check "calls failed only while c went down, at most one per caller, each a problem document" python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
bad = [f for f in s["failures"] if not f["content_type"].startswith("application/problem+json")]
late = [f for f in s["failures"] if f["at_s"] > 15]
sys.exit(0 if len(s["failures"]) <= 8 and not bad and not late and s["ok"] > 0 else 1)' "$work/loss.json"
engine a service logs --raw "${stack}_lb" >"$work/lb.log" 2>&1 || true
log "the load balancer retried $(grep -c '/+[0-9] [0-9/]* "POST /invoke' "$work/lb.log") call(s) on another node; calls it did not answer with 200:"
grep '"POST /invoke' "$work/lb.log" | grep -v ' 200 [0-9]* - - ---- ' | tail -n 20 >&2 || true
for n in a b; do
  out="$(post "$(node_url "$n")" /invoke "{\"name\": \"$version\", \"params\": {\"name\": \"swarm\"}}")"
  check "with c down, $n still serves $version" [ "$out" = "$expected"$'\n'200 ]
done
listing="$(hcurl -s --max-time 5 "${auth[@]}" "$(node_url a)/functions")"
check "nothing registered was lost ($listing)" python3 -c '
import json, sys
names = {f["name"] for f in json.loads(sys.argv[1])["functions"]}
sys.exit(0 if {"hello", "other"} <= names else 1)' "$listing"
log "starting c's engine again"
restart_started=$SECONDS
start_engine c
if wait_ready c 180; then
  log "c serves again $((SECONDS - restart_started)) s after its engine started"
  out="$(post "$(node_url c)" /invoke "{\"name\": \"$other\", \"params\": {}}")"
  check "c serves again ($other through c)" [ "$out" = '{"result":42}'$'\n'200 ]
else
  dump_diagnostics
  check "c is ready again within 180 s" false
fi

# ---------------------------------------------------------------------------------------------- 4. API keys
# A key created through b works through c at once; revoked through a, it is refused through b and c.
overlay python3 "$here/propagation.py" keys "$(node_url b)" "$(node_url c)" "$(node_url a)" "$api_key" >"$work/keys.json"
log "keys: $(cat "$work/keys.json")"
check "a key created through b ($(json_field "$work/keys.json" create_status)) works through c at once ($(json_field "$work/keys.json" first_use_status))" \
  [ "$(json_field "$work/keys.json" create_status)" = 201 -a "$(json_field "$work/keys.json" first_use_status)" = 200 ]
declare -A revoked_401
revoked_401[b]="$(json_field "$work/keys.json" creator_401_ms)"
revoked_401[c]="$(json_field "$work/keys.json" user_401_ms)"
for n in b c; do
  check "revoked through a ($(json_field "$work/keys.json" revoke_status)), the key is refused through $n within 2 s (${revoked_401[$n]} ms)" \
    [ "${revoked_401[$n]/never/99999}" -le 2000 ]
done

# ---------------------------------------------------------------------------------------------- 5. delete
for n in a c; do post "$(node_url "$n")" /invoke "{\"name\": \"$version\", \"params\": {\"name\": \"swarm\"}}" >/dev/null; done
# Only the other function stays; its instances are stopped too by deleting it, so none may remain anywhere.
hcurl -s -o /dev/null --max-time 10 "${auth[@]}" -X DELETE "$(node_url b)/functions/other"
overlay python3 "$here/propagation.py" delete "$(node_url b)" "$(node_url a)" "$(node_url c)" "$api_key" "$version" \
  >"$work/delete.json"
log "delete: $(cat "$work/delete.json")"
del_status="$(json_field "$work/delete.json" delete_status)"
check "delete of hello through b ($del_status)" [ "$del_status" = 200 ]
declare -A gone_404 gone_instances
for n in a c; do
  before="$(json_field "$work/delete.json" "$(node_url "$n")" before)"
  check "$n had instances before the delete ($before)" python3 -c 'import sys; sys.exit(float(sys.argv[1]) <= 0)' "$before"
  gone_404[$n]="$(json_field "$work/delete.json" "$(node_url "$n")" 404_ms)"
  gone_instances[$n]="$(json_field "$work/delete.json" "$(node_url "$n")" instances_gone_ms)"
  check "404 through $n within 2 s of the delete through b (${gone_404[$n]} ms)" \
    [ "${gone_404[$n]/never/99999}" -le 2000 ]
  check "$n's instances of hello gone within 2 s (${gone_instances[$n]} ms)" \
    [ "${gone_instances[$n]/never/99999}" -le 2000 ]
done
log "figures: spread per node:$spread; key revocation: b=${revoked_401[b]} ms c=${revoked_401[c]} ms; delete propagation: 404 a=${gone_404[a]} ms c=${gone_404[c]} ms, instances gone a=${gone_instances[a]} ms c=${gone_instances[c]} ms"
