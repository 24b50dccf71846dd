#!/usr/bin/env bash
# Private RabbitMQ nodes for Warren's integration tests, one per series.
#
# Usage: scripts/broker.sh [--series S] {start|stop|restart|status|env|url|amqp-url|logs|reset|chroot-remove}
#        scripts/broker.sh [--series S] {cluster-start|cluster-stop|cluster-env|cluster-stop-node N|cluster-start-node N|cluster-ctl N ARGS|cluster-reset}
#
#   --series S  (or WARREN_BROKER_SERIES=S; the argument wins) the RabbitMQ series:
#            3.10 (default) the host's Debian rabbitmq-server;
#            4.0            Debian trixie's, in a chroot;
#            4.3 / latest   Debian sid's (4.3.x), in a chroot.
#            Each series has its own node name, ports and state; see
#            scripts/broker-series.sh for the table and the chroot's layout.
#
#   start    install RabbitMQ if missing (3.10: apt-get on the host; 4.x: build
#            the chroot, a few minutes once, then cached; root + apt only),
#            start a private node bound to 127.0.0.1 and wait until the
#            management API answers. Idempotent: exits 0 at once if the node
#            already answers.
#   stop     stop the node (tolerates "not running"); a 4.x node's chroot gets
#            its proc unmounted once nothing runs in it.
#   restart  stop then start.
#   status   exit 0 if the node is running and its management API answers.
#   env      print `export WARREN_MANAGEMENT_URL=...` / `export WARREN_AMQP_URL=...`
#            (use: eval "$(scripts/broker.sh env)").
#   url      print the management URL only (amqp-url: the AMQP URL).
#   logs     print the tail of the node's log file.
#   reset    stop the node and delete all of its state (3.10: .broker/, the
#            3.10 cluster's included; 4.x: the node's directory in the chroot).
#   chroot-remove   (4.x) delete the series' chroot, state included; the next
#                   start builds it again. Refused while a node runs in it.
#
#   cluster-start   a 3-node cluster on loopback (3.10: warren-c1..3@localhost,
#                   AMQP 56731-56733, management 15691-15693, distribution
#                   25691-25693, state under .broker/cluster/cN; 4.x: see
#                   scripts/broker-series.sh), one shared Erlang cookie; c2 and
#                   c3 join c1. Idempotent: starts the nodes that are down, joins
#                   those not joined. Prints WARREN_CLUSTER_MANAGEMENT_URLS /
#                   _AMQP_URLS (comma lists) and WARREN_CLUSTER_NODES.
#   cluster-stop    stop the three nodes (their state is kept).
#   cluster-stop-node N / cluster-start-node N   one node (1-3), for failover tests.
#   cluster-env     print the cluster's URL lists.
#   cluster-ctl N ARGS...   rabbitmqctl ARGS on node N (e.g. to raise an alarm).
#   cluster-reset   stop the cluster and delete its state.
#   (WARREN_CLUSTER_NODE_PREFIX renames the nodes, WARREN_CLUSTER_PORT_SHIFT
#   adds to all their ports: for a second checkout on the same machine.)
#
# 3.10 keeps everything (data, logs, config, Erlang cookie) under $REPO/.broker/;
# a 4.x node keeps it inside its chroot (it sees nothing else).
# Environment overrides (defaults: the series' own, as listed for 3.10):
#   WARREN_BROKER_SERIES     3.10 | 4.0 | 4.3 | latest (default 3.10)
#   WARREN_CHROOT_BASE       where the 4.x chroots live (default /var/cache/warren)
#   WARREN_BROKER_NODE       node name          (default warren-test@localhost)
#   WARREN_BROKER_AMQP_PORT  AMQP listener      (default 56720)
#   WARREN_BROKER_MGMT_PORT  management HTTP    (default 15680)
#   WARREN_BROKER_DIST_PORT  Erlang distribution (default 25680)
#   WARREN_BROKER_DIR        state directory    (default $REPO/.broker; 4.x: inside the chroot)
#   WARREN_BROKER_TIMEOUT    start timeout, s   (default 120)
#   WARREN_BROKER_CTL_PORT_MIN  first dist port for rabbitmqctl & co (default 35690, range of 20)
#   WARREN_RABBITMQ_BIN      RabbitMQ bin dir   (default /usr/lib/rabbitmq/bin; testing only)
#   WARREN_BROKER_TLS        1: TLS listeners too (default); 0: none
#   WARREN_BROKER_TLS_DIR    where the test CA and certificates are made (default $BROKER_DIR/tls)
#   WARREN_BROKER_TLS_NODE_DIR  the same directory as the node sees it (default: the same path,
#                            less $ROOT for a node chrooted there)
#
# TLS: the node also listens with TLS on AMQP+1 (amqps) and management+1
# (https), with a private CA and a `localhost` server certificate made once by
# openssl under the TLS dir (ca.pem, server.pem, server-key.pem, and
# client.pem / client-key.pem for mutual TLS: the node asks for a client
# certificate and checks it when one is sent, but does not require one).
# `env` prints WARREN_TLS_* for them. (Not on the cluster's nodes: their ports
# are consecutive.)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RMQ_BIN="${WARREN_RABBITMQ_BIN:-/usr/lib/rabbitmq/bin}" # override only for testing the install path

