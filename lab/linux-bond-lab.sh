#!/usr/bin/env bash
# Linux bonding LACP lab: Debian's kernel (fetched with apt-get download, unpacked into a scratch
# directory, never into the project) boots under qemu with a busybox initramfs whose /init
# (lab/initramfs/init) builds an 802.3ad bond over two virtio NICs. Their host-side tap devices are
# the members of an Open vSwitch LACP bond (userspace datapath, in its own network namespace).
# For every scenario it writes captures/lab/<scenario>/:
#   tap0.pcap, tap1.pcap   one tcpdump per member (a tap sees both directions), LACP only
#   all.pcapng             both members in one multi-interface pcapng (dumpcap)
#   linux-proc-bonding.txt /proc/net/bonding/bond0 at the end (Linux's verdict)
#   linux-snapshots.txt    the same at the key moments;  linux-console.txt  the serial console
#   ovs-lacp-show.txt, ovs-lacp-stats.txt, ovs-bond-show.txt, ovs-snapshots.txt   Open vSwitch's side
#   scenario.json          what was done when, expected finding codes, both implementations' verdicts
#
# Usage: sudo bash lab/linux-bond-lab.sh [SCENARIO...]   (default: all, one after the other)
#        sudo bash lab/linux-bond-lab.sh --list | --cleanup
# Needs: qemu-system-x86, busybox-static, openvswitch-switch, tcpdump, dumpcap, jq, apt-get/dpkg-deb.
# Software emulation (TCG) is used: it boots the guest in a few seconds and needs no /dev/kvm.

. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SCENARIOS=(linux-healthy linux-one-sided linux-partner-silent linux-member-down)
KERNEL_FLAVOUR=${KERNEL_FLAVOUR:-cloud-amd64}
KDIR="$LAB_WORK/kernel"
SYS_OVS=02:0a:00:00:00:0a
# Bonding modules and their dependencies, in load order (also listed in lab/initramfs/init).
MODULES=(drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
  drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci net/core/failover
  drivers/net/net_failover drivers/net/virtio_net net/tls/tls drivers/net/bonding/bonding)

