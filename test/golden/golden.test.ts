/**
 * The decoder against tshark, frame by frame: every field value tshark prints for a capture
 * (test/golden/tshark/, made by make-goldens.sh next to this file) must equal ours.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LINKTYPE, type Frame } from '../../src/capture/frame.js';
import { readCapture } from '../../src/capture/source.js';
import { decodeFrame, PROBLEM } from '../../src/decode/decode.js';
import { stateString } from '../../src/decode/format.js';
import type { DecodedFrame, LacpPdu, PortInfo, SlowPdu } from '../../src/decode/pdu.js';

const GENERATED = 'captures/generated/decode';
const PUBLIC = '../shared/captures/public';
const TSV = 'test/golden/tshark';

const hex = (n: number, w = 2) => `0x${n.toString(16).padStart(w, '0')}`;

function captureFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? captureFiles(p) : [p];
    })
    .filter((p) => /\.(pcap|pcapng)(\.gz)?$/.test(p))
    .sort();
}

function readTsv(path: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  const names = head.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [names[i], v])));
}

const totals = { captures: 0, frames: 0, values: 0 };

afterAll(() => {
  if (totals.frames > 0) process.stdout.write(`golden: ${totals.frames} frames in ${totals.captures} captures, ${totals.values} field values compared with tshark\n`);
});

/** tshark's list of TLV types (or lengths) for a LACPDU: the fixed three, the walked ones, then where the walk stopped. */
function tlvHeaders(d: DecodedFrame, pdu: LacpPdu, which: 0 | 1): number[] {
  const at = (off: number) => d.bytes[d.payloadOffset + off + which];
  const walked = pdu.version >= 2 ? pdu.tlvs.map((t) => (which === 0 ? t.type : t.length)) : [];
  const stop = 58 + (pdu.version >= 2 ? pdu.tlvs.reduce((n, t) => n + t.length, 0) : 0);
  return [at(2), at(22), at(42), ...walked, at(stop)].filter((v) => v !== undefined);
}

function portValues(side: 'actor' | 'partner', p: PortInfo): Record<string, string> {
  return {
    [`lacp.${side}.sys_priority`]: String(p.systemPriority),
    [`lacp.${side}.sysid`]: p.system,
    [`lacp.${side}.key`]: String(p.key),
    [`lacp.${side}.port_priority`]: String(p.portPriority),
    [`lacp.${side}.port`]: String(p.port),
    [`lacp.${side}.state`]: hex(p.state),
    [`lacp.${side}.state_str`]: stateString(p.state),
  };
}

function subtypeByte(d: DecodedFrame): string {
  const b = d.bytes[d.payloadOffset];
  return b === undefined ? '' : hex(b);
}

/** Our values, in tshark's notation, for every column the goldens carry. */
function ourValues(frame: Frame, d: DecodedFrame): Record<string, string> {
  const pdu = d.pdu;
  const v: Record<string, string> = {
    'frame.time_epoch': pdu.time,
    'frame.len': String(frame.originalLength),
    'frame.cap_len': String(frame.capturedLength),
    'slow.subtype': subtypeByte(d),
    'frame.interface_name': frame.interface,
    'frame.packet_flags_direction': pdu.direction === 'in' ? '0x00000001' : pdu.direction === 'out' ? '0x00000002' : '',
  };
  if (frame.linkType === LINKTYPE.ETHERNET) {
    v['eth.dst'] = pdu.dst ?? '';
    v['eth.src'] = pdu.src ?? '';
  } else {
    v['sll.src.eth'] = pdu.src ?? '';
    v['sll.pkttype'] = pdu.direction === 'out' ? '4' : '';
  }
  const q = pdu.vlans.filter((t) => t.tpid !== 0x88a8);
  const ad = pdu.vlans.filter((t) => t.tpid === 0x88a8);
  if (q.length) {
    v['vlan.id'] = q.map((t) => t.id).join(',');
    v['vlan.priority'] = q.map((t) => t.pcp).join(',');
    v['vlan.dei'] = q.map((t) => (t.dei ? 1 : 0)).join(',');
  }
  if (ad.length) {
    v['ieee8021ad.id'] = ad.map((t) => t.id).join(',');
    v['ieee8021ad.priority'] = ad.map((t) => t.pcp).join(',');
    v['ieee8021ad.dei'] = ad.map((t) => (t.dei ? 1 : 0)).join(',');
  }
  switch (pdu.subtype) {
    case 'lacp':
      Object.assign(v, portValues('actor', pdu.actor), portValues('partner', pdu.partner), {
        'lacp.version': hex(pdu.version),
        'lacp.collector.max_delay': String(pdu.collectorMaxDelay),
        'lacp.tlv_type': tlvHeaders(d, pdu, 0).map((n) => hex(n)).join(','),
        'lacp.tlv_length': tlvHeaders(d, pdu, 1).map((n) => hex(n)).join(','),
      });
      break;
    case 'marker':
    case 'marker-response': {
      const b = (off: number) => d.bytes[d.payloadOffset + off];
      Object.assign(v, {
        'marker.version': hex(pdu.version),
        'marker.tlvType': [b(2), b(18)].filter((x) => x !== undefined).map((n) => hex(n)).join(','),
        'marker.tlvLen': [b(3), b(19)].filter((x) => x !== undefined).map((n) => hex(n)).join(','),
        'marker.requesterPort': String(pdu.requesterPort),
        'marker.requesterSystem': pdu.requesterSystem,
        'marker.requesterTransId': String(pdu.requesterTransactionId),
      });
      break;
    }
    case 'oam':
      v['oampdu.flags'] = hex(pdu.flags, 4);
      v['oampdu.code'] = hex(pdu.code);
      break;
    case 'ossp':
      v['ossp.oui'] = String(parseInt(pdu.oui.replace(/:/g, ''), 16));
      break;
    case 'unknown':
      break;
  }
  return v;
}