log() { printf '[broker] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=scripts/broker-series.sh
source "$REPO/scripts/broker-series.sh"
SERIES_ARG="${WARREN_BROKER_SERIES:-3.10}"
case "${1:-}" in
  --series) SERIES_ARG="${2:-}" && shift 2 ;;
  --series=*) SERIES_ARG="${1#--series=}" && shift ;;
esac
select_series "$SERIES_ARG"

NODE_NAME="${WARREN_BROKER_NODE:-$DEF_NODE}"
AMQP_PORT="${WARREN_BROKER_AMQP_PORT:-$DEF_AMQP}"
MGMT_PORT="${WARREN_BROKER_MGMT_PORT:-$DEF_MGMT}"
DIST_PORT="${WARREN_BROKER_DIST_PORT:-$DEF_DIST}"
BROKER_DIR="${WARREN_BROKER_DIR:-$(series_dir "$NODE_NAME")}"
START_TIMEOUT="${WARREN_BROKER_TIMEOUT:-120}"

MGMT_URL="http://guest:guest@127.0.0.1:${MGMT_PORT}"
AMQP_URL="amqp://guest:guest@127.0.0.1:${AMQP_PORT}"
# Empty TLS_DIR: $BROKER_DIR/tls of the node at hand (see tls_dir).
TLS_ENABLED="${WARREN_BROKER_TLS:-1}"
TLS_DIR="${WARREN_BROKER_TLS_DIR:-}"
TLS_NODE_DIR="${WARREN_BROKER_TLS_NODE_DIR:-}"

LOG_DIR="$BROKER_DIR/log"
CONSOLE_LOG="$LOG_DIR/console.log"
NODE_LOG="$LOG_DIR/${NODE_NAME}.log"

# --- environment for every rabbitmq-* invocation -----------------------------
# We call /usr/lib/rabbitmq/bin/* directly (Debian's /usr/sbin wrappers switch to
# the rabbitmq user and use the system node). Everything below makes the node
# private: its own HOME (=> own .erlang.cookie), own dirs, own ports, own name,
# and no system-wide rabbitmq-env.conf / advanced.config leaking in.
# Paths are the node's view: a chrooted node's differ from the host's (node_path).
rmq_env() {
  check_inside_root "$BROKER_DIR" "${WARREN_BROKER_HOME:-$BROKER_DIR/home}"
  local nd
  nd="$(node_path "$BROKER_DIR")"
  export HOME
  HOME="$(node_path "${WARREN_BROKER_HOME:-$BROKER_DIR/home}")" # the cluster shares one (one cookie)
  export RABBITMQ_NODENAME="$NODE_NAME"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$AMQP_PORT"
  export RABBITMQ_DIST_PORT="$DIST_PORT"
  export RABBITMQ_MNESIA_BASE="$nd/mnesia"
  export RABBITMQ_LOG_BASE="$nd/log"
  export RABBITMQ_CONFIG_FILE="$nd/rabbitmq.conf"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$nd/advanced.config"
  export RABBITMQ_CONF_ENV_FILE="$nd/rabbitmq-env.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$nd/enabled_plugins"
  export RABBITMQ_PID_FILE="$nd/rabbitmq.pid"
  # Erlang distribution listener on loopback only (default is all interfaces).
  # No scheduler busy-waiting: on a small shared CI machine, idle nodes (up to
  # four here) must not spin the cores the tests need.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none"
  # Short names: node@localhost. Make sure a long-name setting does not leak in.
  unset RABBITMQ_USE_LONGNAME || true
  # The CLI tools (rabbitmqctl & co) are Erlang nodes too; keep them off the
  # system node's CLI port range (35672-35682) to avoid needless clashes.
  export RABBITMQ_CTL_DIST_PORT_MIN="${WARREN_BROKER_CTL_PORT_MIN:-$DEF_CTL}"
  export RABBITMQ_CTL_DIST_PORT_MAX="$((RABBITMQ_CTL_DIST_PORT_MIN + 20))"
}