# Debian kernel package -> $KDIR/vmlinuz and $KDIR/initramfs.gz (busybox + modules + lab /init).
prepare_guest() {
  local pkg deb mods m root
  mkdir -p "$KDIR"
  if [ ! -f "$KDIR/vmlinuz" ]; then
    pkg=$(apt-cache depends "linux-image-$KERNEL_FLAVOUR" | awk '/Depends: linux-image-/ { print $2; exit }')
    [ -n "$pkg" ] || die "cannot resolve linux-image-$KERNEL_FLAVOUR (apt-get update?)"
    (cd "$KDIR" && apt-get download "$pkg" >/dev/null 2>&1) || die "apt-get download $pkg failed"
    deb=$(ls "$KDIR"/"$pkg"_*.deb | head -1)
    rm -rf "$KDIR/pkg"; dpkg-deb -x "$deb" "$KDIR/pkg"
    cp "$KDIR"/pkg/boot/vmlinuz-* "$KDIR/vmlinuz"
    basename "$deb" >"$KDIR/package"
  fi
  mods=$(ls -d "$KDIR"/pkg/lib/modules/*/kernel | head -1)
  root="$KDIR/initramfs"
  rm -rf "$root"; mkdir -p "$root/bin" "$root/lib/modules"
  cp "$(command -v busybox)" "$root/bin/busybox"
  for m in "${MODULES[@]}"; do
    if [ -f "$mods/$m.ko" ]; then cp "$mods/$m.ko" "$root/lib/modules/"
    elif [ -f "$mods/$m.ko.xz" ]; then xz -dc "$mods/$m.ko.xz" >"$root/lib/modules/$(basename "$m").ko"
    else die "module $m not in $(cat "$KDIR/package")"; fi
  done
  install -m 755 "$LAB_ROOT/lab/initramfs/init" "$root/init"
  (cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$KDIR/initramfs.gz")
}

# guest_start NAME NS DIR RATE: boot the guest in NS with taps tap0/tap1; its console is a fifo
# (commands in, fd 7) and DIR/../console log (lines out, stamped with the scenario time).
guest_start() {
  local name=$1 ns=$2 dir=$3 rate=$4 w="$LAB_WORK/$1" i
  mkdir -p "$w"; rm -f "$w/console.in"; mkfifo "$w/console.in"
  exec 7<>"$w/console.in"
  # Raised priority: an emulated guest starved of CPU stretches its bonding timers.
  ip netns exec "$ns" nice -n -10 qemu-system-x86_64 -accel tcg -m 256 -nodefaults -display none -no-reboot \
    -serial stdio -pidfile "$w/qemu.pid" \
    -kernel "$KDIR/vmlinuz" -initrd "$KDIR/initramfs.gz" \
    -append "console=ttyS0 panic=-1 quiet no_timer_check ipv6.disable=1 lab.rate=$rate" \
    -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
    -device virtio-net-pci,netdev=n0,mac=52:54:00:00:01:01,speed=1000,duplex=full \
    -netdev tap,id=n1,ifname=tap1,script=no,downscript=no \
    -device virtio-net-pci,netdev=n1,mac=52:54:00:00:01:02,speed=1000,duplex=full \
    <"$w/console.in" 2>"$w/qemu.err" |
    while IFS= read -r line; do printf '%s\t%s\n' "$(rel)" "${line%$'\r'}"; done >"$w/console.log" &
  for i in $(seq 100); do
    ip netns exec "$ns" ip link show tap1 >/dev/null 2>&1 && break
    sleep 0.1
  done
  ip netns exec "$ns" ip link set tap0 up
  ip netns exec "$ns" ip link set tap1 up
}

guest() { echo "$*" >&7; }

# wait_console NAME PATTERN COUNT [TIMEOUT]: wait until PATTERN has appeared COUNT times.
wait_console() {
  local f="$LAB_WORK/$1/console.log" i
  for ((i = 0; i < ${4:-600}; i++)); do
    [ "$(grep -c -- "$2" "$f" 2>/dev/null)" -ge "$3" ] && return 0
    sleep 0.1
  done
  die "$1: timed out waiting for '$2' on the guest console"
}

SHOWS=0
# guest_show NAME DIR LABEL: /proc/net/bonding/bond0 now, appended to DIR/linux-snapshots.txt.
guest_show() {
  local name=$1 dir=$2 label=$3 t
  t=$(rel); SHOWS=$((SHOWS + 1))
  guest show
  wait_console "$name" '==== END proc-bonding' "$SHOWS"
  {
    printf '=== t=%s s %s: /proc/net/bonding/bond0 ===\n' "$t" "$label"
    last_show "$name"
  } >>"$dir/linux-snapshots.txt"
  [ "$label" = final ] && last_show "$name" >"$dir/linux-proc-bonding.txt"
  return 0
}

last_show() {
  # Each console line is "TIME<TAB>TEXT"; the text itself may start with tabs.
  awk '{ sub(/^[^\t]*\t/, "") }
    /==== BEGIN proc-bonding/ { buf = ""; on = 1; next }
    /==== END proc-bonding/ { on = 0; last = buf; next }
    on { buf = buf $0 "\n" } END { printf "%s", last }' "$LAB_WORK/$1/console.log"
}

guest_stop() {
  local w="$LAB_WORK/$1" pid
  [ -f "$w/qemu.pid" ] || return 0
  echo poweroff >&7 2>/dev/null || true
  sleep 1
  pid=$(cat "$w/qemu.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
  rm -f "$w/qemu.pid"
}

# /proc/net/bonding/bond0 as JSON: the active aggregator and each slave's view.
linux_verdict_json() {
  awk '
    function q(s) { gsub(/"/, "\\\"", s); return "\"" s "\"" }
    /^LACP rate: / { rate = $3 }
    /^System MAC address: / { sysmac = $4 }
    /^Active Aggregator Info:/ { sect = "agg" }
    /bond .* has no active aggregator/ { noagg = 1 }
    sect == "agg" && /Aggregator ID: / { aggid = $3 }
    sect == "agg" && /Number of ports: / { aggports = $4 }
    sect == "agg" && /Partner Mac Address: / { aggpmac = $4 }
    /^Slave Interface: / { n++; sect = "slave"; name[n] = $3; part = "" }
    sect == "slave" && /^MII Status: / { mii[n] = $3 }
    sect == "slave" && /^Aggregator ID: / { sagg[n] = $3 }
    sect == "slave" && /^Actor Churn State: / { ach[n] = $4 }
    sect == "slave" && /^Partner Churn State: / { pch[n] = $4 }
    sect == "slave" && /^details actor lacp pdu:/ { part = "actor" }
    sect == "slave" && /^details partner lacp pdu:/ { part = "partner" }
    part == "actor" && /port state: / { ast[n] = $3 }
    part == "actor" && /port key: / { akey[n] = $3 }
    part == "partner" && /system mac address: / { pmac[n] = $4 }
    part == "partner" && /oper key: / { pkey[n] = $3 }
    part == "partner" && /port state: / { pst[n] = $3 }
    END {
      printf "{\"lacpRate\":%s,\"systemMac\":%s,\"activeAggregator\":", q(rate), q(sysmac)
      if (noagg || aggid == "") printf "null"
      else printf "{\"id\":%s,\"ports\":%s,\"partnerMac\":%s}", aggid, aggports, q(aggpmac)
      printf ",\"slaves\":["
      for (i = 1; i <= n; i++) {
        printf "%s{\"name\":%s,\"mii\":%s,\"aggregatorId\":%s,\"actorChurn\":%s,\"partnerChurn\":%s,\"actorKey\":%s,\"actorState\":%s,\"partnerMac\":%s,\"partnerKey\":%s,\"partnerState\":%s}", (i > 1 ? "," : ""), q(name[i]), q(mii[i]), q(sagg[i]), q(ach[i]), q(pch[i]), akey[i] + 0, ast[i] + 0, q(pmac[i]), pkey[i] + 0, pst[i] + 0
      }
      printf "]}\n"
    }' "$1"
}

# Common run: namespace + switch + guest, capture, OVS bond configured once the guest's bond is up.
# scenario_run NAME DIR RATE OVS_LACP(active|off) BODY_FUNCTION
scenario_run() {
  local name=$1 dir=$2 rate=$3 ovs_lacp=$4 body=$5 ns="${NS_PREFIX}$1-a"
  netns_new "$ns"
  ovs_start "$name-A" "$ns"; add_bridge "$name-A" brA
  mark_t0
  guest_start "$name" "$ns" "$dir" "$rate"
  capture_start "$dir" "$ns" tap0 tap1
  event "$dir" "guest booting: Linux bond0 (802.3ad, lacp_rate=$rate, miimon 100) over eth0/eth1 = host tap0/tap1"
  wait_console "$name" '==== LAB READY' 1
  event "$dir" "guest: bond0 up with eth0 and eth1 enslaved"
  if [ "$ovs_lacp" = off ]; then
    vsctl "$name-A" add-bond brA bondA tap0 tap1 bond_mode=active-backup
    event "$dir" "switch A: bond tap0+tap1 without LACP (lacp=off, active-backup)"
  else
    vsctl "$name-A" add-bond brA bondA tap0 tap1 lacp=active bond_mode=balance-tcp \
      other_config:lacp-time=fast other_config:lacp-system-id=$SYS_OVS
    event "$dir" "switch A: bond tap0+tap1, lacp=active, lacp-time=fast"
  fi
  T_READY=$(rel)
  "$body" "$name" "$dir"
  guest_show "$name" "$dir" final
  snapshot "$dir" final "$name-A"
  capture_stop "$dir"
  event "$dir" "captures stopped"
  guest_stop "$name"
  sed 's/\r$//' "$LAB_WORK/$name/console.log" >"$dir/linux-console.txt"
}

at() { sleep_until "$(awk -v a="$T_READY" -v b="$1" 'BEGIN { print a + b }')"; }

body_healthy() {
  at 15; guest_show "$1" "$2" "bundled"
  at 30
}

body_one_sided() {
  at 30
}

body_partner_silent() {
  local sw="$1-A"
  at 15; guest_show "$1" "$2" "bundled"; snapshot "$2" "bundled" "$sw"
  vsctl "$sw" set port bondA lacp=off bond_mode=active-backup
  event "$2" "switch A: lacp=off on bondA (stops sending LACPDUs)"
  at 19.5; guest_show "$1" "$2" "partner silent 4 s"
  at 25; guest_show "$1" "$2" "partner silent 10 s"
  # Long enough for Linux's slow-rate LACPDU after it defaults (30 s period).
  at 95
}

body_member_down() {
  local sw="$1-A"
  at 15; guest_show "$1" "$2" "bundled"; snapshot "$2" "bundled" "$sw"
  guest down eth1; wait_console "$1" '==== DONE down eth1' 1
  event "$2" "guest: ip link set eth1 down"
  at 25; guest_show "$1" "$2" "eth1 down"; snapshot "$2" "eth1 down" "$sw"
  guest up eth1; wait_console "$1" '==== DONE up eth1' 1
  event "$2" "guest: ip link set eth1 up"
  at 45
}

declare -A RATE=([linux-healthy]=fast [linux-one-sided]=fast [linux-partner-silent]=fast [linux-member-down]=fast)
declare -A OVS_LACP=([linux-healthy]=active [linux-one-sided]=off [linux-partner-silent]=active [linux-member-down]=active)
declare -A BODY=([linux-healthy]=body_healthy [linux-one-sided]=body_one_sided
  [linux-partner-silent]=body_partner_silent [linux-member-down]=body_member_down)
declare -A DESC=(
  [linux-healthy]="Linux 802.3ad bond (lacp_rate fast) in a VM, its two NICs bonded by Open vSwitch with LACP active/fast: healthy."
  [linux-one-sided]="Linux 802.3ad bond against an Open vSwitch bond without LACP: Linux gets no partner (Partner Mac 00:00:00:00:00:00)."
  [linux-partner-silent]="Bundled, then Open vSwitch stops LACP: Linux's ports expire after 3 s, then default."
  [linux-member-down]="Bundled, then the guest takes eth1 down for 20 s: Open vSwitch's member tap1 times out and defaults, then both renegotiate when it comes back.")
declare -A CODES=([linux-healthy]="" [linux-one-sided]="NO_PARTNER" [linux-partner-silent]="PDU_TIMEOUT EXPIRED DEFAULTED"
  [linux-member-down]="PDU_TIMEOUT EXPIRED DEFAULTED")

scenario_cleanup() { guest_stop "$1"; cleanup_scenario "$1"; }

scenario_main() {
  local name=$1 dir="$LAB_OUT/$1"
  scenario_run "$name" "$dir" "${RATE[$name]}" "${OVS_LACP[$name]}" "${BODY[$name]}"
  write_scenario_json "$dir" "$name" "${DESC[$name]}" "${CODES[$name]}" \
    "$(jq -n --argjson linux "$(linux_verdict_json "$dir/linux-proc-bonding.txt")" \
      --arg kernel "$(cat "$KDIR/package")" '{verdicts: {linux: $linux}, guestKernel: $kernel}')"
}

lab_start "$@"
require_tools qemu-system-x86_64 busybox ovs-vsctl ovs-vswitchd ovsdb-server ovsdb-tool ovs-appctl \
  tcpdump dumpcap editcap ip jq awk apt-get apt-cache dpkg-deb gzip
lab_prepare "$@"
prepare_guest

# One guest at a time: software emulation of several guests on a small host delays their timers,
# and the captures should show Linux's own timing.
failed=0
for s in "${selected[@]}"; do run_scenario "$s" || failed=1; done
exit $failed
