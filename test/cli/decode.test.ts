/** `lacpscope decode`: real and generated captures, gzip, truncation, standard input while it streams. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINKTYPE } from '../../src/capture/frame.js';
import { encodePcap } from '../../src/capture/pcap-writer.js';
import { ACTOR, PARTNER, eth, lacp, timeOf } from '../support/generator.js';
import { GENERATED, HAVE_PUBLIC, ROOT, HAVE_TSHARK, STACK, cli, ensureBuilt, pub, removeScratch, scratch, start, tsharkSlowFrames } from './support.js';

beforeAll(ensureBuilt);
afterAll(removeScratch);

const JSONL_KEYS = ['source', 'interface', 'frame', 'time', 'direction', 'src', 'dst', 'vlans', 'subtype'];

function jsonl(stdout: string): Record<string, unknown>[] {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The counts line decode writes to stderr for one source. */
function counts(stderr: string, name: string) {
  const m = new RegExp(`^${name.replace(/[.]/g, '\\.')}: (\\d+) frames read, (\\d+) slow frames decoded, (\\d+) malformed$`, 'm').exec(stderr);
  expect(m, stderr).not.toBeNull();
  return { read: Number(m![1]), decoded: Number(m![2]), malformed: Number(m![3]) };
}

/** Public captures with their Slow Protocols frame counts (SOURCES.md). */
const PUBLIC_CAPTURES: [string, number][] = [
  ['tcpdump/LACP.pcap', 20],
  ['ddos-gen/only_lacp.pcap', 26],
  ['wireshark-samplecaptures/lacp1.pcap', 10],
  ['wireshark-samplecaptures/lacp1.pcap.gz', 10],
  ['icebale-readthedocs/lacp1.pcapng', 34],
  ['tcpdump/slow-ossp.pcap', 1],
];

