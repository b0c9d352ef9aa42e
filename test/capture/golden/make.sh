#!/bin/sh
# tshark's listing of every public capture, the reference the capture readers are compared with
# (test/capture/real-captures.test.ts). Run from anywhere: sh test/capture/golden/make.sh
set -eu
cd "$(dirname "$0")"
P=../../../../shared/captures/public
for f in tcpdump/LACP.pcap tcpdump/slow-ossp.pcap ddos-gen/only_lacp.pcap wireshark-samplecaptures/lacp1.pcap \
  wireshark-samplecaptures/lacp1.pcap.gz icebale-readthedocs/lacp1.pcapng; do
  mkdir -p "$(dirname "$f")"
  # One line per frame: number, exact time, lengths, Slow Protocols subtype (empty when not slow).
  tshark -r "$P/$f" -T fields -e frame.number -e frame.time_epoch -e frame.len -e frame.cap_len -e slow.subtype > "$f.tshark.tsv"
done
