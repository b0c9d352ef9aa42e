#!/usr/bin/env node
// Writes a large, realistic mixed capture for the benchmark, streaming (memory flat in size):
//   node bench/gen-capture.mjs OUT.pcap SIZE_MIB [--seed N]
// Classic pcap, little-endian, microseconds, Ethernet. Frame sizes are bimodal (60-100 B
// acknowledgements and 1514 B segments, a few in between); about 10% of frames carry an 802.1Q
// tag; about 0.5% are valid LACPDUs from two bonded links (four ports, both ends, fast rate,
// one per port per second in time order) that negotiate at the start and flap once midway.
// One port's LACPDUs are VLAN-tagged, as a trunk mirror port shows them.
// Needs the build (dist/) for the LACPDU encoder: `npm run build`.
import { closeSync, openSync, writeSync } from 'node:fs';

const [out, sizeArg, ...rest] = process.argv.slice(2);
if (!out || !sizeArg || !(Number(sizeArg) > 0)) {
  console.error('usage: node bench/gen-capture.mjs OUT.pcap SIZE_MIB [--seed N]');
  process.exit(2);
}
const seedAt = rest.indexOf('--seed');
let seed = seedAt >= 0 ? Number(rest[seedAt + 1]) >>> 0 : 0x1acb5c09;

const { buildEthernetFrame, encodeLacpPayload } = await import(new URL('../dist/decode/encode.js', import.meta.url).href).catch(() => {
  console.error('gen-capture: dist/ is missing; run `npm run build` first');
  process.exit(2);
});

/** xorshift32: the same file for the same seed. */
function rand() {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
}

const targetBytes = Math.floor(Number(sizeArg) * 1024 * 1024);
const BUF = 8 << 20;
const buf = Buffer.alloc(BUF);
let used = 0;
const fd = openSync(out, 'w');
let written = 0;

function flush() {
  let done = 0;
  while (done < used) done += writeSync(fd, buf, done, used - done);
  written += used;
  used = 0;
}

// File header.
buf.writeUInt32LE(0xa1b2c3d4, 0);
buf.writeUInt16LE(2, 4);
buf.writeUInt16LE(4, 6);
buf.writeUInt32LE(262144, 16);
buf.writeUInt32LE(1, 20);
used = 24;

// A pool of payload bytes the ordinary frames take their contents from.
const pool = Buffer.alloc(4096);
for (let i = 0; i < pool.length; i++) pool[i] = Math.floor(rand() * 256);
const hosts = Array.from({ length: 32 }, (_, i) => Buffer.from([0x02, 0x42, 0xac, 0x11, 0x00, i + 2]));

function record(tUs, frame) {
  if (used + 16 + frame.length > BUF) flush();
  buf.writeUInt32LE(Math.floor(tUs / 1e6), used);
  buf.writeUInt32LE(tUs % 1e6, used + 4);
  buf.writeUInt32LE(frame.length, used + 8);
  buf.writeUInt32LE(frame.length, used + 12);
  frame.copy(buf, used + 16);
  used += 16 + frame.length;
}

/** An IPv4/TCP frame of `len` bytes; `vlan` adds an 802.1Q tag. */
function ordinary(len, vlan) {
  const f = Buffer.allocUnsafe(len);
  const a = hosts[Math.floor(rand() * hosts.length)];
  const b = hosts[Math.floor(rand() * hosts.length)];
  a.copy(f, 0);
  b.copy(f, 6);
  let at = 12;
  if (vlan) {
    f.writeUInt16BE(0x8100, 12);
    f.writeUInt16BE(100 + Math.floor(rand() * 4), 14);
    at = 16;
  }
  f.writeUInt16BE(0x0800, at);
  const ip = at + 2;
  const from = Math.floor(rand() * (pool.length - 1514));
  pool.copy(f, ip, from, from + len - ip);
  // IPv4 + TCP headers, so that dissectors see ordinary traffic rather than garbage.
  f[ip] = 0x45;
  f[ip + 1] = 0;
  f.writeUInt16BE(len - ip, ip + 2);
  f[ip + 6] = 0x40; // don't fragment, offset 0
  f[ip + 7] = 0;
  f[ip + 8] = 64;
  f[ip + 9] = 6;
  f.writeUInt32BE(0x0a000000 | (a[5] << 8) | 1, ip + 12);
  f.writeUInt32BE(0x0a000000 | (b[5] << 8) | 2, ip + 16);
  f[ip + 32] = 0x50;
  return f;
}