ctl() { rmq_exec "$RMQ_BIN/rabbitmqctl" -n "$NODE_NAME" "$@"; }
diag() { rmq_exec "$RMQ_BIN/rabbitmq-diagnostics" -n "$NODE_NAME" "$@"; }

# --- small node.js helpers (curl may not exist on CI) -------------------------

# Exit 0 if GET /api/overview answers with *our* node name.
mgmt_ok() {
  MGMT_PORT="$MGMT_PORT" NODE_NAME="$NODE_NAME" node -e '
    const ctl = AbortSignal.timeout(3000);
    fetch(`http://127.0.0.1:${process.env.MGMT_PORT}/api/overview`, {
      headers: { authorization: "Basic " + Buffer.from("guest:guest").toString("base64") },
      signal: ctl,
    }).then(async (r) => {
      if (!r.ok) process.exit(1);
      const j = await r.json();
      process.exit(j.node === process.env.NODE_NAME ? 0 : 2);
    }).catch(() => process.exit(1));
  ' 2>/dev/null
}

# Keep the kernel from handing our listener ports out as ephemeral source ports:
# the AMQP ports (5672x-5679x) lie inside Linux's default ephemeral range
# (32768-60999), and a test client's outgoing connection that happened to get
# 56732 once kept a cluster node from binding it. As root only; best effort.
reserve_ports() {
  local f=/proc/sys/net/ipv4/ip_local_reserved_ports
  [[ "$(id -u)" == 0 && -w "$f" ]] || return 0
  local current want=("56720-56799" "$@") p
  current="$(cat "$f" 2>/dev/null)" || return 0
  for p in "${want[@]}"; do
    [[ ",$current," == *",$p,"* ]] && continue
    current="${current:+$current,}$p"
  done
  printf '%s\n' "$current" >"$f" 2>/dev/null || true
}

# Print the ports among the arguments that are already bound on 127.0.0.1.
busy_ports() {
  node -e '
    const net = require("node:net");
    const ports = process.argv.slice(1).map(Number);
    Promise.all(ports.map((p) => new Promise((res) => {
      const s = net.createServer();
      s.once("error", () => res(p));
      s.listen({ port: p, host: "127.0.0.1", exclusive: true }, () => s.close(() => res(null)));
    }))).then((r) => { const b = r.filter((x) => x !== null); if (b.length) console.log(b.join(" ")); });
  ' "$@"
}

print_env() {
  printf 'export WARREN_MANAGEMENT_URL=%s\n' "$MGMT_URL"
  printf 'export WARREN_AMQP_URL=%s\n' "$AMQP_URL"
  print_tls_env
}

# Where the certificates are on this machine, and where the node reads them.
tls_dir() { printf '%s\n' "${TLS_DIR:-$BROKER_DIR/tls}"; }
# (A node chrooted in $ROOT sees $ROOT/x as /x.)
tls_node_dir() {
  local d
  d="$(tls_dir)"
  printf '%s\n' "${TLS_NODE_DIR:-${d#"${ROOT:-}"}}"
}

