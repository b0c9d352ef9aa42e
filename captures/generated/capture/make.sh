#!/bin/sh
# Regenerates the capture-reader fixtures in this directory from the public captures, with
# Wireshark's own tools, and the tshark listing each test compares against (FILE.tshark.tsv).
# Run from anywhere: sh captures/generated/capture/make.sh (needs editcap, mergecap, tshark, gzip).
set -eu
cd "$(dirname "$0")"
P=../../../../shared/captures/public

# Nanosecond pcap (magic a1b23c4d), shifted by 789 ns so that every digit counts, and its pcapng
# form (if_tsresol = 9).
editcap -F nsecpcap -t 0.000000789 "$P/tcpdump/LACP.pcap" lacp-nsec.pcap
editcap -F pcapng lacp-nsec.pcap lacp-nsec.pcapng
# Snapshot length 100: every LACPDU cut short (124 bytes on the wire).
editcap -s 100 "$P/tcpdump/LACP.pcap" lacp-snap100.pcap
# Two interfaces (one per input file, different snapshot lengths) in one section, merged by time.
mergecap -I none -F pcapng -w two-interfaces.pcapng "$P/tcpdump/LACP.pcap" "$P/ddos-gen/only_lacp.pcap"
# Several sections: pcapng files concatenated, as `cat` makes them (Wireshark reads them as one).
cat lacp-nsec.pcapng "$P/icebale-readthedocs/lacp1.pcapng" two-interfaces.pcapng > three-sections.pcapng
# gzip-compressed pcapng.
gzip -9 -n -c two-interfaces.pcapng > two-interfaces.pcapng.gz

for f in lacp-nsec.pcap lacp-nsec.pcapng lacp-snap100.pcap two-interfaces.pcapng three-sections.pcapng two-interfaces.pcapng.gz; do
  # One line per frame: number, exact time, lengths, Slow Protocols subtype (empty when not slow).
  tshark -r "$f" -T fields -e frame.number -e frame.time_epoch -e frame.len -e frame.cap_len -e slow.subtype > "$f.tshark.tsv"
done
