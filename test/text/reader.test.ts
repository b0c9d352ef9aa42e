/**
 * Behaviour of the tcpdump text reader that the goldens do not pin down on their own: dates and
 * midnight, delta styles, pasted text with changed indentation, lines it passes over or reports,
 * tcpdump's forms for versions it does not decode, and where the text ends early.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LacpscopeError } from '../../src/errors.js';
import type { Frame } from '../../src/capture/frame.js';
import { readCapture } from '../../src/capture/source.js';
import { createTcpdumpTextReader } from '../../src/capture/tcpdump-text.js';
import { decodeFrame } from '../../src/decode/decode.js';
import type { LacpPdu } from '../../src/decode/pdu.js';
import { GOLDEN_DIR, hex, readText, type Read } from './support.js';

const enc = new TextEncoder();
const LACP_V = [
  '\tActor Information TLV (0x01), length 20',
  '\t  System 02:aa:00:00:00:01, System Priority 32768, Key 17, Port 1, Port Priority 32768',
  '\t  State Flags [Activity, Timeout, Aggregation, Synchronization, Collecting, Distributing]',
  '\tPartner Information TLV (0x02), length 20',
  '\t  System 02:bb:00:00:00:02, System Priority 32768, Key 33, Port 5, Port Priority 32768',
  '\t  State Flags [Activity, Aggregation, Default]',
  '\tCollector Information TLV (0x03), length 16',
  '\t  Max Delay 0',
  '\tTerminator TLV (0x00), length 0',
];
const ETHER_E = '02:aa:00:00:00:11 > 01:80:c2:00:00:02, ethertype Slow Protocols (0x8809), length 124: ';

function lacpAt(stamp: string): string {
  return [`${stamp} ${ETHER_E}LACPv1, length 110`, ...LACP_V].join('\n') + '\n';
}

function read(text: string, options = {}): Read {
  return readText(enc.encode(text), options);
}

function iso(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

function variety(flags: string): Uint8Array {
  return readFileSync(`${GOLDEN_DIR}/captures/generated-text-lacp-variety.pcap/${flags}.txt`);
}

/** What a frame says, for comparing two reads of the same text. */
function summary(r: Read) {
  return r.frames.map((f) => ({ index: f.index, time: f.timeNs, data: hex(f.data), iface: f.interface, dir: f.direction, rebuilt: f.rebuilt }));
}

describe('time stamps', () => {
  it('puts time-of-day stamps on 1970-01-01 by default and rolls over midnight', () => {
    const r = read(lacpAt('23:59:59.500000') + lacpAt('00:00:00.250000') + lacpAt('00:00:00.240000'));
    expect(r.frames.map((f) => iso(f.timeNs))).toEqual(['1970-01-01T23:59:59.500Z', '1970-01-02T00:00:00.250Z', '1970-01-02T00:00:00.240Z']);
  });

  it('uses the date given and keeps nanoseconds', () => {
    const r = read(lacpAt('10:00:00.123456789'), { date: '2024-02-29' });
    expect(r.frames[0].timeNs).toBe(BigInt(Date.UTC(2024, 1, 29, 10)) * 1_000_000n + 123_456_789n);
  });

  it('rejects a date that is not YYYY-MM-DD with a usage error', () => {
    for (const date of ['2024-02-30', '29.02.2024', '']) {
      expect(() => createTcpdumpTextReader('x', () => {}, { date })).toThrow(LacpscopeError);
    }
  });

  it('adds -ttt deltas to the previous packet, or -ttttt ones to the first when told', () => {
    const text = ` 00:00:00.000000 ${ETHER_E}LACPv1, length 110\n 00:00:01.000000 ${ETHER_E}LACPv1, length 110\n 00:00:03.000000 ${ETHER_E}LACPv1, length 110\n`;
    expect(read(text).frames.map((f) => f.timeNs / 1_000_000n)).toEqual([0n, 1000n, 4000n]);
    expect(read(text, { deltas: 'first' }).frames.map((f) => f.timeNs / 1_000_000n)).toEqual([0n, 1000n, 3000n]);
  });

  it('reads a negative delta and knows -ttt with its leading space stripped by the first 00:00:00', () => {
    const text = `00:00:00.000000 ${ETHER_E}LACPv1, length 110\n00:00:02.000000 ${ETHER_E}LACPv1, length 110\n-00:00:01.500000 ${ETHER_E}LACPv1, length 110\n`;
    expect(read(text).frames.map((f) => f.timeNs / 1_000_000n)).toEqual([0n, 2000n, 500n]);
  });

  it('gives every -t frame the same time, midnight of the date', () => {
    const r = read(`${ETHER_E}LACPv1, length 110\n${ETHER_E}LACPv1, length 110\n`, { date: '2020-01-02' });
    expect(r.frames.map((f) => iso(f.timeNs))).toEqual(['2020-01-02T00:00:00.000Z', '2020-01-02T00:00:00.000Z']);
  });
});

