/**
 * Writes the generated decode captures (run by make-goldens.sh after compiling):
 * `node write-captures.js OUTDIR`. Every file is deterministic, so rerunning changes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINKTYPE } from '../../src/capture/frame.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { encodePcapng } from '../../src/capture/pcapng-writer.js';
import { ethernetZoo, extraChecks, shortFrames, sll2Frames, sllFrames, snapCutFrames, timeOf, vlanFrames, eth, lacp, ACTOR, PARTNER, type GenFrame } from '../support/generator.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node write-captures.js OUTDIR\n');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const records = (frames: GenFrame[]) => frames.map((f, i) => ({ timeNs: timeOf(i), data: f.data, originalLength: f.originalLength }));

const zoo = [...ethernetZoo(), ...vlanFrames()];
writePcap(join(out, 'zoo-le-usec.pcap'), LINKTYPE.ETHERNET, records(zoo));
writePcap(join(out, 'zoo-be-nsec.pcap'), LINKTYPE.ETHERNET, records(zoo), { bigEndian: true, nanosecond: true });
writePcap(join(out, 'extra-checks.pcap'), LINKTYPE.ETHERNET, records(extraChecks()));
writePcap(join(out, 'snapcut.pcap'), LINKTYPE.ETHERNET, records(snapCutFrames()));
writePcap(join(out, 'short.pcap'), LINKTYPE.ETHERNET, records(shortFrames()));
writePcap(join(out, 'sll.pcap'), LINKTYPE.LINUX_SLL, records(sllFrames()));
writePcap(join(out, 'sll2.pcap'), LINKTYPE.LINUX_SLL2, records(sll2Frames()));

// Two ends of one link, one capture per side; make-goldens.sh merges them with mergecap.
const side = (actor: typeof ACTOR, partner: typeof ACTOR, offsetNs: bigint) =>
  Array.from({ length: 5 }, (_, i) => ({ timeNs: timeOf(i) + offsetNs, data: eth(lacp({ actor: { ...actor, state: i < 2 ? 0x07 : 0x3f }, partner: i < 1 ? { ...partner, state: 0 } : partner }), { src: actor.system }) }));
writePcap(join(out, 'link-a.pcap'), LINKTYPE.ETHERNET, side(ACTOR, PARTNER, 0n), { nanosecond: true });
writePcap(join(out, 'link-b.pcap'), LINKTYPE.ETHERNET, side(PARTNER, ACTOR, 400_000_000n), { nanosecond: true });

// Our own multi-interface pcapng: named interfaces, mixed link types, direction flags, big-endian.
const a = side(ACTOR, PARTNER, 0n);
const sll2 = sll2Frames();
const packets = [
  ...a.map((p) => ({ interface: 0, timeNs: p.timeNs, data: p.data, direction: 'out' as const })),
  ...sll2.map((f, i) => ({ interface: 1, timeNs: timeOf(i) + 500_000_000n, data: f.data, direction: f.direction ?? null })),
].sort((x, y) => (x.timeNs < y.timeNs ? -1 : x.timeNs > y.timeNs ? 1 : 0));
writeFileSync(
  join(out, 'multi-be.pcapng'),
  encodePcapng(
    [
      { name: 'eth0', linkType: LINKTYPE.ETHERNET },
      { name: 'any', linkType: LINKTYPE.LINUX_SLL2, tsresol9: false },
    ],
    packets,
    { bigEndian: true },
  ),
);
