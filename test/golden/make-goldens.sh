#!/usr/bin/env bash
# Regenerates the decoder's generated captures (captures/generated/decode/) and the tshark
# field dumps the golden tests compare against (test/golden/tshark/).
# Run from anywhere: bash test/golden/make-goldens.sh   (needs tshark, editcap, mergecap)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
gen=captures/generated/decode
out=test/golden/tshark
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 1. Captures from the test generator (compiled to plain JS first).
npx tsc -p tsconfig.test.json --noEmit false --outDir "$tmp/js" --rootDir . >/dev/null || true
test -f "$tmp/js/test/golden/write-captures.js"
echo '{"type":"module"}' >"$tmp/js/package.json"
rm -rf "$gen"
node "$tmp/js/test/golden/write-captures.js" "$gen"

# Tool-made variants: a multi-interface pcapng merged by mergecap, pcapng conversions by editcap.
mergecap -F pcapng -w "$gen/link-merged.pcapng" "$gen/link-a.pcap" "$gen/link-b.pcap"
editcap -F pcapng "$gen/zoo-le-usec.pcap" "$gen/zoo-editcap.pcapng"
editcap -F pcapng "$gen/sll2.pcap" "$gen/sll2-editcap.pcapng"
gzip -9 -n -c "$gen/zoo-le-usec.pcap" >"$gen/zoo-le-usec.pcap.gz"

# 2. tshark's view of every field the decoder reports, one row per frame.
fields=(
  frame.number frame.time_epoch frame.len frame.cap_len frame.interface_name frame.packet_flags_direction
  eth.dst eth.src sll.pkttype sll.src.eth sll.ifindex vlan.etype vlan.id vlan.priority vlan.dei ieee8021ad.id ieee8021ad.priority ieee8021ad.dei
  slow.subtype lacp.version lacp.tlv_type lacp.tlv_length
  lacp.actor.sys_priority lacp.actor.sysid lacp.actor.key lacp.actor.port_priority lacp.actor.port
  lacp.actor.state lacp.actor.state_str
  lacp.partner.sys_priority lacp.partner.sysid lacp.partner.key lacp.partner.port_priority lacp.partner.port
  lacp.partner.state lacp.partner.state_str
  lacp.collector.max_delay
  marker.version marker.tlvType marker.tlvLen marker.requesterPort marker.requesterSystem marker.requesterTransId
  oampdu.flags oampdu.code ossp.oui
  _ws.expert.message _ws.malformed _ws.short
)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done

dump() { # capture, golden file
  mkdir -p "$(dirname "$2")"
  TZ=UTC tshark -n -r "$1" -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, "${args[@]}" >"$2" 2>/dev/null
}

rm -rf "$out"
for f in "$gen"/*; do
  case "$f" in *.gz) continue ;; esac
  dump "$f" "$out/generated/$(basename "$f").tsv"
done
pub=../shared/captures/public
if [ -d "$pub" ]; then
  while IFS= read -r f; do
    rel="${f#"$pub"/}"
    dump "$f" "$out/public/$rel.tsv"
  done < <(find "$pub" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
else
  echo "note: $pub is absent; public goldens not regenerated" >&2
fi
echo "captures in $gen, tshark dumps in $out"