describe('pasted text', () => {
  const transforms: Record<string, (s: string) => string> = {
    'tabs as 8 spaces': (s) => s.replace(/\t/g, '        '),
    'tabs as 2 spaces': (s) => s.replace(/\t/g, '  '),
    'indentation stripped': (s) => s.replace(/^[ \t]+/gm, ''),
    'CRLF line ends': (s) => s.replace(/\n/g, '\r\n'),
    'no final newline': (s) => s.replace(/\n$/, ''),
  };
  const sets = ['v', 'e-vv', 'n-e-x-vv', 'n-X', 'n-ttt-v', 'n-num-ttt-e-v', 'n-tt-v', 'n-t-e', 'n-e-XX-vv'];
  for (const set of sets) {
    for (const [how, f] of Object.entries(transforms)) {
      it(`reads ${set} with ${how} as the original`, () => {
        const original = variety(set);
        const changed = enc.encode(f(new TextDecoder().decode(original)));
        const a = readText(original);
        const b = readText(changed);
        expect(b.frames.length).toBeGreaterThan(20);
        expect(summary(b)).toEqual(summary(a));
        expect(b.stats.frames).toBe(a.stats.frames);
      });
    }
  }
});

describe('lines passed over, counted and reported', () => {
  it('counts packet lines of other protocols as frames, skips notes, prompts and their continuation lines', () => {
    const text = [
      'tcpdump: listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
      '$ sudo tcpdump -e -v',
      lacpAt('12:00:00.000001').trimEnd(),
      '12:00:00.100000 02:aa:00:00:00:11 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), length 60: (tos 0x0, ttl 64)',
      '    10.0.0.1.53 > 10.0.0.2.53: [udp sum ok] 0 [0q] (12)',
      '',
      lacpAt('12:00:01.000001').trimEnd(),
      '2 packets captured',
      '',
    ].join('\n');
    const r = read(text);
    expect(r.stats.frames).toBe(3);
    expect(r.stats.slowFrames).toBe(2);
    expect(r.frames.map((f) => f.index)).toEqual([1, 3]);
    expect(r.stats.skipped).toEqual([]);
    const pdu = decodeFrame(r.frames[1]).pdu as LacpPdu;
    expect(pdu.partner.state).toBe(0x45);
  });

  it('refuses text with no tcpdump packet line as not a capture, at offset 0', () => {
    const r = createTcpdumpTextReader('notes.txt', () => {});
    r.push(enc.encode('# Runbook\nCheck the bond with cat /proc/net/bonding/bond0\n'));
    expect(() => r.end()).toThrow(LacpscopeError);
    try {
      createTcpdumpTextReader('notes.txt', () => {}).end();
    } catch {
      throw new Error('blank input is not refused by the text reader: detection does that');
    }
    expect(read('  \n\n').rejected).toBeUndefined();
    expect(read(lacpAt('12:00:00.000000')).rejected).toBeUndefined();
  });

  it('reports a Slow Protocols packet line it cannot read with its byte offset, and goes on', () => {
    const bad = `12:00:00.500000 ${ETHER_E}LACPv1 lenght 110\n`;
    const first = lacpAt('12:00:00.000000');
    const r = read(first + bad + lacpAt('12:00:01.000000'));
    expect(r.stats.frames).toBe(3);
    expect(r.frames.map((f) => f.index)).toEqual([1, 3]);
    expect(r.stats.skipped).toHaveLength(1);
    expect(r.stats.skipped[0].offset).toBe(enc.encode(first).length);
    expect(r.stats.skipped[0].message).toMatch(/line 11: frame 2: .*cannot read/);
  });

  it('reports a line far too long for tcpdump output and reads on', () => {
    const long = 'x'.repeat(200_000);
    const r = read(`${long}\n${lacpAt('12:00:00.000000')}`);
    expect(r.frames).toHaveLength(1);
    expect(r.stats.skipped).toEqual([{ offset: 0, message: expect.stringMatching(/line 1: .*longer than/) }]);
  });

  it('passes on a LACP version tcpdump does not decode with subtype and version only, and says so', () => {
    const r = read(`12:00:00.000000 ${ETHER_E}LACP version 2 packet not supported\n`);
    expect(r.frames).toHaveLength(1);
    const d = decodeFrame(r.frames[0]);
    expect(d.pdu.subtype).toBe('lacp');
    expect((d.pdu as LacpPdu).version).toBe(2);
    expect(r.frames[0].capturedLength).toBe(16);
    expect(r.frames[0].originalLength).toBe(124);
    expect(r.stats.skipped[0].message).toMatch(/frame 1: .*version 2/);
  });

  it('marks text that ends inside a frame as truncated at the cut, and still passes the frame on', () => {
    const whole = lacpAt('12:00:00.000000');
    const cut = whole.slice(0, whole.indexOf('Partner') + 10);
    const r = read(whole + cut);
    expect(r.frames).toHaveLength(2);
    expect(r.stats.truncated?.offset).toBe(enc.encode(whole + cut.slice(0, cut.lastIndexOf('\n') + 1)).length);
    expect((decodeFrame(r.frames[1]).pdu as LacpPdu).actor.system).toBe('02:aa:00:00:00:01');
    expect(read(whole).stats.truncated).toBeNull();
  });
});

