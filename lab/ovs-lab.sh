#!/usr/bin/env bash
# Open vSwitch LACP lab: two (or three) Open vSwitch switches on the userspace datapath, each in its
# own network namespace, joined by veth pairs, with an LACP bond on each side, driven through the
# scenarios below. For every scenario it writes captures/lab/<scenario>/:
#   <if>.pcap          one tcpdump per bond member (captured on switch A's end; a veth end sees
#                      both directions), LACP only
#   all.pcapng         the same members in one multi-interface pcapng (dumpcap)
#   ovs-lacp-show.txt, ovs-lacp-stats.txt, ovs-bond-show.txt   each switch's verdict at the end
#   ovs-snapshots.txt  the same commands at the key moments of the scenario
#   scenario.json      what was done when, the expected finding codes, the switches' verdicts
#
# Usage: sudo bash lab/ovs-lab.sh [SCENARIO...]      (default: all; runs them in parallel)
#        sudo bash lab/ovs-lab.sh --list
#        sudo bash lab/ovs-lab.sh --cleanup           (remove what an interrupted run left)
# Needs: openvswitch-switch, tcpdump, dumpcap (wireshark-common/tshark), iproute2, jq.
# Sends nothing outside the namespaces it creates.

. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SCENARIOS=(healthy-fast healthy-slow active-passive passive-passive lacp-off key-mismatch
  two-systems member-down-up partner-stops-lacp rate-mismatch system-id-change four-member)

SYS_A=02:0a:00:00:00:0a
SYS_B=02:0b:00:00:00:0b
SYS_B2=02:0b:00:00:00:2b
SYS_B_NEW=02:0b:00:00:00:bb

ns_of() { echo "${NS_PREFIX}$1-$2"; }

# two_switches NAME N: namespaces A and B, N cables aI <-> bI, a switch with one bridge on each side.
two_switches() {
  local name=$1 n=$2 i
  netns_new "$(ns_of "$name" a)"; netns_new "$(ns_of "$name" b)"
  for ((i = 0; i < n; i++)); do veth "$(ns_of "$name" a)" "a$i" "$(ns_of "$name" b)" "b$i"; done
  ovs_start "$name-A" "$(ns_of "$name" a)"; add_bridge "$name-A" brA
  ovs_start "$name-B" "$(ns_of "$name" b)"; add_bridge "$name-B" brB
}

members() { local p=$1 n=$2 i; for ((i = 0; i < n; i++)); do printf '%s%d ' "$p" "$i"; done; }