# The TLS listeners (AMQP+1, management+1), by `localhost`: the name the server
# certificate is for. Only when the node's config has them (a node started by
# an older version of this script has none).
print_tls_env() {
  grep -q '^listeners.ssl.default' "$BROKER_DIR/rabbitmq.conf" 2>/dev/null || return 0
  local d
  d="$(tls_dir)"
  printf 'export WARREN_TLS_MANAGEMENT_URL=https://guest:guest@localhost:%s\n' "$((MGMT_PORT + 1))"
  printf 'export WARREN_TLS_AMQP_URL=amqps://guest:guest@localhost:%s\n' "$((AMQP_PORT + 1))"
  printf 'export WARREN_TLS_CA_FILE=%s\n' "$d/ca.pem"
  printf 'export WARREN_TLS_CERT_FILE=%s\n' "$d/client.pem"
  printf 'export WARREN_TLS_KEY_FILE=%s\n' "$d/client-key.pem"
}

# A private CA, a server certificate for localhost / 127.0.0.1 and a client
# certificate, made once under $TLS_DIR (kept across restarts: tests and users
# may hold the CA file). EC P-256 keys: quick to make, accepted everywhere.
make_tls_certs() {
  local d tmp
  d="$(tls_dir)"
  [[ -s "$d/ca.pem" && -s "$d/server.pem" && -s "$d/client.pem" && -s "$d/client-key.pem" ]] && return 0
  log "making a test CA and TLS certificates in $d ..."
  mkdir -p "$d"
  tmp="$(mktemp -d)"
  (
    set -e
    cd "$tmp"
    newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
    newkey ca-key.pem
    openssl req -x509 -new -key ca-key.pem -sha256 -days 3650 -subj "/CN=Warren test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
    # sign NAME SUBJECT EXTENSIONS: a certificate for NAME-key.pem, signed by the CA.
    sign() {
      newkey "$1-key.pem"
      openssl req -new -key "$1-key.pem" -subj "$2" -out "$1.csr"
      printf '%s\n' "$3" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 825 -sha256 \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    }
    sign server "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment"
    sign client "/CN=warren-test-client" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature,keyEncipherment"
    # The node (which may run as another user) must read its key.
    chmod 644 ./*.pem
    mv ca.pem ca-key.pem server.pem server-key.pem client.pem client-key.pem "$d/"
  ) || {
    rm -rf "$tmp"
    die "openssl failed to make the TLS certificates"
  }
  rm -rf "$tmp"
}

show_logs() {
  local f
  for f in "$CONSOLE_LOG" "$NODE_LOG"; do
    if [[ -s "$f" ]]; then
      log "---- tail -n 60 $f ----"
      tail -n 60 "$f" >&2 || true
    fi
  done
}

SERVER_PID=""
fail_start() {
  log "ERROR: $*"
  show_logs
  # Do not leave a half-started node behind if we launched it.
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    log "terminating the node we started (pid $SERVER_PID)"
    kill -TERM "$SERVER_PID" 2>/dev/null || true
  fi
  exit 1
}

ensure_installed() {
  if [[ -n "$ROOT" ]]; then ensure_chroot; return 0; fi
  [[ -x "$RMQ_BIN/rabbitmq-server" ]] && return 0
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "RabbitMQ is not installed ($RMQ_BIN/rabbitmq-server missing).
  Install it first, e.g.:  sudo apt-get update && sudo apt-get install -y --no-install-recommends rabbitmq-server
  (this script installs it automatically only when run as root on a Debian/Ubuntu machine)"
  fi
  log "installing rabbitmq-server with apt-get (one-off, takes a minute or two)..."
  # Stop the package's postinst from starting the system-wide service (we never
  # use it), unless the machine already has a policy-rc.d.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  local rc=0
  {
    apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends rabbitmq-server
  } >&2 || rc=$?
  [[ $created_policy == 1 ]] && rm -f "$policy"
  [[ $rc == 0 ]] || die "apt-get install rabbitmq-server failed (exit $rc)"
  [[ -x "$RMQ_BIN/rabbitmq-server" ]] || die "rabbitmq-server installed but $RMQ_BIN/rabbitmq-server is missing"
}

write_config() {
  mkdir -p "$BROKER_DIR/home" "$BROKER_DIR/mnesia" "$LOG_DIR"
  chmod 700 "$BROKER_DIR/home"

  cat >"$BROKER_DIR/rabbitmq.conf" <<EOF
# Generated by scripts/broker.sh - edits are overwritten on every start.
listeners.tcp.default = 127.0.0.1:${AMQP_PORT}
management.tcp.port = ${MGMT_PORT}
management.tcp.ip = 127.0.0.1
# guest/guest is allowed because every connection comes from loopback.
default_user = guest
default_pass = guest
# Tests must never be blocked by a low-disk alarm on a small CI disk.
disk_free_limit.absolute = 10MB
# Fresher stats in the management API (queue message counts etc.).
collect_statistics_interval = 1000
log.file.level = info
log.console = false
EOF
  write_tls_config
  if [[ -n "${CLUSTER_SEED:-}" ]]; then
    # Join the seed while booting (no stop_app / join_cluster / start_app
    # cycle afterwards); wait up to a minute for the seed to be up.
    cat >>"$BROKER_DIR/rabbitmq.conf" <<EOF
cluster_formation.peer_discovery_backend = classic_config
cluster_formation.classic_config.nodes.1 = ${CLUSTER_SEED}
cluster_formation.discovery_retry_limit = 120
cluster_formation.discovery_retry_interval = 500
EOF
  fi
  : >"$BROKER_DIR/rabbitmq-env.conf" # empty on purpose: ignore /etc/rabbitmq/rabbitmq-env.conf

  # Enable management plus the plugins later features need, when available.
  local plugins_dir wanted=() p
  plugins_dir="$(ls -d "$ROOT"/usr/lib/rabbitmq/lib/rabbitmq_server-*/plugins 2>/dev/null | sort -V | tail -n 1 || true)"
  # (The cluster's nodes boot with management alone: faster, and all they need.)
  for p in ${PLUGINS:-rabbitmq_management rabbitmq_shovel rabbitmq_shovel_management \
    rabbitmq_federation rabbitmq_federation_management rabbitmq_consistent_hash_exchange}; do
    if [[ -z "$plugins_dir" ]] || compgen -G "$plugins_dir/${p}-*" >/dev/null; then
      wanted+=("$p")
    else
      log "warning: plugin $p not shipped with this RabbitMQ, skipping"
    fi
  done
  local IFS=,
  printf '[%s].\n' "${wanted[*]}" >"$BROKER_DIR/enabled_plugins"
}

