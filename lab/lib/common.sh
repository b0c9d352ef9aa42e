# Shared helpers for the LACP labs (sourced by ovs-lab.sh and linux-bond-lab.sh).
#
# Every switch is a private Open vSwitch instance (own database, sockets, logs and pid files under
# $LAB_WORK) running the userspace datapath inside its own network namespace: the netdev datapath
# reads and writes the member interfaces with AF_PACKET sockets, so ovs-vswitchd must live in the
# namespace that owns them, and no kernel module is needed.

set -o pipefail

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB_WORK=${LAB_WORK:-/tmp/lacpscope-lab}
LAB_OUT=${LAB_OUT:-$LAB_ROOT/captures/lab}
OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
# Namespaces this lab creates all carry this prefix, so a rerun can clear what a killed run left.
NS_PREFIX=lslab-

die() { echo "lab: $*" >&2; exit 1; }

require_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"; done
  [ "$(id -u)" = 0 ] || die "run as root (network namespaces, tcpdump, Open vSwitch)"
}

# Seconds since the scenario's time zero (set by mark_t0), one decimal.
mark_t0() { T0=$(date +%s.%N); }
rel() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
sleep_until() { local d; d=$(awk -v t="$1" -v n="$(rel)" 'BEGIN { d = t - n; print (d > 0 ? d : 0) }'); sleep "$d"; }

# event DIR TEXT: log what was done, with its time relative to the capture start.
event() {
  local t; t=$(rel)
  printf '%s\t%s\n' "$t" "$2" >>"$1/events.tsv"
  echo "[$(basename "$1") t=$t] $2"
}

# ovs_start NAME NS: start ovsdb-server and ovs-vswitchd for switch NAME inside namespace NS.
ovs_start() {
  local name=$1 ns=$2 d="$LAB_WORK/ovs/$1"
  ovs_stop "$name"   # a previous run's daemons, found by their pid files before those go
  rm -rf "$d"; mkdir -p "$d"
  ovsdb-tool create "$d/conf.db" "$OVS_SCHEMA" >/dev/null
  OVS_RUNDIR=$d OVS_LOGDIR=$d ip netns exec "$ns" ovsdb-server "$d/conf.db" \
    --remote="punix:$d/db.sock" --pidfile="$d/ovsdb-server.pid" --unixctl="$d/ovsdb-server.ctl" \
    --log-file="$d/ovsdb-server.log" --detach --no-chdir
  vsctl "$name" --no-wait init
  # Raised priority: on a busy host the LACP timers should still keep their own pace.
  OVS_RUNDIR=$d OVS_LOGDIR=$d ip netns exec "$ns" nice -n -10 ovs-vswitchd "unix:$d/db.sock" \
    --pidfile="$d/ovs-vswitchd.pid" --unixctl="$d/ovs-vswitchd.ctl" \
    --log-file="$d/ovs-vswitchd.log" --detach --no-chdir
}

vsctl() { local d="$LAB_WORK/ovs/$1"; shift; ovs-vsctl --timeout=20 --db="unix:$d/db.sock" "$@"; }
appctl() { local d="$LAB_WORK/ovs/$1"; shift; ovs-appctl --timeout=20 -t "$d/ovs-vswitchd.ctl" "$@"; }