# lacp_bond SWITCH BRIDGE BOND MODE TIME SYSID IFACE... [-- MORE OVS-VSCTL COMMANDS]: an LACP bond
# (balance-tcp needs LACP), created in one transaction with the commands after `--`.
lacp_bond() {
  local sw=$1 br=$2 bond=$3 mode=$4 time=$5 sysid=$6 ifaces=()
  shift 6
  while [ $# -gt 0 ] && [ "$1" != -- ]; do ifaces+=("$1"); shift; done
  vsctl "$sw" add-bond "$br" "$bond" "${ifaces[@]}" lacp="$mode" bond_mode=balance-tcp \
    other_config:lacp-time="$time" other_config:lacp-system-id="$sysid" "$@"
}

start_capture() { mark_t0; capture_start "$1" "$(ns_of "$2" a)" $(members a "$3"); }

finish() {
  local dir=$1 name=$2 desc=$3 codes=$4
  shift 4
  snapshot "$dir" final "$@"
  capture_stop "$dir"
  event "$dir" "captures stopped"
  write_scenario_json "$dir" "$name" "$desc" "$codes"
}

scn_healthy_fast() {
  local d=$1 n=healthy-fast
  two_switches $n 2; start_capture "$d" $n 2
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1; event "$d" "switch A: bond a0+a1, lacp=active, lacp-time=fast"
  lacp_bond $n-B brB bondB active fast $SYS_B b0 b1; event "$d" "switch B: bond b0+b1, lacp=active, lacp-time=fast"
  sleep_until 20
  finish "$d" $n "Two Open vSwitch bonds of two members, both active at the fast rate: healthy." "" $n-A $n-B
}

scn_healthy_slow() {
  local d=$1 n=healthy-slow
  two_switches $n 2; start_capture "$d" $n 2
  lacp_bond $n-A brA bondA active slow $SYS_A a0 a1; event "$d" "switch A: bond a0+a1, lacp=active, lacp-time=slow"
  lacp_bond $n-B brB bondB active slow $SYS_B b0 b1; event "$d" "switch B: bond b0+b1, lacp=active, lacp-time=slow"
  sleep_until 100
  finish "$d" $n "Two Open vSwitch bonds of two members, both active at the slow rate (one PDU per 30 s): healthy." "" $n-A $n-B
}

scn_active_passive() {
  local d=$1 n=active-passive
  two_switches $n 2; start_capture "$d" $n 2
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1; event "$d" "switch A: bond a0+a1, lacp=active, lacp-time=fast"
  lacp_bond $n-B brB bondB passive fast $SYS_B b0 b1; event "$d" "switch B: bond b0+b1, lacp=passive, lacp-time=fast"
  sleep_until 20
  finish "$d" $n "Switch A active, switch B passive (it answers): healthy." "" $n-A $n-B
}

scn_passive_passive() {
  local d=$1 n=passive-passive
  two_switches $n 2; start_capture "$d" $n 2
  lacp_bond $n-A brA bondA passive fast $SYS_A a0 a1; event "$d" "switch A: bond a0+a1, lacp=passive, lacp-time=fast"
  lacp_bond $n-B brB bondB passive fast $SYS_B b0 b1; event "$d" "switch B: bond b0+b1, lacp=passive, lacp-time=fast"
  sleep_until 40
  finish "$d" $n "Both bonds passive: neither side starts LACP, the bond never forms." "NO_LACPDUS" $n-A $n-B
}

scn_lacp_off() {
  local d=$1 n=lacp-off
  two_switches $n 2; start_capture "$d" $n 2
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1; event "$d" "switch A: bond a0+a1, lacp=active, lacp-time=fast"
  vsctl $n-B add-bond brB bondB b0 b1 bond_mode=active-backup; event "$d" "switch B: bond b0+b1 without LACP (lacp=off, active-backup)"
  sleep_until 40
  finish "$d" $n "Switch A runs LACP, switch B bonds the same links statically without LACP: A has no partner." "NO_PARTNER" $n-A $n-B
}

scn_key_mismatch() {
  local d=$1 n=key-mismatch
  two_switches $n 4; start_capture "$d" $n 4
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1 a2 a3; event "$d" "switch A: bond a0+a1+a2+a3, lacp=active, lacp-time=fast"
  # OVS advertises one key per bond (its first member's), so a member with a different key is a
  # second bond of the same system (same lacp-system-id) with another lacp-aggregation-key.
  lacp_bond $n-B brB bondB1 active fast $SYS_B b0 b1 \
    -- set interface b0 other_config:lacp-aggregation-key=10 -- set interface b1 other_config:lacp-aggregation-key=10
  lacp_bond $n-B brB bondB2 active fast $SYS_B b2 b3 \
    -- set interface b2 other_config:lacp-aggregation-key=20 -- set interface b3 other_config:lacp-aggregation-key=20
  event "$d" "switch B: same system id, b0+b1 with aggregation key 10 and b2+b3 with aggregation key 20"
  sleep_until 20
  finish "$d" $n "Switch A bonds four links; switch B (one system) gives two of them key 10 and two key 20, so A can aggregate only one pair." \
    "PARTNER_KEY_MISMATCH ACTOR_KEY_MISMATCH" $n-A $n-B
}

scn_two_systems() {
  local d=$1 n=two-systems
  two_switches $n 4; add_bridge $n-B brB2; start_capture "$d" $n 4
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1 a2 a3; event "$d" "switch A: bond a0+a1+a2+a3, lacp=active, lacp-time=fast"
  lacp_bond $n-B brB bondB active fast $SYS_B b0 b1
  lacp_bond $n-B brB2 bondB2 active fast $SYS_B2 b2 b3
  event "$d" "far side: b0+b1 on a bridge with system id $SYS_B, b2+b3 on another bridge with system id $SYS_B2 (two unstacked switches)"
  sleep_until 20
  finish "$d" $n "Switch A's four members are cabled to two different LACP systems (like two switches without a shared MLAG system id): only one pair can be aggregated." \
    "PARTNER_SYSTEM_MISMATCH" $n-A $n-B
}

scn_member_down_up() {
  local d=$1 n=member-down-up nb
  nb=$(ns_of $n b)
  two_switches $n 2; start_capture "$d" $n 2
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1; event "$d" "switch A: bond a0+a1, lacp=active, lacp-time=fast"
  lacp_bond $n-B brB bondB active fast $SYS_B b0 b1; event "$d" "switch B: bond b0+b1, lacp=active, lacp-time=fast"
  sleep_until 12; snapshot "$d" "before link down" $n-A $n-B
  ip netns exec "$nb" ip link set b1 down; event "$d" "switch B: ip link set b1 down (a1 loses carrier)"
  sleep_until 20; snapshot "$d" "link down" $n-A $n-B
  ip netns exec "$nb" ip link set b1 up; event "$d" "switch B: ip link set b1 up"
  sleep_until 35
  finish "$d" $n "Member a1/b1 goes down for about 15 s and comes back: it leaves the bundle and rejoins after renegotiating." \
    "EXPIRED" $n-A $n-B
}

scn_partner_stops_lacp() {
  local d=$1 n=partner-stops-lacp
  two_switches $n 2; start_capture "$d" $n 2
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1; event "$d" "switch A: bond a0+a1, lacp=active, lacp-time=fast"
  lacp_bond $n-B brB bondB active fast $SYS_B b0 b1; event "$d" "switch B: bond b0+b1, lacp=active, lacp-time=fast"
  sleep_until 12; snapshot "$d" "healthy" $n-A $n-B
  vsctl $n-B set port bondB lacp=off bond_mode=active-backup; event "$d" "switch B: lacp=off on bondB (stops sending LACPDUs)"
  sleep_until 17; snapshot "$d" "partner silent" $n-A $n-B
  sleep_until 55
  finish "$d" $n "Bundled at the fast rate, then switch B stops LACP: A's members time out after 3 s (expired), then default, and A falls back to the slow rate." \
    "PDU_TIMEOUT EXPIRED DEFAULTED" $n-A $n-B
}

scn_rate_mismatch() {
  local d=$1 n=rate-mismatch
  two_switches $n 2; start_capture "$d" $n 2
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1; event "$d" "switch A: bond a0+a1, lacp=active, lacp-time=fast"
  lacp_bond $n-B brB bondB active slow $SYS_B b0 b1; event "$d" "switch B: bond b0+b1, lacp=active, lacp-time=slow"
  sleep_until 70
  finish "$d" $n "Switch A asks for the fast rate, switch B for the slow one: each sends at the rate the other asked for, which is legal." \
    "ASYMMETRIC_RATE" $n-A $n-B
}

scn_system_id_change() {
  local d=$1 n=system-id-change
  two_switches $n 2; start_capture "$d" $n 2
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1; event "$d" "switch A: bond a0+a1, lacp=active, lacp-time=fast"
  lacp_bond $n-B brB bondB active fast $SYS_B b0 b1; event "$d" "switch B: bond b0+b1, lacp=active, lacp-time=fast"
  sleep_until 12; snapshot "$d" "before change" $n-A $n-B
  vsctl $n-B set port bondB other_config:lacp-system-id=$SYS_B_NEW; event "$d" "switch B: lacp-system-id $SYS_B -> $SYS_B_NEW"
  sleep_until 25
  finish "$d" $n "Switch B's LACP system id changes mid-run (like a bond MAC change after an upgrade): the links renegotiate with the new identity." \
    "SYSTEM_CHANGED" $n-A $n-B
}

scn_four_member() {
  local d=$1 n=four-member
  two_switches $n 4; start_capture "$d" $n 4
  lacp_bond $n-A brA bondA active fast $SYS_A a0 a1 a2 a3; event "$d" "switch A: bond a0+a1+a2+a3, lacp=active, lacp-time=fast"
  lacp_bond $n-B brB bondB active fast $SYS_B b0 b1 b2 b3; event "$d" "switch B: bond b0+b1+b2+b3, lacp=active, lacp-time=fast"
  sleep_until 20
  finish "$d" $n "Two Open vSwitch bonds of four members each at the fast rate: healthy." "" $n-A $n-B
}

run_scenario() {
  local name=$1 dir="$LAB_OUT/$1"
  rm -rf "$dir"; mkdir -p "$dir"; rm -f "$LAB_WORK/$name".*
  (
    trap 'set +e; cleanup_scenario '"$name" EXIT
    # Trace into the run log only, never into the verdict files.
    exec 9>>"$LAB_WORK/$name.trace"; BASH_XTRACEFD=9
    set -ex
    "scn_${name//-/_}" "$dir"
  ) >"$LAB_WORK/$name.log" 2>&1
  local rc=$?
  [ $rc = 0 ] && echo "ok   $name" || echo "FAIL $name (rc=$rc, see $LAB_WORK/$name.log)"
  return $rc
}

cleanup_all() {
  local n
  for n in "${SCENARIOS[@]}"; do cleanup_scenario "$n" >/dev/null 2>&1; done
}

case "${1:-}" in
  --list) printf '%s\n' "${SCENARIOS[@]}"; exit 0 ;;
  --cleanup) cleanup_all; exit 0 ;;
esac

require_tools ovs-vsctl ovs-vswitchd ovsdb-server ovsdb-tool ovs-appctl tcpdump dumpcap editcap ip jq awk
mkdir -p "$LAB_WORK/ovs" "$LAB_OUT"
cleanup_all
trap cleanup_all EXIT INT TERM

selected=("$@")
[ ${#selected[@]} = 0 ] && selected=("${SCENARIOS[@]}")
for s in "${selected[@]}"; do
  declare -F "scn_${s//-/_}" >/dev/null || die "unknown scenario: $s (see --list)"
done

# Scenarios are independent (own namespaces and switches), so they run side by side.
pids=()
for s in "${selected[@]}"; do run_scenario "$s" & pids+=($!); sleep 0.5; done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit $failed