const count = (pdu: SlowPdu, code: string, severity = 'error') => pdu.problems.filter((p) => p.code === code && p.severity === severity).length;
const tsharkCount = (expert: string, message: string) => expert.split(',').filter((m) => m === message).length;

/** Compares one tshark row with our decode; returns the number of values compared. */
function compareRow(where: string, row: Record<string, string>, frame: Frame, d: DecodedFrame): number {
  const ours = ourValues(frame, d);
  const cut = d.pdu.problems.some((p) => p.code === PROBLEM.SNAP_CUT || p.code === PROBLEM.SHORT_PDU);
  let n = 0;
  for (const [field, theirs] of Object.entries(row)) {
    if (!(field in ours)) continue;
    const mine = ours[field];
    // Where the capture names no real interface (tshark's `unknown`, tcpdump's `-`) the reader
    // uses the file's name, and it qualifies `any` with the SLL2 interface index.
    if (field === 'frame.interface_name' && (theirs === 'unknown' || theirs === '-' || frame.linkType === LINKTYPE.LINUX_SLL2)) continue;
    if (theirs === '') {
      // tshark stops at the first byte it cannot read; we read on to name what is missing.
      if (mine !== '' && !cut && field !== 'sll.pkttype' && !field.startsWith('frame.')) expect.fail(`${where} ${field}: tshark shows nothing, we show ${mine}`);
      continue;
    }
    if (cut && (field === 'lacp.tlv_type' || field === 'lacp.tlv_length' || field === 'marker.tlvType' || field === 'marker.tlvLen')) {
      expect(mine.startsWith(theirs), `${where} ${field}`).toBe(true);
    } else if (field === 'sll.pkttype') {
      expect(theirs === '4' ? '4' : '', `${where} ${field}`).toBe(mine);
    } else {
      expect(mine, `${where} ${field}`).toBe(theirs);
    }
    n++;
  }
  const expert = row['_ws.expert.message'] ?? '';
  expect(count(d.pdu, PROBLEM.WRONG_TLV_TYPE), `${where} wrong TLV type`).toBe(tsharkCount(expert, 'TLV is not expected type'));
  expect(count(d.pdu, PROBLEM.WRONG_TLV_LENGTH), `${where} wrong TLV length`).toBe(tsharkCount(expert, 'TLV is not expected length'));
  expect(count(d.pdu, PROBLEM.NONZERO_PAD, 'warning'), `${where} pad`).toBe(tsharkCount(expert, 'pad value is not 0'));
  expect(count(d.pdu, PROBLEM.SNAP_CUT, 'warning') > 0, `${where} snapshot cut`).toBe((row['_ws.short'] ?? '') !== '');
  expect(count(d.pdu, PROBLEM.SHORT_PDU) > 0, `${where} short PDU`).toBe(tsharkCount(expert, 'Malformed Packet (Exception occurred)') > 0);
  return n + 5;
}

async function checkCapture(capture: string, golden: string): Promise<void> {
  const frames: Frame[] = [];
  const stats = await readCapture(capture, (f) => frames.push(f));
  const rows = readTsv(golden);
  const byIndex = new Map(frames.map((f) => [f.index, f]));
  expect(stats.frames).toBe(rows.length);
  let compared = 0;
  for (const row of rows) {
    const index = Number(row['frame.number']);
    const frame = byIndex.get(index);
    if (row['slow.subtype'] !== '' || row['_ws.short'] !== '') expect(frame, `${capture} frame ${index} is a Slow Protocols frame`).toBeDefined();
    if (!frame) continue;
    totals.values += compareRow(`${basename(capture)}#${index}`, row, frame, decodeFrame(frame));
    compared++;
  }
  expect(compared).toBe(frames.length);
  totals.frames += compared;
  totals.captures++;
}

const goldenFor = (root: string, sub: string, capture: string) => join(TSV, sub, `${relative(root, capture).replace(/\.gz$/, '')}.tsv`);

describe('generated captures decode as tshark decodes them', () => {
  const files = captureFiles(GENERATED);
  it('the generated set is there', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  it.each(files)('%s', async (capture) => {
    await checkCapture(capture, goldenFor(GENERATED, 'generated', capture));
  });
});

const havePublic = existsSync(PUBLIC);
describe.skipIf(!havePublic)(`public captures in ${PUBLIC} decode as tshark decodes them (skipped when that directory is absent)`, () => {
  const files = havePublic ? captureFiles(PUBLIC) : [];
  it.each(files)('%s', async (capture) => {
    await checkCapture(capture, goldenFor(PUBLIC, 'public', capture));
  });
});