# ovs_stop NAME: stop that switch's daemons by their pid files (never by process name).
ovs_stop() {
  local d="$LAB_WORK/ovs/$1" p pid
  [ -d "$d" ] || return 0
  [ -S "$d/ovs-vswitchd.ctl" ] && ovs-appctl --timeout=5 -t "$d/ovs-vswitchd.ctl" exit >/dev/null 2>&1
  # The daemons remove their own pid files as they exit, so each read may find nothing.
  for p in ovs-vswitchd ovsdb-server; do
    pid=$(cat "$d/$p.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
  done
  sleep 0.2
  for p in ovs-vswitchd ovsdb-server; do
    pid=$(cat "$d/$p.pid" 2>/dev/null) && kill -9 "$pid" 2>/dev/null
    rm -f "$d/$p.pid"
  done
  return 0
}

# add_bridge SWITCH BRIDGE: a bridge on the userspace datapath.
add_bridge() { vsctl "$1" add-br "$2" -- set bridge "$2" datapath_type=netdev; }

# netns_new NS: a fresh namespace with IPv6 off, so nothing but LACP crosses the links.
netns_new() {
  ip netns del "$1" 2>/dev/null || true
  ip netns add "$1"
  ip netns exec "$1" ip link set lo up
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# veth NS_A IF_A NS_B IF_B: one cable between two namespaces, both ends up.
veth() {
  ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
  ip netns exec "$1" ip link set "$2" up
  ip netns exec "$3" ip link set "$4" up
}

# capture_start DIR NS IF...: one tcpdump per interface (DIR/IF.pcap) plus one dumpcap writing all of
# them into DIR/all.pcapng (one interface block per member, named after it). Pids go to DIR/.pids.
capture_start() {
  local dir=$1 ns=$2 i args=()
  shift 2
  for i in "$@"; do
    ip netns exec "$ns" tcpdump -U --immediate-mode -Z root -n -i "$i" -w "$dir/$i.pcap" 'ether proto 0x8809' \
      >/dev/null 2>>"$LAB_WORK/$(basename "$dir").capture.log" &
    echo $! >>"$dir/.pids"
    args+=(-i "$i")
  done
  # A filter given before the first -i applies to every interface (after it, only to the last one).
  ip netns exec "$ns" dumpcap -q -f 'ether proto 0x8809' "${args[@]}" -w "$dir/all.pcapng" \
    >/dev/null 2>>"$LAB_WORK/$(basename "$dir").capture.log" &
  echo $! >>"$dir/.pids"
  # Both tools need a moment before the socket filter is attached.
  sleep 1.5
}

# capture_stop DIR: stop the captures and cut every file at the moment the stop was asked for, so
# the per-interface files and all.pcapng hold exactly the same frames, none of them lost: the
# tools stop one after the other, and a frame still in the kernel's capture buffer when a tool
# stops is never written, hence the wait before stopping.
capture_stop() {
  local dir=$1 p cut f
  [ -f "$dir/.pids" ] || return 0
  cut=$(date +%s.%N)
  sleep 2
  while read -r p; do kill -INT "$p" 2>/dev/null || true; done <"$dir/.pids"
  sleep 1
  while read -r p; do kill -9 "$p" 2>/dev/null || true; done <"$dir/.pids"
  rm -f "$dir/.pids"
  for f in "$dir"/*.pcap "$dir"/*.pcapng; do
    [ -f "$f" ] || continue
    editcap -F "${f##*.}" -B "$cut" "$f" "$f.cut" >/dev/null 2>&1 && mv "$f.cut" "$f"
  done
  chmod 644 "$dir"/*.pcap* 2>/dev/null || true
}

# snapshot DIR LABEL SWITCH...: every switch's lacp/show, lacp/show-stats and bond/show, appended to
# DIR/ovs-snapshots.txt with the time; with LABEL "final" they also become the verdict files.
snapshot() {
  local dir=$1 label=$2 sw t name
  shift 2
  t=$(rel)
  for sw in "$@"; do
    name=${sw##*-}
    {
      printf '=== t=%s s %s: switch %s ===\n' "$t" "$label" "$name"
      echo '--- ovs-appctl lacp/show'; appctl "$sw" lacp/show
      echo '--- ovs-appctl lacp/show-stats'; appctl "$sw" lacp/show-stats
      echo '--- ovs-appctl bond/show'; appctl "$sw" bond/show
    } >>"$dir/ovs-snapshots.txt" 2>&1
    if [ "$label" = final ]; then
      { printf '### switch %s (t=%s s)\n' "$name" "$t"; appctl "$sw" lacp/show; } >>"$dir/ovs-lacp-show.txt" 2>&1
      { printf '### switch %s (t=%s s)\n' "$name" "$t"; appctl "$sw" lacp/show-stats; } >>"$dir/ovs-lacp-stats.txt" 2>&1
      { printf '### switch %s (t=%s s)\n' "$name" "$t"; appctl "$sw" bond/show; } >>"$dir/ovs-bond-show.txt" 2>&1
    fi
  done
}

# ovs_verdict_json DIR: the final lacp/show of every switch as JSON
# [{switch, bond, status, sysId, members: [{name, rx, attached, actorState, partnerSysId}]}].
ovs_verdict_json() {
  awk '
    /^### switch / { if (b != "") out(); b = ""; sw = $3 }
    /^---- .* ----$/ { if (b != "") out(); b = $2; st = ""; sys = ""; nm = 0 }
    /^[ \t]+status: / { sub(/^[ \t]+status: /, ""); st = $0 }
    /^[ \t]+sys_id: / { sys = $2 }
    /^(member|slave): / { nm++; split($0, f, /: /); name[nm] = f[2]; split(f[3], s, " "); rx[nm] = s[1]; att[nm] = s[2] }
    /^[ \t]+actor state:/ { sub(/^[ \t]+actor state: ?/, ""); ast[nm] = $0 }
    /^[ \t]+partner sys_id: / { psys[nm] = $3 }
    function out(   i, sep) {
      printf "%s{\"switch\":\"%s\",\"bond\":\"%s\",\"status\":\"%s\",\"sysId\":\"%s\",\"members\":[", osep, sw, b, st, sys
      sep = ""
      for (i = 1; i <= nm; i++) {
        printf "%s{\"name\":\"%s\",\"rx\":\"%s\",\"attached\":%s,\"actorState\":\"%s\",\"partnerSysId\":\"%s\"}", sep, name[i], rx[i], (att[i] == "attached" ? "true" : "false"), ast[i], psys[i]
        sep = ","
      }
      printf "]}"; osep = ","
    }
    BEGIN { printf "["; b = "" }
    END { if (b != "") out(); printf "]\n" }
  ' "$1/ovs-lacp-show.txt"
}

# cleanup_scenario NAME: stop the captures, switches and namespaces of one scenario.
cleanup_scenario() {
  local name=$1 d ns
  capture_stop "$LAB_OUT/$name"
  for d in "$LAB_WORK"/ovs/"$name"-*; do [ -d "$d" ] && ovs_stop "$(basename "$d")"; done
  for ns in $(ip netns list | awk '{print $1}' | grep "^${NS_PREFIX}$name-"); do ip netns del "$ns"; done
  return 0
}

# write_scenario_json DIR NAME DESCRIPTION EXPECTED_CODES(space separated) [EXTRA_JSON]
write_scenario_json() {
  local dir=$1 name=$2 desc=$3 codes=$4 extra=${5:-'{}'} files events
  events=$(cat "$dir/events.tsv"); rm -f "$dir/events.tsv"
  files=$(cd "$dir" && ls -1 | jq -R . | jq -s .)
  jq -n --arg name "$name" --arg desc "$desc" --arg codes "$codes" \
    --argjson ovs "$(ovs_verdict_json "$dir")" --argjson files "$files" --argjson extra "$extra" \
    --arg events "$events" '
    {
      name: $name,
      description: $desc,
      timeline: [$events | split("\n")[] | select(length > 0) | split("\t") | {t: (.[0] | tonumber), action: .[1]}],
      expectedFindings: ($codes | split(" ") | map(select(length > 0))),
      verdicts: {openvswitch: $ovs},
      files: $files
    } * $extra' >"$dir/scenario.json"
}

# A lab script defines SCENARIOS, scenario_main NAME (runs one scenario into $LAB_OUT/NAME) and
# scenario_cleanup NAME (removes whatever that scenario may have left), then calls lab_start "$@",
# require_tools ..., lab_prepare "$@" and run_scenario for each name in ${selected[@]}.
lab_start() {
  case "${1:-}" in
    --list) printf '%s\n' "${SCENARIOS[@]}"; exit 0 ;;
    --cleanup) cleanup_all; exit 0 ;;
  esac
}

lab_prepare() {
  local s
  mkdir -p "$LAB_WORK/ovs" "$LAB_OUT"
  cleanup_all
  trap cleanup_all EXIT INT TERM
  selected=("$@")
  [ ${#selected[@]} = 0 ] && selected=("${SCENARIOS[@]}")
  for s in "${selected[@]}"; do
    [[ " ${SCENARIOS[*]} " == *" $s "* ]] || die "unknown scenario: $s (see --list)"
  done
}

cleanup_all() {
  local n
  for n in "${SCENARIOS[@]}"; do scenario_cleanup "$n" >/dev/null 2>&1; done
}

# run_scenario NAME: one scenario in a subshell that cleans up after itself whatever happens; its
# output goes to $LAB_WORK/NAME.log and a shell trace to $LAB_WORK/NAME.trace.
run_scenario() {
  local name=$1 dir="$LAB_OUT/$1" rc
  rm -rf "$dir" "${LAB_WORK:?}/$name"; mkdir -p "$dir"; rm -f "$LAB_WORK/$name".*
  (
    trap 'set +e; scenario_cleanup '"$name" EXIT
    # Trace into the run log only, never into the verdict files.
    exec 9>>"$LAB_WORK/$name.trace"; BASH_XTRACEFD=9
    set -ex
    scenario_main "$name"
  ) >"$LAB_WORK/$name.log" 2>&1
  rc=$?
  if [ $rc = 0 ]; then echo "ok   $name"; else echo "FAIL $name (rc=$rc, see $LAB_WORK/$name.log)"; fi
  return $rc
}