# TLS listeners on AMQP+1 and management+1, loopback only. verify_peer with
# fail_if_no_peer_cert=false: a client certificate is checked when sent (mutual
# TLS) but not required (plain TLS).
write_tls_config() {
  [[ "$TLS_ENABLED" == 1 ]] || return 0
  if ! command -v openssl >/dev/null 2>&1; then
    log "warning: openssl is not installed: no TLS listeners (the TLS tests will say so)"
    return 0
  fi
  make_tls_certs
  local d
  d="$(tls_node_dir)"
  cat >>"$BROKER_DIR/rabbitmq.conf" <<EOF
listeners.ssl.default = 127.0.0.1:$((AMQP_PORT + 1))
ssl_options.cacertfile = $d/ca.pem
ssl_options.certfile = $d/server.pem
ssl_options.keyfile = $d/server-key.pem
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = false
management.ssl.port = $((MGMT_PORT + 1))
management.ssl.ip = 127.0.0.1
management.ssl.cacertfile = $d/ca.pem
management.ssl.certfile = $d/server.pem
management.ssl.keyfile = $d/server-key.pem
management.ssl.verify = verify_peer
management.ssl.fail_if_no_peer_cert = false
EOF
}

# A node whose home (and so its Erlang cookie) does not exist was never started
# from this state directory; asking it anyway crashes the CLI's VM, which leaves
# an erl_crash.dump in the working directory.
node_running() { [[ -d "$ROOT$HOME" ]] && diag -q ping >/dev/null 2>&1; }

wait_mgmt() {
  local tries=$((START_TIMEOUT * 2)) i
  for ((i = 0; i < tries; i++)); do
    mgmt_ok && return 0
    sleep 0.5
  done
  return 1
}

