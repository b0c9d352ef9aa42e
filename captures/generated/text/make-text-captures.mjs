#!/usr/bin/env node
// Writes the small captures the tcpdump-text tests feed to real tcpdump: every Slow Protocols
// form tcpdump prints differently (LACP v1/v2/0xF1, bad TLV lengths, Marker and Marker Response,
// OAM, OSSP, unknown subtype, VLAN tags, padding, snaplen cuts), non-slow frames in between,
// a midnight crossing, Linux cooked v1/v2 and a nanosecond file.
// Usage: node captures/generated/text/make-text-captures.mjs   (writes next to this script)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SLOW_DA = '01:80:c2:00:00:02';

const mac = (s) => s.split(':').map((h) => parseInt(h, 16));
const u16 = (v) => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const zeros = (n) => new Array(n).fill(0);

function port(p) {
  return [...u16(p.sysPrio), ...mac(p.system), ...u16(p.key), ...u16(p.portPrio), ...u16(p.port), p.state, 0, 0, 0];
}

function lacp({ version = 1, actor, partner, maxDelay = 0, actorLen = 20, termLen = 0, extra = [] }) {
  const b = [1, version, 1, actorLen, ...port(actor), 2, 20, ...port(partner), 3, 16, ...u16(maxDelay), ...zeros(12)];
  for (const t of extra) b.push(t.type, t.value.length + 2, ...t.value);
  b.push(0, termLen);
  while (b.length < 110) b.push(0);
  return b;
}

function marker(tlvType, reqPort, reqSystem, tid) {
  const b = [2, 1, tlvType, 16, ...u16(reqPort), ...mac(reqSystem), ...u32(tid), 0, 0, 0, 0];
  while (b.length < 110) b.push(0);
  return b;
}

function ether({ src, dst = SLOW_DA, vlans = [], type = 0x8809, payload, pad = true }) {
  const b = [...mac(dst), ...mac(src)];
  for (const v of vlans) b.push(...u16(v.tpid), ...u16((v.pcp << 13) | (v.dei ? 0x1000 : 0) | v.id));
  b.push(...u16(type), ...payload);
  while (pad && b.length < 60) b.push(0);
  return b;
}

function sll({ pktType, src, type = 0x8809, payload }) {
  return [...u16(pktType), ...u16(1), ...u16(6), ...mac(src), 0, 0, ...u16(type), ...payload];
}

function sll2({ pktType, ifIndex, src, type = 0x8809, payload }) {
  return [...u16(type), 0, 0, ...u32(ifIndex), ...u16(1), pktType, 6, ...mac(src), 0, 0, ...payload];
}

/** Classic pcap, little-endian; `records` are {t: seconds (number) or [sec, frac], data, snap?}. */
function pcap(file, linkType, records, nano = false) {
  const parts = [];
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(65535, 16);
  hdr.writeUInt32LE(linkType, 20);
  parts.push(hdr);
  for (const r of records) {
    const [sec, frac] = r.t;
    const data = Buffer.from(r.data);
    const incl = r.snap !== undefined ? Math.min(r.snap, data.length) : data.length;
    const rh = Buffer.alloc(16);
    rh.writeUInt32LE(sec, 0);
    rh.writeUInt32LE(frac, 4);
    rh.writeUInt32LE(incl, 8);
    rh.writeUInt32LE(data.length, 12);
    parts.push(rh, data.subarray(0, incl));
  }
  writeFileSync(join(here, file), Buffer.concat(parts));
}

const A = { sysPrio: 32768, system: '02:aa:00:00:00:01', key: 17, portPrio: 32768, port: 1, state: 0x3f };
const B = { sysPrio: 65535, system: '02:bb:00:00:00:02', key: 33, portPrio: 255, port: 5, state: 0x3d };
const SRC_A = '02:aa:00:00:00:11';
const SRC_B = '02:bb:00:00:00:22';
const ipv4 = [0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0];
const arp = [0, 1, 8, 0, 6, 4, 0, 1, ...mac(SRC_A), 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2];

// 2023-11-14 23:59:58 UTC, so the time-of-day stamps cross midnight.
const T0 = 1700006398;
let step = 0;
const at = () => {
  const us = step * 1_234_567;
  step++;
  return [T0 + Math.floor(us / 1e6), us % 1e6];
};