describe('-i any', () => {
  it('names an interface tcpdump could not resolve after the source and its index', () => {
    const r = read(`22:13:20.000000 ?     M   ifindex 9999 02:0a:00:00:00:01 ethertype Slow Protocols (0x8809), length 130: LACPv1, length 110\n`, {});
    expect(r.frames[0].interface).toBe('text:ifindex9999');
    expect(r.frames[0].linkType).toBe(276);
    expect(r.frames[0].direction).toBe('in');
  });

  it('reads interface names longer than tcpdump pads them to, and each frame keeps its own', () => {
    const line = (t: string, name: string, dir: string, mac: string) =>
      `${t} ${name} ${dir} ifindex 4 ${mac} ethertype Slow Protocols (0x8809), length 130: LACPv1, length 110\n`;
    const text = [
      '$ sudo tcpdump -ni any -e ether proto 0x8809',
      'tcpdump: data link type LINUX_SLL2',
      line('09:00:00.100000', 'enp2s0f0', 'M  ', '52:54:00:00:00:01'),
      line('09:00:00.200000', 'bond0.100', 'Out', '52:54:00:00:00:02'),
      line('09:00:00.300000', 'eth1 ', 'P  ', '52:54:00:00:00:03'),
      '3 packets captured',
    ].join('\n');
    const r = read(text);
    expect(r.frames.map((f) => [f.interface, f.direction, f.linkType])).toEqual([
      ['enp2s0f0', 'in', 276],
      ['bond0.100', 'out', 276],
      ['eth1', 'in', 276],
    ]);
    expect(r.frames.map((f) => decodeFrame(f).pdu.src)).toEqual(['52:54:00:00:00:01', '52:54:00:00:00:02', '52:54:00:00:00:03']);
    expect(r.stats.frames).toBe(3);
  });

  it('reads the SLL2 form with the packet type before `ifindex` and no name', () => {
    const r = read(`22:13:20.000000 Out ifindex 3 52:54:00:aa:bb:01 ethertype Slow Protocols (0x8809), length 130: LACPv1, length 110\n${LACP_V.join('\n')}\n`);
    expect(r.frames[0].direction).toBe('out');
    expect(r.frames[0].interface).toBe('text:ifindex3');
    expect(decodeFrame(r.frames[0]).pdu.src).toBe('52:54:00:aa:bb:01');
  });
});