function frameSize() {
  const r = rand();
  if (r < 0.5) return 60 + Math.floor(rand() * 41); // acknowledgements, ARP, small UDP
  if (r < 0.9) return 1514; // full segments
  return 101 + Math.floor(rand() * 1413);
}

// Two links: switch A (ports 1, 2) <-> server B (ports 1, 2); both ends capture on a mirror.
const A = { system: '02:1c:73:00:00:01', key: 1001, priority: 32768 };
const B = { system: '02:00:5e:10:00:02', key: 15, priority: 65535 };
const ports = [
  { self: A, peer: B, port: 1, peerPort: 1, mac: '02:1c:73:00:00:11', vlan: null },
  { self: A, peer: B, port: 2, peerPort: 2, mac: '02:1c:73:00:00:12', vlan: 4000 },
  { self: B, peer: A, port: 1, peerPort: 1, mac: '02:00:5e:10:00:21', vlan: null },
  { self: B, peer: A, port: 2, peerPort: 2, mac: '02:00:5e:10:00:22', vlan: null },
];
const FAST = 0x02;
const IN_SYNC = 0x01 | FAST | 0x04 | 0x08 | 0x10 | 0x20; // activity, short timeout, aggregation, sync, collecting, distributing

/** The actor and partner states port `i` sends in its `n`-th PDU: converge, steady, one flap of link 2. */
function states(i, n, flapAt) {
  if (n === 0) return [0x01 | FAST | 0x04 | 0x40, 0]; // defaulted, no partner yet
  if (n === 1) return [0x01 | FAST | 0x04 | 0x08, 0x01 | FAST | 0x04 | 0x08];
  const onLink2 = ports[i].port === 2;
  if (onLink2 && n >= flapAt && n < flapAt + 3) return [0x01 | FAST | 0x04 | 0x80, 0x01 | FAST | 0x04]; // expired
  if (onLink2 && n === flapAt + 3) return [0x01 | FAST | 0x04 | 0x08, 0x01 | FAST | 0x04 | 0x08];
  return [IN_SYNC, IN_SYNC];
}

function lacpdu(i, n, flapAt) {
  const p = ports[i];
  const [actorState, partnerState] = states(i, n, flapAt);
  const payload = encodeLacpPayload({
    actor: { systemPriority: p.self.priority, system: p.self.system, key: p.self.key, portPriority: 255, port: p.port, state: actorState },
    partner: { systemPriority: p.peer.priority, system: p.peer.system, key: p.peer.key, portPriority: 255, port: p.peerPort, state: partnerState },
    collectorMaxDelay: 0,
  });
  return Buffer.from(buildEthernetFrame({ src: p.mac, vlans: p.vlan === null ? [] : [{ id: p.vlan }], payload }));
}

// 0.5% LACP at 4 PDUs per second: 800 frames per second, 1250 µs apart on average.
const meanGapUs = 1_000_000 / (ports.length / 0.005);
const expectedPerPort = Math.max(8, Math.floor(targetBytes / 780 / 200 / ports.length));
const flapAt = Math.floor(expectedPerPort / 2);
let t = 1_700_000_000 * 1e6;
const next = ports.map((_, i) => t + 250_000 * i + 1000);
const sent = ports.map(() => 0);
let frames = 0;
let lacp = 0;
let tagged = 0;
while (written + used < targetBytes) {
  t += 1 + Math.floor(rand() * 2 * meanGapUs);
  for (let i = 0; i < ports.length; i++) {
    if (t >= next[i]) {
      const f = lacpdu(i, sent[i]++, flapAt);
      record(next[i], f);
      frames++;
      lacp++;
      if (ports[i].vlan !== null) tagged++;
      next[i] += 1_000_000 + Math.floor(rand() * 2000) - 1000;
    }
  }
  const vlan = rand() < 0.1;
  if (vlan) tagged++;
  record(t, ordinary(frameSize() + (vlan ? 4 : 0), vlan));
  frames++;
}
flush();
closeSync(fd);
console.log(JSON.stringify({ out, bytes: written, frames, lacpdus: lacp, tagged }));