describe.skipIf(!HAVE_PUBLIC)('public captures (../shared/captures/public)', () => {
  it.each(PUBLIC_CAPTURES)('%s: one text line per slow frame, counts on stderr', (file, slow) => {
    const r = cli(['decode', pub(file)]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(STACK);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(slow);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^${i + 1} \\d+\\.\\d{6,9} `)));
    const c = counts(r.stderr, file.split('/').pop()!);
    expect(c).toEqual({ read: slow, decoded: slow, malformed: 0 });
  });

  it.each(PUBLIC_CAPTURES)('%s: jsonl objects in contract key order', (file, slow) => {
    const r = cli(['decode', '--format', 'jsonl', pub(file)]);
    expect(r.code).toBe(0);
    const objs = jsonl(r.stdout);
    expect(objs).toHaveLength(slow);
    for (const o of objs) expect(Object.keys(o).slice(0, JSONL_KEYS.length)).toEqual(JSONL_KEYS);
    expect(objs.map((o) => o.frame)).toEqual(objs.map((_, i) => i + 1));
  });

  it('LACP.pcap frame 1 is decoded field by field (SOURCES.md: actor 0x85, partner 0x36)', () => {
    const [first] = jsonl(cli(['decode', '--format', 'jsonl', pub('tcpdump/LACP.pcap')]).stdout);
    expect(first).toMatchObject({
      source: 'LACP.pcap',
      frame: 1,
      subtype: 'lacp',
      version: 1,
      actor: { system: '00:13:c4:12:0f:00', key: 13, port: 22, state: 0x85, flags: ['activity', 'aggregation', 'expired'] },
      partner: { system: '00:0e:83:16:f5:00', key: 13, port: 25, state: 0x36 },
      problems: [],
    });
  });

  it('the gzip-compressed capture decodes to the same frames as the plain one', () => {
    const strip = (s: string) => jsonl(s).map(({ source: _s, interface: _i, ...rest }) => rest);
    const plain = cli(['decode', '--format', 'jsonl', pub('wireshark-samplecaptures/lacp1.pcap')]).stdout;
    const gz = cli(['decode', '--format', 'jsonl', pub('wireshark-samplecaptures/lacp1.pcap.gz')]).stdout;
    expect(strip(gz)).toEqual(strip(plain));
  });

  it('several files: per-source counts and a total', () => {
    const r = cli(['decode', pub('tcpdump/LACP.pcap'), pub('icebale-readthedocs/lacp1.pcapng')]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(54);
    expect(counts(r.stderr, 'LACP.pcap').decoded).toBe(20);
    expect(counts(r.stderr, 'lacp1.pcapng').decoded).toBe(34);
    expect(counts(r.stderr, 'total')).toEqual({ read: 54, decoded: 54, malformed: 0 });
  });

  it('cat FILE | lacpscope decode - gives the same frames as the file', () => {
    const file = pub('icebale-readthedocs/lacp1.pcapng');
    const strip = (s: string) => jsonl(s).map(({ source: _s, interface: _i, ...rest }) => rest);
    const direct = cli(['decode', '--format', 'jsonl', file]);
    const piped = cli(['decode', '--format', 'jsonl', '-'], { input: readFileSync(file) });
    expect(piped.code).toBe(0);
    expect(strip(piped.stdout)).toEqual(strip(direct.stdout));
    expect(jsonl(piped.stdout)[0].source).toBe('-');
    expect(counts(piped.stderr, '-')).toEqual({ read: 34, decoded: 34, malformed: 0 });
  });

  it('--date places tcpdump text stamped with the time of day only on that day', () => {
    const text = pub('tcpdump/lacp-ev.2018-018b2b8c.out'); // `-# -n -e -v`: 04:02:10.267147 ...
    const times = (args: string[]) => jsonl(cli(['decode', '--format', 'jsonl', ...args, text]).stdout).map((o) => o.time);
    expect(times(['--date', '2009-11-15'])[0]).toBe('1258257730.267147000');
    expect(times([])[0]).toBe('14530.267147000'); // the stated default day, 1970-01-01
  });

  it('tcpdump -v text of a capture decodes to the same LACP fields', () => {
    const text = pub('tcpdump/LACP.pcap.tcpdump-4.99.3-e-vv.txt');
    const fields = (s: string) => jsonl(s).map((o) => [o.frame, o.time, o.actor, o.partner]);
    const r = cli(['decode', '--format', 'jsonl', text]);
    expect(r.code).toBe(0);
    expect(fields(r.stdout)).toEqual(fields(cli(['decode', '--format', 'jsonl', pub('tcpdump/LACP.pcap')]).stdout));
  });
});

describe('a capture cut mid-record', () => {
  /** 20 LACPDUs of 124 bytes: 24-byte header, then 140 bytes per record. */
  const frames = Array.from({ length: 20 }, (_, i) => ({ timeNs: timeOf(i), data: eth(lacp({ actor: { ...ACTOR, port: 1 + (i % 2) }, partner: PARTNER })) }));
  const whole = encodePcap(LINKTYPE.ETHERNET, frames);
  const cut = whole.subarray(0, whole.length - 50);
  const lastStart = 24 + 19 * (16 + frames[19].data.length);

  it('decode prints every complete frame and reports the cut with its offset', () => {
    const path = scratch('cut.pcap');
    writeFileSync(path, cut);
    const r = cli(['decode', path]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(19);
    expect(counts(r.stderr, 'cut.pcap').decoded).toBe(19);
    const warning = r.stderr.split('\n').find((l) => l.includes('TRUNCATED_CAPTURE'));
    expect(warning).toBeDefined();
    const offset = Number(/byte offset (\d+)/.exec(warning!)?.[1]);
    expect(offset).toBeGreaterThanOrEqual(lastStart);
    expect(offset).toBeLessThanOrEqual(cut.length);
  });

  it('analyze uses the complete frames and reports TRUNCATED_CAPTURE', () => {
    const path = scratch('cut2.pcap');
    writeFileSync(path, cut);
    const r = cli(['analyze', '--format', 'json', '--fail-on', 'never', path]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.sources[0]).toMatchObject({ name: 'cut2.pcap', frames: 19, slowFrames: 19, truncated: true });
    expect(report.findings.map((f: { code: string }) => f.code)).toContain('TRUNCATED_CAPTURE');
  });
});

describe('a capture corrupt in the middle', () => {
  it('keeps the frames before the damage, counts them, and names the file, the problem and its offset', () => {
    const frames = Array.from({ length: 5 }, (_, i) => ({ timeNs: timeOf(i), data: eth(lacp()) }));
    const bytes = Buffer.from(encodePcap(LINKTYPE.ETHERNET, frames));
    const third = 24 + 2 * (16 + frames[0].data.length);
    bytes.writeUInt32LE(0x7fffffff, third + 8); // the third record's captured length
    const path = scratch('corrupt.pcap');
    writeFileSync(path, bytes);
    const r = cli(['decode', path]);
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split(' ')[0])).toEqual(['1', '2']);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toBe('corrupt.pcap: 2 slow frames decoded, 0 malformed');
    expect(lines[1]).toMatch(new RegExp(`^lacpscope: .*corrupt\\.pcap: .*pcap record.*\\(at byte offset ${third}\\) \\[LACPSCOPE_PCAP_BAD_HEADER\\]$`));
    expect(lines).toHaveLength(2);
  });
});

