#!/usr/bin/env bash
# A real LACP peer for the live tests: two Open vSwitch switches (userspace datapath), each in its
# own network namespace (NAMEa, NAMEb), joined by two veth cables a0-b0 and a1-b1, an active LACP
# bond at the fast rate on each side. Built from the lab's helpers (lab/lib/common.sh).
#
# Usage: LAB_WORK=DIR bash test/live/ovs-pair.sh up|lacp-off|show|down NAME
set -e
. "$(dirname "${BASH_SOURCE[0]}")/../../lab/lib/common.sh"
name=$2
nsa=${name}a
nsb=${name}b
case $1 in
  up)
    netns_new "$nsa"
    netns_new "$nsb"
    veth "$nsa" a0 "$nsb" b0
    veth "$nsa" a1 "$nsb" b1
    ovs_start "$name-A" "$nsa"; add_bridge "$name-A" brA
    ovs_start "$name-B" "$nsb"; add_bridge "$name-B" brB
    vsctl "$name-A" add-bond brA bondA a0 a1 lacp=active bond_mode=balance-tcp \
      other_config:lacp-time=fast other_config:lacp-system-id=02:0a:00:00:00:0a
    vsctl "$name-B" add-bond brB bondB b0 b1 lacp=active bond_mode=balance-tcp \
      other_config:lacp-time=fast other_config:lacp-system-id=02:0b:00:00:00:0b
    ;;
  lacp-off) vsctl "$name-B" set port bondB lacp=off ;;
  show) appctl "$name-A" lacp/show ;;
  down)
    set +e
    ovs_stop "$name-A"
    ovs_stop "$name-B"
    ip netns del "$nsa" 2>/dev/null
    ip netns del "$nsb" 2>/dev/null
    true
    ;;
  *) die "usage: ovs-pair.sh up|lacp-off|show|down NAME" ;;
esac
