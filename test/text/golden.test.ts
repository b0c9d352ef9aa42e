/**
 * Text goldens: for every capture and every tcpdump flag set in test/golden/text/index.tsv (made by
 * make-text-goldens.sh with real tcpdump), the text decodes to the same PDUs as the binary capture
 * for every field tcpdump printed: frame numbers, time stamps to the printed precision, link
 * fields with -e, direction and interface with `-i any`, LACP / Marker / OAM / OSSP fields with -v,
 * and the exact bytes where a hex dump was printed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINKTYPE, type Frame } from '../../src/capture/frame.js';
import { parseLinkHeader } from '../../src/capture/linklayer.js';
import { decodeFrame } from '../../src/decode/decode.js';
import type { SlowPdu } from '../../src/decode/pdu.js';
import { GOLDEN_DIR, SHARED, hex, parseFlags, readBinary, readText, sharedPresent, utcDate, type Flags, type Read } from './support.js';

interface Golden {
  golden: string;
  capture: string;
  flags: string;
}

const index: Golden[] = readFileSync(`${GOLDEN_DIR}/index.tsv`, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [golden, capture, flags] = l.split('\t');
    return { golden: `${GOLDEN_DIR}/${golden}`, capture, flags: flags.trim() };
  });

/** The fields tcpdump prints for a PDU at the given verbosity (no -v: the header line only). */
function printedFields(p: SlowPdu, f: Flags): Record<string, unknown> {
  const out: Record<string, unknown> = { subtype: p.subtype };
  if (f.linkHeader) Object.assign(out, { src: p.src, dst: p.dst, vlans: p.vlans });
  if (p.subtype === 'lacp') {
    out.version = p.version;
    if (f.verbose > 0 && p.version === 1) Object.assign(out, { actor: p.actor, partner: p.partner, collectorMaxDelay: p.collectorMaxDelay });
  } else if (p.subtype === 'marker' || p.subtype === 'marker-response') {
    if (f.verbose > 0) Object.assign(out, { requesterPort: p.requesterPort, requesterSystem: p.requesterSystem, requesterTransactionId: p.requesterTransactionId });
  } else if (p.subtype === 'oam') {
    // tcpdump names the 7 flag bits 802.3 defines and prints nothing of the others.
    if (f.verbose > 0) Object.assign(out, { flags: p.flags & OAM_PRINTED_FLAGS, code: p.code });
  } else if (p.subtype === 'ossp') {
    Object.assign(out, { oui: p.oui, data: p.data });
  } else if (p.subtype === 'unknown') {
    Object.assign(out, { subtypeValue: p.subtypeValue, data: p.data });
  }
  return out;
}

const OAM_PRINTED_FLAGS = 0x7f;

/** A capture's time stamp as printed: microseconds unless the text shows nine digits. */
function printedTime(ns: bigint, goldenText: string): bigint {
  return /\d\.\d{9}\b/.test(goldenText) ? ns : (ns / 1000n) * 1000n;
}

function payload(fr: Frame): Uint8Array {
  return fr.data.subarray(decodeFrame(fr).payloadOffset);
}

function compare(g: Golden, text: Read, bin: Read, goldenText: string): void {
  const f = parseFlags(g.flags);
  expect(text.stats.format).toBe('tcpdump-text');
  expect(text.stats.frames, 'packets counted').toBe(bin.stats.frames);
  expect(text.frames.length, 'slow frames').toBe(bin.frames.length);
  expect(text.stats.slowFrames).toBe(bin.stats.slowFrames);
  const sll2Names = [...goldenText.matchAll(/^\s*(?:\d+ +)?[-\d:. ]*?(\S+) +(?:In|Out|B|M|P) +/gm)].map((m) => m[1]);
  text.frames.forEach((t, i) => {
    const b = bin.frames[i];
    const at = `frame ${b.index}`;
    expect(t.index, at).toBe(b.index);
    expect(t.source).toBe('golden');
    // Time stamps, to the precision printed.
    const t0 = text.frames[0].timeNs;
    const b0 = printedTime(bin.frames[0].timeNs, goldenText);
    const bt = printedTime(b.timeNs, goldenText);
    if (f.time === 'clock' || f.time === 'epoch' || f.time === 'date') expect(t.timeNs, at).toBe(bt);
    else if (f.time === 'delta' || f.time === 'deltaFirst') expect(t.timeNs - t0, at).toBe(bt - b0);
    else expect(t.timeNs, at).toBe(0n);
    // Link layer: type always; direction and interface where `-i any` prints them.
    expect(t.linkType, at).toBe(b.linkType);
    if (b.linkType === LINKTYPE.LINUX_SLL2) {
      expect(t.direction, at).toBe(b.direction);
      expect(sll2Names).toContain(t.interface);
      if (f.linkHeader) expect(parseLinkHeader(t.linkType, t.data).ifIndex, at).toBe(parseLinkHeader(b.linkType, b.data).ifIndex);
    } else {
      expect(t.interface, at).toBe('golden');
      expect(t.direction, at).toBe(b.linkType === LINKTYPE.LINUX_SLL && f.linkHeader ? b.direction : null);
    }
    const dt = decodeFrame(t);
    const db = decodeFrame(b);
    if (f.hex === 'full') {
      expect(hex(t.data), at).toBe(hex(b.data));
      expect(t.rebuilt, at).toBeUndefined();
      expect(dt.pdu.problems, at).toEqual(db.pdu.problems);
      return;
    }
    if (f.hex === 'payload' && t.rebuilt === undefined) {
      // tcpdump dumps the whole frame when it is too short for its link header's payload.
      expect(hex(t.data), at).toBe(hex(b.data));
      return;
    }
    expect(t.rebuilt, at).toBe(true);
    const tp = payload(t);
    const bp = payload(b);
    if (f.hex === 'payload') expect(hex(tp), at).toBe(hex(bp));
    if (tp.length < bp.length && dt.pdu.subtype !== 'oam') {
      // tcpdump printed only part of it (no -v, a version it does not decode, a cut): what is there matches.
      expect(hex(tp), at).toBe(hex(bp.subarray(0, tp.length)));
      if (f.linkHeader) expect({ src: dt.pdu.src, dst: dt.pdu.dst, vlans: dt.pdu.vlans }, at).toEqual({ src: db.pdu.src, dst: db.pdu.dst, vlans: db.pdu.vlans });
      return;
    }
    expect(printedFields(dt.pdu, f), at).toEqual(printedFields(db.pdu, f));
  });
}