describe('standard input from a running capture', () => {
  it('prints each frame as soon as it arrives, before standard input closes', async () => {
    const frames = Array.from({ length: 5 }, (_, i) => ({ timeNs: timeOf(i), data: eth(lacp({ actor: { ...ACTOR, port: 10 + i } })) }));
    const bytes = encodePcap(LINKTYPE.ETHERNET, frames);
    const record = 16 + frames[0].data.length;
    const child = start(['decode', '-']);
    let out = '';
    const lineCount = () => out.split('\n').filter(Boolean).length;
    const waitLines = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`waited for ${n} lines, got: ${out}`)), 10_000);
        const check = () => {
          if (lineCount() >= n) {
            clearTimeout(timer);
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    child.stdin.write(bytes.subarray(0, 24 + record));
    await waitLines(1);
    expect(out).toMatch(/^1 1700000000\.123456/);
    expect(out).toContain('P: 10 ');
    // Then a frame split across two writes: it appears once both halves are in.
    child.stdin.write(bytes.subarray(24 + record, 24 + record + 30));
    child.stdin.write(bytes.subarray(24 + record + 30, 24 + 2 * record));
    await waitLines(2);
    expect(out).toContain('P: 11 ');
    child.stdin.end(bytes.subarray(24 + 2 * record));
    expect(await exited).toBe(0);
    expect(lineCount()).toBe(5);
    expect(err).toMatch(/^-: 5 frames read, 5 slow frames decoded, 0 malformed$/m);
  });

  it('a closed reader (| head -1) ends the run quietly', () => {
    const frames = Array.from({ length: 20000 }, (_, i) => ({ timeNs: timeOf(i), data: eth(lacp()) }));
    const path = scratch('many.pcap');
    writeFileSync(path, encodePcap(LINKTYPE.ETHERNET, frames));
    const r = spawnSync('sh', ['-c', `node bin/lacpscope.js decode "${path}" | head -1`], { encoding: 'utf8', cwd: ROOT });
    expect(r.stdout.split('\n')[0]).toMatch(/^1 /);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toMatch(/internal error|EPIPE/);
  });
});

/**
 * One generated capture per reader path the CLI wires up (the decoder's own golden tests compare
 * every capture field by field): gzip, multi-interface big-endian pcapng, Linux cooked v2,
 * snapshot-length cuts.
 */
const GENERATED_SAMPLE = ['decode/zoo-le-usec.pcap.gz', 'decode/multi-be.pcapng', 'decode/sll2.pcap', 'decode/snapcut.pcap'];

describe.skipIf(!HAVE_TSHARK)('generated captures (captures/generated) agree with tshark on which frames are Slow Protocols', () => {
  it.each(GENERATED_SAMPLE)('%s', (file) => {
    const path = join(GENERATED, file);
    const r = cli(['decode', '--format', 'jsonl', path]);
    expect(r.code).toBe(0);
    expect(jsonl(r.stdout).map((o) => o.frame)).toEqual(tsharkSlowFrames(path));
    expect(counts(r.stderr, file.split('/').pop()!).decoded).toBe(jsonl(r.stdout).length);
  });
});