const variety = [];
const add = (data, snap) => variety.push({ t: at(), data, snap });
// Every state bit alone, then common combinations.
for (const s of [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x3d, 0x3f, 0xc7, 0xff]) {
  add(ether({ src: SRC_A, payload: lacp({ actor: { ...A, state: s }, partner: { ...B, state: 0xff ^ s }, maxDelay: s * 100 }) }));
}
add(ether({ src: SRC_B, type: 0x0800, payload: ipv4 }));
add(ether({ src: SRC_B, payload: lacp({ actor: B, partner: A, maxDelay: 32768 }) }));
add(ether({ src: SRC_A, type: 0x0806, payload: arp }));
add(ether({ src: SRC_A, vlans: [{ tpid: 0x8100, id: 100, pcp: 3, dei: false }], payload: lacp({ actor: A, partner: B }) }));
add(ether({ src: SRC_A, vlans: [{ tpid: 0x88a8, id: 200, pcp: 0, dei: false }, { tpid: 0x8100, id: 7, pcp: 5, dei: false }], payload: lacp({ actor: A, partner: B }) }));
add(ether({ src: SRC_A, payload: marker(1, 7, '02:aa:00:00:00:01', 0xdeadbeef) }));
add(ether({ src: SRC_B, payload: marker(2, 7, '02:aa:00:00:00:01', 0xdeadbeef) }));
add(ether({ src: SRC_A, payload: lacp({ version: 2, actor: A, partner: B, extra: [{ type: 4, value: [0, 0x80, 0xc2, 1] }] }) }));
add(ether({ src: SRC_A, payload: lacp({ version: 0xf1, actor: A, partner: B, extra: [{ type: 0x80, value: [3, 0] }, { type: 0x81, value: [3, 0] }] }) }));
add(ether({ src: SRC_A, payload: lacp({ actor: A, partner: B, actorLen: 19 }) }));
add(ether({ src: SRC_A, payload: lacp({ actor: A, partner: B, termLen: 2 }) }));
// OAM Information with local and remote TLVs, an Event Notification, a Loopback Control, a Variable Request.
const oamInfo = (local, remote) => [...u16(0x01), local, 16, 1, ...u16(0x0203), 0x05, 0x15, ...u16(0x05ee), 0x00, 0x19, 0xa7, ...u32(0x01020304)];
add(ether({ src: SRC_A, payload: [3, ...u16(0x0050), 0x00, ...oamInfo(1).slice(2), 2, 16, 1, ...u16(7), 0x00, 0x0a, ...u16(1500), 0x00, 0x10, 0x18, ...u32(9), 0, 0] }));
add(ether({ src: SRC_A, payload: [3, ...u16(0x0001), 0x01, ...u16(42), 1, 40, ...u16(12), ...zeros(4), ...u32(1000), ...zeros(4), ...u32(10), ...zeros(4), ...u32(11), ...zeros(4), ...u32(12), ...u32(3), 0, 0] }));
add(ether({ src: SRC_A, payload: [3, ...u16(0x0008), 0x04, 0x01] }));
add(ether({ src: SRC_A, payload: [3, ...u16(0x0008), 0x02, 0x07, 0x00, 0x10, 0, 0] }));
// OSSP (ITU-T ESMC) and an unknown subtype.
add(ether({ src: SRC_A, payload: [0x0a, 0x00, 0x19, 0xa7, 0x00, 0x01, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x04, 0x04, 0x00, ...zeros(20)] }));
add(ether({ src: SRC_A, payload: [0x05, 0x01, 0x02, 0x03] }));
// Cut by the snapshot length inside the partner TLV, and inside the header.
add(ether({ src: SRC_A, payload: lacp({ actor: A, partner: B }) }), 50);
add(ether({ src: SRC_A, payload: lacp({ actor: A, partner: B }) }), 15);
add(ether({ src: SRC_B, payload: lacp({ actor: B, partner: A }) }));
// A drop-eligible tag, and a Marker to a non-standard address.
add(ether({ src: SRC_A, vlans: [{ tpid: 0x8100, id: 4094, pcp: 7, dei: true }], payload: lacp({ actor: A, partner: B }) }));
add(ether({ src: SRC_A, dst: '01:80:c2:00:00:03', payload: marker(1, 9, '02:aa:00:00:00:01', 1) }));
pcap('lacp-variety.pcap', 1, variety);

step = 0;
pcap('lacp-sll.pcap', 113, [
  { t: at(), data: sll({ pktType: 4, src: SRC_A, payload: lacp({ actor: A, partner: B }) }) },
  { t: at(), data: sll({ pktType: 2, src: SRC_B, payload: lacp({ actor: B, partner: A }) }) },
  { t: at(), data: sll({ pktType: 0, src: SRC_B, type: 0x0800, payload: ipv4 }) },
  { t: at(), data: sll({ pktType: 0, src: SRC_B, payload: marker(2, 1, '02:aa:00:00:00:01', 5) }) },
]);

step = 0;
pcap('lacp-sll2.pcap', 276, [
  { t: at(), data: sll2({ pktType: 4, ifIndex: 1, src: SRC_A, payload: lacp({ actor: A, partner: B }) }) },
  { t: at(), data: sll2({ pktType: 2, ifIndex: 1, src: SRC_B, payload: lacp({ actor: B, partner: A }) }) },
  { t: at(), data: sll2({ pktType: 0, ifIndex: 1, src: SRC_B, type: 0x0806, payload: arp }) },
  { t: at(), data: sll2({ pktType: 1, ifIndex: 1, src: SRC_B, payload: lacp({ actor: { ...B, state: 0x47 }, partner: { ...A, state: 0 } }) }) },
  { t: at(), data: sll2({ pktType: 3, ifIndex: 1, src: SRC_B, payload: lacp({ actor: { ...B, state: 0x07 }, partner: A }) }) },
]);

pcap('lacp-nano.pcap', 1, [0, 1, 2].map((i) => ({
  t: [T0 + i, 123_456_789 + i],
  data: ether({ src: SRC_A, payload: lacp({ actor: { ...A, state: 0x07 + i * 8 }, partner: B }) }),
})), true);