cmd_start() {
  if mgmt_ok; then
    log "already running ($NODE_NAME, management on 127.0.0.1:$MGMT_PORT)"
    print_env
    return 0
  fi
  # A chrooted node's state lives in the chroot: build that first.
  [[ -z "$ROOT" ]] || ensure_chroot
  # Serialise concurrent starts (e.g. two vitest runs at once).
  mkdir -p "$BROKER_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$BROKER_DIR/start.lock"
    flock -w "$((START_TIMEOUT + 300))" 9 || die "timed out waiting for another 'broker.sh start'"
    if mgmt_ok; then
      log "already running ($NODE_NAME, started concurrently)"
      print_env
      return 0
    fi
  fi
  ensure_installed
  command -v node >/dev/null 2>&1 || die "node is required (used to poll the management API)"
  rmq_env
  write_config

  local t0=$SECONDS
  if node_running; then
    log "node $NODE_NAME is up but the management API does not answer yet; waiting"
  else
    local busy
    local tls_ports=()
    [[ "$TLS_ENABLED" == 1 ]] && tls_ports=("$((AMQP_PORT + 1))" "$((MGMT_PORT + 1))")
    reserve_ports "$AMQP_PORT" "${tls_ports[@]}"
    busy="$(busy_ports "$AMQP_PORT" "$MGMT_PORT" "$DIST_PORT" "${tls_ports[@]}")"
    if [[ -n "$busy" ]]; then
      die "port(s) $busy on 127.0.0.1 already in use by something else.
  Pick free ports with WARREN_BROKER_AMQP_PORT / WARREN_BROKER_MGMT_PORT / WARREN_BROKER_DIST_PORT."
    fi
    chroot_prepare
    local server=("$RMQ_BIN/rabbitmq-server")
    [[ -z "$ROOT" ]] || server=(chroot "$ROOT" "${server[@]}")
    log "starting $NODE_NAME (RabbitMQ $SERIES${ROOT:+ in $ROOT}, amqp 127.0.0.1:$AMQP_PORT, management 127.0.0.1:$MGMT_PORT, dist $DIST_PORT) ..."
    printf '\n==== %s start ====\n' "$(date '+%F %T')" >>"$CONSOLE_LOG"
    # Own session (setsid) + no inherited stdio, so the node outlives this shell
    # and callers that capture our output (vitest globalSetup) are not kept waiting.
    # 9>&- 8>&- : the node must not inherit (and hold forever) the locks.
    setsid nohup "${server[@]}" </dev/null >>"$CONSOLE_LOG" 2>&1 9>&- 8>&- &
    SERVER_PID=$!
    echo "$SERVER_PID" >"$BROKER_DIR/server-wrapper.pid"

    # Wait until the management listener accepts connections. A bash
    # /dev/tcp probe costs nothing, whereas every rabbitmq-diagnostics call
    # boots an Erlang VM (~0.7 s of CPU): polling with it slowed three
    # nodes booting side by side on two cores by a third.
    local deadline=$((SECONDS + START_TIMEOUT))
    until (exec 3<>"/dev/tcp/127.0.0.1/$MGMT_PORT") 2>/dev/null; do
      kill -0 "$SERVER_PID" 2>/dev/null || fail_start "rabbitmq-server exited during startup"
      ((SECONDS < deadline)) || fail_start "node did not come up within ${START_TIMEOUT}s"
      sleep 0.3
    done
  fi

  ctl await_startup --timeout "$START_TIMEOUT" >/dev/null 2>&1 ||
    fail_start "rabbitmqctl await_startup failed"
  wait_mgmt || fail_start "management API on 127.0.0.1:$MGMT_PORT did not answer"
  log "ready in $((SECONDS - t0))s"
  print_env
}