describe('limits', () => {
  it('lists the first 1000 unreadable lines and counts the rest in one entry', () => {
    const bad = `12:00:00.000000 ${ETHER_E}LACPv9 garbage\n`;
    const r = read(bad.repeat(1500));
    expect(r.stats.frames).toBe(1500);
    expect(r.stats.skipped).toHaveLength(1001);
    expect(r.stats.skipped[1000]).toEqual({ offset: 1000 * enc.encode(bad).length, message: expect.stringMatching(/^line 1001 and 499 more lines/) });
  });
});

describe('recognised by content', () => {
  it('reads a golden text through readCapture as the text reader does', async () => {
    const path = `${GOLDEN_DIR}/captures/generated-text-lacp-sll2.pcap/n-num-tttt-e-vv.txt`;
    const frames: Frame[] = [];
    const stats = await readCapture(path, (f) => frames.push(f));
    const direct = readText(readFileSync(path), {}, [], 'n-num-tttt-e-vv.txt');
    expect(stats.format).toBe('tcpdump-text');
    expect(frames.map((f) => hex(f.data))).toEqual(direct.frames.map((f) => hex(f.data)));
    expect(frames.map((f) => f.interface)).toEqual(['lo', 'lo', 'lo', 'lo']);
  });
});

describe('older tcpdump', () => {
  it('reads `length: N` as tcpdump before 4.6 printed it', () => {
    const old = lacpAt('12:00:00.000000').replace(/length (\d+)/g, 'length: $1');
    const now = lacpAt('12:00:00.000000');
    expect(old).not.toBe(now);
    expect(summary(read(old))).toEqual(summary(read(now)));
    expect(read(old).frames[0].capturedLength).toBe(124);
  });
});

describe('streaming', () => {
  function feedLines(text: string) {
    const seen: number[] = [];
    const r = createTcpdumpTextReader('x', (f) => seen.push(f.index));
    const after: number[] = [];
    for (const line of text.split(/(?<=\n)/)) {
      r.push(enc.encode(line));
      after.push(seen.length);
    }
    r.end();
    return { after, total: seen.length };
  }

  it('passes a frame on at its terminator once the text has shown no dump follows one', () => {
    const text = lacpAt('12:00:00.000000') + lacpAt('12:00:01.000000') + lacpAt('12:00:02.000000');
    const { after, total } = feedLines(text);
    const lines = LACP_V.length + 1;
    // The first frame waits for the next packet line; from the second on, each goes at its terminator.
    expect(after[lines - 1]).toBe(0);
    expect(after[lines]).toBe(1);
    expect(after[2 * lines - 1]).toBe(2);
    expect(after[3 * lines - 1]).toBe(3);
    expect(total).toBe(3);
  });

  it('waits for the next packet line while hex dumps follow terminators', () => {
    const { after, total } = feedLines(new TextDecoder().decode(variety('n-e-x-vv')));
    expect(total).toBeGreaterThan(20);
    // Every frame goes out at a packet line, never in the middle of a dump.
    const lines = new TextDecoder().decode(variety('n-e-x-vv')).split('\n');
    after.forEach((n, i) => {
      if (i > 0 && n > after[i - 1]) expect(lines[i]).toMatch(/^\d{2}:\d{2}:\d{2}\./);
    });
  });
});
