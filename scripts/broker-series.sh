# shellcheck shell=bash
# Sourced by scripts/broker.sh: which RabbitMQ series a node runs and, for the
# 4.x series, the Debian chroot it runs in.
#
#   series  RabbitMQ from               node                      amqp  mgmt  dist  ctl    TLS amqp/mgmt
#   3.10    the host's Debian package   warren-test@localhost     56720 15680 25680 35690  (see write_config)
#   4.0     Debian trixie, in a chroot  warren-test-40@localhost  56750 15750 25750 35730  56751/15751
#   4.3     Debian sid, in a chroot     warren-test-43@localhost  56760 15760 25760 35740  56761/15761
#   latest  = 4.3
#
#   cluster nodes N = 1..3:  3.10 warren-cN@localhost      amqp 5673N mgmt 1569N dist 2569N
#                            4.0  warren-c40-N@localhost   amqp 5674N mgmt 1574N dist 2574N
#                            4.3  warren-c43-N@localhost   amqp 5677N mgmt 1577N dist 2577N
#
# The chroot: ${WARREN_CHROOT_BASE:-/var/cache/warren}/chroot-SUITE, made by
# `debootstrap --variant=minbase SUITE DIR MIRROR` from the host's own Debian
# mirror, with rabbitmq-server installed in it (a policy-rc.d keeps its service
# from starting). The file .warren-ready at its top marks it complete: a
# directory without it is a build that was interrupted and is rebuilt.
# A chrooted node sees only the chroot, so its state (data, logs, config,
# Erlang cookie) lives inside it, under /var/lib/warren/NODE-NAME (cluster:
# /var/lib/warren/cluster/cN). The repository's .broker/ holds 3.10's only.
# proc is mounted on DIR/proc while a node runs there, and unmounted when the
# last process inside the chroot has stopped.

SERIES=""   # 3.10, 4.0 or 4.3
SUITE=""    # Debian suite of the chroot; empty: the host's own RabbitMQ
ROOT=""     # the chroot's directory; empty: the host's root
CHROOT_BASE="$(realpath -m "${WARREN_CHROOT_BASE:-/var/cache/warren}")"
READY_MARKER=".warren-ready"

# Set the series' defaults: DEF_* (overridable by the WARREN_BROKER_* variables; the
# state directory: series_dir),
# the cluster's CLUSTER_DEF_*, and SERIES_TLS_* (the TLS listeners' ports).
select_series() {
  case "$1" in
    3.10 | 3)
      SERIES=3.10 SUITE="" ROOT=""
      DEF_NODE=warren-test@localhost DEF_AMQP=56720 DEF_MGMT=15680 DEF_DIST=25680 DEF_CTL=35690
      DEF_DIR="$REPO/.broker"
      SERIES_TLS_AMQP_PORT="" SERIES_TLS_MGMT_PORT=""
      CLUSTER_DEF_PREFIX=warren-c CLUSTER_DEF_AMQP=56730 CLUSTER_DEF_MGMT=15690 CLUSTER_DEF_DIST=25690
      ;;
    4.0)
      SERIES=4.0 SUITE=trixie
      DEF_NODE=warren-test-40@localhost DEF_AMQP=56750 DEF_MGMT=15750 DEF_DIST=25750 DEF_CTL=35730
      SERIES_TLS_AMQP_PORT=56751 SERIES_TLS_MGMT_PORT=15751
      CLUSTER_DEF_PREFIX=warren-c40- CLUSTER_DEF_AMQP=56740 CLUSTER_DEF_MGMT=15740 CLUSTER_DEF_DIST=25740
      ;;
    4.3 | 4 | latest)
      SERIES=4.3 SUITE=sid
      DEF_NODE=warren-test-43@localhost DEF_AMQP=56760 DEF_MGMT=15760 DEF_DIST=25760 DEF_CTL=35740
      SERIES_TLS_AMQP_PORT=56761 SERIES_TLS_MGMT_PORT=15761
      CLUSTER_DEF_PREFIX=warren-c43- CLUSTER_DEF_AMQP=56770 CLUSTER_DEF_MGMT=15770 CLUSTER_DEF_DIST=25770
      ;;
    *)
      printf '[broker] ERROR: unknown RabbitMQ series "%s" (WARREN_BROKER_SERIES or --series): use 3.10 (the default), 4.0, 4.3 or latest\n' "$1" >&2
      exit 64
      ;;
  esac
  [[ -z "$SUITE" ]] || ROOT="$CHROOT_BASE/chroot-$SUITE"
  CLUSTER_DEF_DIR="${ROOT:+$ROOT/var/lib/warren/cluster}"
}