# The pid of this node's VM, from its pid file, if that process still runs it.
node_pid() {
  local pid
  pid="$(cat "$BROKER_DIR/rabbitmq.pid" 2>/dev/null)" || return 1
  # (4.x passes the node name in the environment only, not on the command line.)
  [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF -- "RABBITMQ_NODENAME=$NODE_NAME" && printf '%s\n' "$pid"
}

# Wait up to $2 s for pid $1 to exit; then SIGTERM it (10 s), then SIGKILL it.
reap() {
  local pid=$1 i sig wait=$2
  for sig in "" TERM KILL; do
    if [[ -n "$sig" ]]; then
      log "node $NODE_NAME (pid $pid) still running: SIG$sig"
      kill -"$sig" "$pid" 2>/dev/null || true
      wait=10
    fi
    for ((i = 0; i < wait * 5; i++)); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.2
    done
  done
  kill -0 "$pid" 2>/dev/null && die "node $NODE_NAME (pid $pid) survived SIGKILL"
  return 0
}

cmd_stop() {
  rmq_installed || { log "RabbitMQ $SERIES not installed; nothing to stop"; return 0; }
  rmq_env
  local pid
  pid="$(node_pid)" || pid=""
  if ! node_running; then
    # A VM that no longer answers (hung, or half-started) still holds the ports.
    [[ -z "$pid" ]] || reap "$pid" 0
    log "not running"
    chroot_release
    return 0
  fi
  log "stopping $NODE_NAME ..."
  # `shutdown` waits for the OS process to exit.
  ctl shutdown >/dev/null 2>&1 || ctl stop >/dev/null 2>&1 || true
  [[ -z "$pid" ]] || reap "$pid" 30
  if node_running; then
    die "node $NODE_NAME still running after shutdown"
  fi
  chroot_release
  log "stopped"
}

cmd_status() {
  if mgmt_ok; then
    log "running ($NODE_NAME, management on 127.0.0.1:$MGMT_PORT, amqp on 127.0.0.1:$AMQP_PORT)"
    return 0
  fi
  if rmq_installed; then
    rmq_env
    if node_running; then
      log "node $NODE_NAME is up but the management API is not answering"
      return 1
    fi
  fi
  log "not running"
  return 3
}

# --- the 3-node cluster ---------------------------------------------------------
CLUSTER_BASE="${WARREN_CLUSTER_DIR:-${CLUSTER_DEF_DIR:-$BROKER_DIR/cluster}}"
CLUSTER_SIZE=3
CLUSTER_PREFIX="${WARREN_CLUSTER_NODE_PREFIX:-$CLUSTER_DEF_PREFIX}"
CLUSTER_SHIFT="${WARREN_CLUSTER_PORT_SHIFT:-0}"
cluster_port() { echo $(($1 + CLUSTER_SHIFT + $2)); } # base, node

# Point the globals above at cluster node $1 (1..3).
cluster_node() {
  local i=$1
  [[ "$i" =~ ^[1-3]$ ]] || die "cluster node must be 1, 2 or 3 (got '$i')"
  NODE_NAME="${CLUSTER_PREFIX}${i}@localhost"
  AMQP_PORT=$(cluster_port "$CLUSTER_DEF_AMQP" "$i")
  MGMT_PORT=$(cluster_port "$CLUSTER_DEF_MGMT" "$i")
  DIST_PORT=$(cluster_port "$CLUSTER_DEF_DIST" "$i")
  BROKER_DIR="$CLUSTER_BASE/c${i}"
  LOG_DIR="$BROKER_DIR/log"
  CONSOLE_LOG="$LOG_DIR/console.log"
  NODE_LOG="$LOG_DIR/${NODE_NAME}.log"
  MGMT_URL="http://guest:guest@127.0.0.1:${MGMT_PORT}"
  AMQP_URL="amqp://guest:guest@127.0.0.1:${AMQP_PORT}"
  export WARREN_BROKER_HOME="$CLUSTER_BASE/home"
  CLUSTER_SEED=""
  PLUGINS="rabbitmq_management"
  TLS_ENABLED=0
  ((i == 1)) || CLUSTER_SEED="${CLUSTER_PREFIX}1@localhost"
  check_inside_root "$CLUSTER_BASE"
  mkdir -p "$WARREN_BROKER_HOME" && chmod 700 "$WARREN_BROKER_HOME"
}

cluster_env() {
  local i m=() a=() n=()
  for ((i = 1; i <= CLUSTER_SIZE; i++)); do
    m+=("http://guest:guest@127.0.0.1:$(cluster_port "$CLUSTER_DEF_MGMT" "$i")")
    a+=("amqp://guest:guest@127.0.0.1:$(cluster_port "$CLUSTER_DEF_AMQP" "$i")")
    n+=("${CLUSTER_PREFIX}${i}@localhost")
  done
  local IFS=,
  printf 'export WARREN_CLUSTER_MANAGEMENT_URLS=%s\n' "${m[*]}"
  printf 'export WARREN_CLUSTER_AMQP_URLS=%s\n' "${a[*]}"
  printf 'export WARREN_CLUSTER_NODES=%s\n' "${n[*]}"
}

# Start node $1 in a subshell (its own globals); output goes to stderr.
cluster_start_node() { (cluster_node "$1" && cmd_start >/dev/null); }
cluster_stop_node() { (cluster_node "$1" && cmd_stop); }

# Join node $1 to c1 unless it already is in c1's cluster.
cluster_join() {
  (
    cluster_node "$1"
    rmq_env
    local seed="${CLUSTER_PREFIX}1@localhost"
    if ctl cluster_status --formatter json 2>/dev/null | grep -q "\"$seed\""; then
      log "$NODE_NAME already in the cluster of $seed"
      exit 0
    fi
    log "joining $NODE_NAME to $seed ..."
    ctl stop_app >/dev/null
    ctl join_cluster "$seed" >/dev/null || { ctl start_app >/dev/null; die "join_cluster $seed failed for $NODE_NAME"; }
    ctl start_app >/dev/null 2>&1 # it logs harmless errors about the node it just left
    ctl await_startup --timeout "$START_TIMEOUT" >/dev/null
    wait_mgmt || die "management API of $NODE_NAME did not answer after joining"
  )
}

cmd_cluster_start() {
  local t0=$SECONDS i pids=() rc=0
  ensure_installed
  # The nodes boot in parallel (the slow part), then join one by one.
  for ((i = 1; i <= CLUSTER_SIZE; i++)); do
    cluster_start_node "$i" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=$?; done
  ((rc == 0)) || die "a cluster node did not start (see $CLUSTER_BASE/cN/log)"
  for ((i = 2; i <= CLUSTER_SIZE; i++)); do cluster_join "$i"; done
  log "cluster ready in $((SECONDS - t0))s"
  cluster_env
}

cmd_cluster_stop() {
  local i
  for ((i = CLUSTER_SIZE; i >= 1; i--)); do cluster_stop_node "$i"; done
}

case "${1:-}" in
  cluster-start) cmd_cluster_start ;;
  cluster-stop) cmd_cluster_stop ;;
  cluster-env) cluster_env ;;
  cluster-stop-node) cluster_stop_node "${2:-}" ;;
  cluster-start-node)
    cluster_start_node "${2:-}"
    cluster_env
    ;;
  cluster-ctl) # rabbitmqctl on node N, e.g. `cluster-ctl 2 set_vm_memory_high_watermark 0.4`
    shift
    n="${1:-}"
    shift || true
    (cluster_node "$n" && rmq_env && ctl "$@")
    ;;
  cluster-reset)
    cmd_cluster_stop
    remove_tree "$CLUSTER_BASE"
    log "removed $CLUSTER_BASE"
    ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop && cmd_start ;;
  status) cmd_status ;;
  env) print_env ;;
  url) printf '%s\n' "$MGMT_URL" ;;
  amqp-url) printf '%s\n' "$AMQP_URL" ;;
  logs) show_logs ;;
  chroot-remove) cmd_chroot_remove ;;
  reset)
    cmd_stop
    remove_tree "$BROKER_DIR"
    log "removed $BROKER_DIR"
    ;;
  *)
    echo "usage: $0 [--series 3.10|4.0|4.3|latest] {start|stop|restart|status|env|url|amqp-url|logs|reset|chroot-remove|cluster-start|cluster-stop|cluster-env|cluster-stop-node N|cluster-start-node N|cluster-ctl N ARGS|cluster-reset}" >&2
    exit 64
    ;;
esac