function textOptions(bin: Read, f: Flags) {
  const first = bin.frames[0]?.timeNs ?? 0n;
  return f.time === 'clock' ? { date: utcDate(first) } : f.time === 'deltaFirst' ? { deltas: 'first' as const } : {};
}

async function check(g: Golden): Promise<void> {
  const bin = await readBinary(g.capture);
  const f = parseFlags(g.flags);
  const text = readText(readFileSync(g.golden), textOptions(bin, f), [], 'golden');
  compare(g, text, bin, readFileSync(g.golden, 'utf8'));
  expect(text.stats.skipped.filter((s) => /cannot read/.test(s.message))).toEqual([]);
}

const ours = index.filter((g) => !g.capture.startsWith(SHARED));
const shared = index.filter((g) => g.capture.startsWith(SHARED));

describe('tcpdump text goldens of the project captures', () => {
  it.each(ours.map((g) => [`${g.golden.slice(GOLDEN_DIR.length + 1)} (${g.flags})`, g] as const))('%s', async (_, g) => {
    await check(g);
  });
});

describe.skipIf(!sharedPresent)('tcpdump text goldens of the public captures (needs ../shared)', () => {
  it.each(shared.map((g) => [`${g.golden.slice(GOLDEN_DIR.length + 1)} (${g.flags})`, g] as const))('%s', async (_, g) => {
    await check(g);
  });

  // Expected outputs shipped with the captures: the tcpdump test suite's .out files (TESTrun adds
  // `-# -n` and, without a time option, `-tttt`) and the texts made locally with 4.99.3.
  const shipped: Golden[] = [
    { golden: `${SHARED}/tcpdump/lacp-ev.out`, capture: `${SHARED}/tcpdump/LACP.pcap`, flags: '-# -n -tttt -e -v' },
    { golden: `${SHARED}/tcpdump/lacp-ev.2014-c661f8b2.out`, capture: `${SHARED}/tcpdump/LACP.pcap`, flags: '-t -n -e -v' },
    { golden: `${SHARED}/tcpdump/lacp-ev.2018-018b2b8c.out`, capture: `${SHARED}/tcpdump/LACP.pcap`, flags: '-# -n -e -v' },
    { golden: `${SHARED}/tcpdump/LACP.pcap.tcpdump-4.99.3-e-vv.txt`, capture: `${SHARED}/tcpdump/LACP.pcap`, flags: '-# -n -tttt -e -vv' },
    { golden: `${SHARED}/tcpdump/slow-ossp.out`, capture: `${SHARED}/tcpdump/slow-ossp.pcap`, flags: '-# -n -tttt -v' },
    ...['ddos-gen/only_lacp.pcap', 'wireshark-samplecaptures/lacp1.pcap', 'icebale-readthedocs/lacp1.pcapng'].flatMap((c) =>
      ['e-v', 'e-vv'].map((v) => ({
        golden: `${SHARED}/${c}.tcpdump-4.99.3-${v}.txt`,
        capture: `${SHARED}/${c}`,
        flags: `-# -n -tttt -${v.replace('-', ' -')}`,
      })),
    ),
  ];
  it.each(shipped.map((g) => [g.golden.slice(SHARED.length + 1), g] as const))('%s', async (_, g) => {
    await check(g);
  });
});