# The default state directory of node $1: 3.10's is .broker/, a chrooted node's
# is named after it inside the chroot.
series_dir() {
  if [[ -n "$ROOT" ]]; then printf '%s\n' "$ROOT/var/lib/warren/${1%@*}"; else printf '%s\n' "$DEF_DIR"; fi
}

# The node's view of host path $1 (a chrooted node sees the chroot as /).
node_path() { printf '%s' "${1#"$ROOT"}"; }

# A chrooted node can only use state inside its chroot.
check_inside_root() {
  [[ -z "$ROOT" ]] && return 0
  local p
  for p in "$@"; do
    [[ "$p" == "$ROOT"/* ]] || die "$p is outside $ROOT: a RabbitMQ $SERIES node runs chrooted there and sees nothing else.
  Leave WARREN_BROKER_DIR / WARREN_CLUSTER_DIR unset, or point them inside $ROOT."
  done
}

# Run a RabbitMQ program (in-node path) for this series.
rmq_exec() {
  if [[ -n "$ROOT" ]]; then chroot "$ROOT" "$@"; else "$@"; fi
}

rmq_installed() {
  [[ -x "$ROOT$RMQ_BIN/rabbitmqctl" ]] && { [[ -z "$ROOT" ]] || [[ -f "$ROOT/$READY_MARKER" ]]; }
}

# --- the chroot ------------------------------------------------------------------

# The host's Debian mirror: the first non-security URI of its apt sources.
host_mirror() {
  local m="" f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r "$f" ]] || continue
    m="$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")"
    [[ -n "$m" ]] && break
  done
  if [[ -z "$m" ]]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -r "$f" ]] || continue
      m="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\// && $i !~ /security/) { print $i; exit } }' "$f")"
      [[ -n "$m" ]] && break
    done
  fi
  [[ -n "$m" ]] || die "cannot find the host's Debian mirror (no URIs: line in /etc/apt/sources.list.d/*.sources, no deb line in /etc/apt/sources.list)"
  printf '%s\n' "${m%/}"
}

# fd 8: one lock per chroot, for building it and for mounting/unmounting its proc.
chroot_lock() {
  mkdir -p "$CHROOT_BASE"
  exec 8>"$CHROOT_BASE/chroot-$SUITE.lock"
  flock -w 900 8 || die "timed out waiting for another broker.sh working on $ROOT"
}
chroot_unlock() { exec 8>&-; }

# Pids of the processes whose root directory is the chroot.
chroot_pids() {
  local p r
  for p in /proc/[0-9]*; do
    r="$(readlink "$p/root" 2>/dev/null)" || continue
    [[ "$r" == "$ROOT" ]] && printf '%s\n' "${p#/proc/}"
  done
  return 0
}

# Mount points at or below $1 (deepest first).
mounts_under() {
  awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r
}

chroot_mount_proc() {
  if ! awk -v m="$ROOT/proc" '$2 == m { f = 1 } END { exit !f }' /proc/mounts; then
    mount -t proc proc "$ROOT/proc" || die "cannot mount proc on $ROOT/proc (needs root)"
  fi
}

# Unmount what is mounted below the chroot once nothing runs in it any more.
chroot_release() {
  [[ -n "$ROOT" && -d "$ROOT" ]] || return 0
  chroot_lock
  if [[ -z "$(chroot_pids)" ]]; then
    local m
    while read -r m; do
      [[ -n "$m" ]] && { umount "$m" 2>/dev/null || umount -l "$m" || true; }
    done < <(mounts_under "$ROOT")
  fi
  chroot_unlock
}

# Ready the chroot for a node: proc mounted, the host's /etc/hosts (localhost),
# and an epmd started from the host (one started from inside the chroot would
# keep the chroot busy after the node has stopped).
chroot_prepare() {
  [[ -n "$ROOT" ]] || return 0
  chroot_lock
  chroot_mount_proc
  cp /etc/hosts "$ROOT/etc/hosts"
  if command -v epmd >/dev/null 2>&1; then epmd -daemon >/dev/null 2>&1 || true; fi
  chroot_unlock
}

# Remove a directory that may hold a chroot: refuse while anything runs inside,
# unmount what is mounted below it, and never cross into another file system.
remove_tree() {
  local dir="$1" m r pids
  [[ -e "$dir" ]] || return 0
  while read -r m; do
    [[ -n "$m" ]] || continue
    r="${m%/proc}"
    pids="$(ROOT="$r" chroot_pids)"
    [[ -z "$pids" ]] || die "processes still run in the chroot $r (pids: $(echo $pids)); stop its nodes first (broker.sh stop / cluster-stop with its series)"
    umount "$m" 2>/dev/null || umount -l "$m" || die "cannot unmount $m"
  done < <(mounts_under "$dir")
  rm -rf --one-file-system "$dir"
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and there is no apt-get to install it"
  log "installing debootstrap with apt-get ..."
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap; } >&2 ||
    die "apt-get install debootstrap failed"
}

build_chroot() {
  local t0=$SECONDS mirror blog="$CHROOT_BASE/chroot-$SUITE.build.log"
  if [[ -e "$ROOT" ]]; then
    log "$ROOT has no $READY_MARKER (an interrupted build): removing it to build it again"
    remove_tree "$ROOT"
  fi
  ensure_debootstrap
  mirror="$(host_mirror)"
  log "building a Debian $SUITE chroot for RabbitMQ $SERIES in $ROOT from $mirror (one-off, 2-4 minutes; log: $blog) ..."
  : >"$blog"
  debootstrap --variant=minbase "$SUITE" "$ROOT" "$mirror" >>"$blog" 2>&1 ||
    { tail -n 30 "$blog" >&2; die "debootstrap $SUITE failed (log: $blog)"; }
  # The package's postinst must not start the system-wide service.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod +x "$ROOT/usr/sbin/policy-rc.d"
  [[ -r /etc/resolv.conf ]] && cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
  chroot_mount_proc
  local in_env=(/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C)
  # The mirror may serve a snapshot whose Release file has expired.
  { chroot "$ROOT" "${in_env[@]}" apt-get -o Acquire::Check-Valid-Until=false -q update &&
    chroot "$ROOT" "${in_env[@]}" apt-get -o Acquire::Check-Valid-Until=false install -y -q --no-install-recommends rabbitmq-server; } >>"$blog" 2>&1 ||
    { tail -n 30 "$blog" >&2; die "installing rabbitmq-server in $ROOT failed (log: $blog)"; }
  [[ -x "$ROOT$RMQ_BIN/rabbitmq-server" ]] || die "rabbitmq-server installed in $ROOT but $RMQ_BIN/rabbitmq-server is missing"
  local version
  version="$(ls -d "$ROOT"/usr/lib/rabbitmq/lib/rabbitmq_server-* | sed 's/.*rabbitmq_server-//' | sort -V | tail -n 1)"
  printf 'suite=%s\nrabbitmq=%s\nmirror=%s\nbuilt=%s\n' "$SUITE" "$version" "$mirror" "$(date -u '+%FT%TZ')" >"$ROOT/$READY_MARKER"
  log "chroot $ROOT ready in $((SECONDS - t0))s (RabbitMQ $version)"
}

# The chroot, built when missing or incomplete (root only).
ensure_chroot() {
  [[ -n "$ROOT" ]] || return 0
  [[ -f "$ROOT/$READY_MARKER" ]] && return 0
  if [[ "$(id -u)" != 0 ]]; then
    die "RabbitMQ $SERIES runs in a Debian $SUITE chroot at $ROOT, which is missing or incomplete.
  Building it (debootstrap, chroot, mount) needs root: run this as root once."
  fi
  command -v chroot >/dev/null 2>&1 && command -v flock >/dev/null 2>&1 || die "chroot and flock are required"
  chroot_lock
  [[ -f "$ROOT/$READY_MARKER" ]] || build_chroot
  chroot_unlock
  chroot_release # the build mounted proc; nothing runs there yet
}

# `broker.sh chroot-remove`: delete the series' chroot (its nodes' state with it).
cmd_chroot_remove() {
  [[ -n "$ROOT" ]] || die "series $SERIES uses the host's RabbitMQ: there is no chroot to remove"
  [[ -e "$ROOT" ]] || { log "no chroot at $ROOT"; return 0; }
  chroot_lock
  remove_tree "$ROOT"
  chroot_unlock
  log "removed $ROOT"
}
