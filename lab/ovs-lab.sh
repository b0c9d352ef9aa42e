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

# finish DIR NAME DESCRIPTION CODES: final verdicts of both switches, captures stopped, scenario.json.
finish() {
  local dir=$1 name=$2 desc=$3 codes=$4
  snapshot "$dir" final "$name-A" "$name-B"
  capture_stop "$dir"
  event "$dir" "captures stopped"
  write_scenario_json "$dir" "$name" "$desc" "$codes"
}

# bonded_pair DIR NAME N MODE_A TIME_A MODE_B TIME_B: switches A and B joined by N cables, captures
# running, then an LACP bond on each side (MODE_B "off": a static bond without LACP).
bonded_pair() {
  local d=$1 n=$2 k=$3 mode_a=$4 time_a=$5 mode_b=$6 time_b=$7 a b
  a=$(members a "$k"); b=$(members b "$k")
  local pa pb; pa=$(echo $a | tr ' ' +); pb=$(echo $b | tr ' ' +)
  two_switches "$n" "$k"; start_capture "$d" "$n" "$k"
  lacp_bond "$n-A" brA bondA "$mode_a" "$time_a" $SYS_A $a
  event "$d" "switch A: bond $pa, lacp=$mode_a, lacp-time=$time_a"
  if [ "$mode_b" = off ]; then
    vsctl "$n-B" add-bond brB bondB $b bond_mode=active-backup
    event "$d" "switch B: bond $pb without LACP (lacp=off, active-backup)"
  else
    lacp_bond "$n-B" brB bondB "$mode_b" "$time_b" $SYS_B $b
    event "$d" "switch B: bond $pb, lacp=$mode_b, lacp-time=$time_b"
  fi
}

# Scenarios that only set up the two bonds and watch: members, A's mode and rate, B's mode and rate
# (mode "off": a static bond without LACP), seconds to run | expected finding codes | description.
declare -A PLAIN=(
  [healthy-fast]='2 active fast active fast 20||Two Open vSwitch bonds of two members, both active at the fast rate: healthy.'
  [healthy-slow]='2 active slow active slow 100||Two Open vSwitch bonds of two members, both active at the slow rate (one PDU per 30 s): healthy.'
  [active-passive]='2 active fast passive fast 20||Switch A active, switch B passive (it answers): healthy.'
  [passive-passive]='2 passive fast passive fast 40|NO_LACPDUS|Both bonds passive: neither side starts LACP, the bond never forms.'
  [lacp-off]='2 active fast off - 40|NO_PARTNER|Switch A runs LACP, switch B bonds the same links statically without LACP: A has no partner.'
  [rate-mismatch]='2 active fast active slow 70|ASYMMETRIC_RATE|Switch A asks for the fast rate, switch B for the slow one: each sends at the rate the other asked for, which is legal.'
  [four-member]='4 active fast active fast 20||Two Open vSwitch bonds of four members each at the fast rate: healthy.'
)

plain_scenario() {
  local name=$1 spec codes desc
  IFS='|' read -r spec codes desc <<<"${PLAIN[$name]}"
  read -r -a spec <<<"$spec"
  bonded_pair "$LAB_OUT/$name" "$name" "${spec[@]:0:5}"
  sleep_until "${spec[5]}"
  finish "$LAB_OUT/$name" "$name" "$desc" "$codes"
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
    "PARTNER_KEY_MISMATCH ACTOR_KEY_MISMATCH"
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
    "PARTNER_SYSTEM_MISMATCH"
}

# act DIR NAME T WHAT CMD...: at T seconds, snapshot both switches, then run CMD and log WHAT.
act() {
  local d=$1 n=$2 t=$3 what=$4
  shift 4
  sleep_until "$t"; snapshot "$d" "before: $what" "$n-A" "$n-B"
  "$@"; event "$d" "$what"
}

scn_member_down_up() {
  local d=$1 n=member-down-up nb
  nb=$(ns_of $n b)
  bonded_pair "$d" $n 2 active fast active fast
  act "$d" $n 12 "switch B: ip link set b1 down (a1 loses carrier)" ip netns exec "$nb" ip link set b1 down
  act "$d" $n 20 "switch B: ip link set b1 up" ip netns exec "$nb" ip link set b1 up
  sleep_until 35
  # Both ends default while the link is down (lacp/show-stats counts it), but nothing can be sent
  # then; at carrier up Open vSwitch restarts the member as Expired, which is what the wire shows.
  finish "$d" $n "Member a1/b1 goes down for 8 s and comes back: both ends time out on it (silence, then Expired when the carrier returns), then it rejoins the bundle." \
    "PDU_TIMEOUT EXPIRED"
}

scn_partner_stops_lacp() {
  local d=$1 n=partner-stops-lacp
  bonded_pair "$d" $n 2 active fast active fast
  act "$d" $n 12 "switch B: lacp=off on bondB (stops sending LACPDUs)" vsctl $n-B set port bondB lacp=off bond_mode=active-backup
  sleep_until 17; snapshot "$d" "partner silent" $n-A $n-B
  sleep_until 55
  finish "$d" $n "Bundled at the fast rate, then switch B stops LACP: A's members time out after 3 s (expired), then default, and A falls back to the slow rate." \
    "PDU_TIMEOUT EXPIRED DEFAULTED"
}

scn_system_id_change() {
  local d=$1 n=system-id-change
  bonded_pair "$d" $n 2 active fast active fast
  act "$d" $n 12 "switch B: lacp-system-id $SYS_B -> $SYS_B_NEW" vsctl $n-B set port bondB other_config:lacp-system-id=$SYS_B_NEW
  sleep_until 25
  finish "$d" $n "Switch B's LACP system id changes mid-run (like a bond MAC change after an upgrade): the links renegotiate with the new identity." \
    "SYSTEM_CHANGED"
}

scenario_cleanup() { cleanup_scenario "$1"; }

scenario_main() {
  if [ -n "${PLAIN[$1]:-}" ]; then plain_scenario "$1"; else "scn_${1//-/_}" "$LAB_OUT/$1"; fi
}

lab_start "$@"
require_tools ovs-vsctl ovs-vswitchd ovsdb-server ovsdb-tool ovs-appctl tcpdump dumpcap editcap ip jq awk
lab_prepare "$@"

# Scenarios are independent (own namespaces and switches), so they run side by side.
pids=()
for s in "${selected[@]}"; do run_scenario "$s" & pids+=($!); sleep 0.5; done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit $failed
