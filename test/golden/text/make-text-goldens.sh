#!/usr/bin/env bash
# Regenerates the tcpdump text goldens: real tcpdump output for each capture and each flag set.
# Run from the project root with tcpdump 4.99.3:  bash test/golden/text/make-text-goldens.sh
# index.tsv lists golden file, capture (relative to the project root) and the flags used.
# TZ=GMT0 makes time-of-day and -tttt stamps UTC, as the tcpdump test suite does.
set -euo pipefail
export TZ=GMT0
out=test/golden/text
rm -rf "$out"/captures
mkdir -p "$out"/captures
index="$out/index.tsv"
printf 'golden\tcapture\tflags\n' > "$index"

# id|flags: -n keeps MAC addresses free of " (oui ...)" suffixes; the sets without it test them.
flagsets=(
  'v|-v'
  'vv|-vv'
  'n-e-v|-n -e -v'
  'e-vv|-e -vv'
  'n-num-e-v|-n -# -e -v'
  'n-x-v|-n -x -v'
  'n-e-xx-v|-n -e -xx -v'
  'n-X|-n -X'
  'n-e-XX-vv|-n -e -XX -vv'
  'n-e-x-vv|-n -e -x -vv'
  'n-t-v|-n -t -v'
  'n-t-e|-n -t -e'
  'n-tt-v|-n -tt -v'
  'n-ttt-v|-n -ttt -v'
  'n-num-ttt-e-v|-n -# -ttt -e -v'
  'n-tttt-e-v|-n -tttt -e -v'
  'n-ttttt-vv|-n -ttttt -vv'
  'n|-n'
  'n-num-tttt-e-vv|-n -# -tttt -e -vv'
)

captures=(
  ../shared/captures/public/tcpdump/LACP.pcap
  ../shared/captures/public/ddos-gen/only_lacp.pcap
  ../shared/captures/public/wireshark-samplecaptures/lacp1.pcap
  ../shared/captures/public/icebale-readthedocs/lacp1.pcapng
  ../shared/captures/public/tcpdump/slow-ossp.pcap
  captures/generated/text/lacp-variety.pcap
  captures/generated/text/lacp-sll.pcap
  captures/generated/text/lacp-sll2.pcap
  captures/generated/text/lacp-nano.pcap
)
# The decoder's generated captures (big- and little-endian, nanosecond, cooked, cut, short);
# rerun this script when they are regenerated.
for c in zoo-le-usec.pcap zoo-be-nsec.pcap sll.pcap sll2.pcap snapcut.pcap short.pcap link-a.pcap link-merged.pcapng multi-be.pcapng; do
  captures+=("captures/generated/decode/$c")
done

for cap in "${captures[@]}"; do
  if [ ! -e "$cap" ]; then
    echo "skipping missing $cap" >&2
    continue
  fi
  if ! tcpdump -r "$cap" -w /dev/null 2>/dev/null; then
    echo "skipping $cap: tcpdump cannot read it (several link types)" >&2
    continue
  fi
  name=$(echo "$cap" | sed -e 's|^\.\./shared/captures/public/|public-|' -e 's|^captures/generated/|generated-|' -e 's|/|-|g')
  mkdir -p "$out/captures/$name"
  extra=()
  # Nanosecond pcaps are printed with all 9 digits.
  case "$(od -An -tx1 -N4 "$cap" | tr -d ' ')" in a1b23c4d|4d3cb2a1) extra=(--nano) ;; esac
  for fs in "${flagsets[@]}"; do
    id=${fs%%|*}
    flags=${fs#*|}
    golden="$out/captures/$name/$id.txt"
    # shellcheck disable=SC2086
    tcpdump $flags ${extra[@]+"${extra[@]}"} -r "$cap" > "$golden" 2>&1 || true
    printf '%s\t%s\t%s\n' "${golden#"$out"/}" "$cap" "$flags${extra[*]+ ${extra[*]}}" >> "$index"
  done
done
echo "wrote $(($(wc -l < "$index") - 1)) goldens" >&2
