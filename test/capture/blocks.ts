/**
 * pcapng blocks built by hand for what the project's writer never produces: simple and obsolete
 * packet blocks, power-of-two and offset timestamps, unknown blocks, several sections, broken
 * lengths. Either byte order.
 */
import { buildEthernetFrame, encodeLacpPayload } from '../../src/decode/encode.js';

export interface Opt {
  code: number;
  value: Uint8Array;
}

const pad4 = (n: number): number => (n + 3) & ~3;

export class BlockBuilder {
  constructor(readonly le = true) {}

  u16(n: number): Uint8Array {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, n, this.le);
    return b;
  }

  u32(n: number): Uint8Array {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n >>> 0, this.le);
    return b;
  }

  u64(n: bigint): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, n), this.le);
    return b;
  }

  /** type, length, body (padded), options, length. */
  block(type: number, body: Uint8Array[], options: Opt[] = []): Uint8Array {
    const parts: Uint8Array[] = [];
    for (const b of body) parts.push(b);
    const bodyLen = body.reduce((n, b) => n + b.length, 0);
    if (bodyLen % 4) parts.push(new Uint8Array(4 - (bodyLen % 4)));
    for (const o of options) {
      parts.push(this.u16(o.code), this.u16(o.value.length), o.value, new Uint8Array(pad4(o.value.length) - o.value.length));
    }
    if (options.length > 0) parts.push(new Uint8Array(4));
    const inner = cat(parts);
    const total = 12 + inner.length;
    return cat([this.u32(type), this.u32(total), inner, this.u32(total)]);
  }

  shb(options: Opt[] = []): Uint8Array {
    return this.block(0x0a0d0d0a, [this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), this.u64(-1n)], options);
  }

  idb(linkType: number, o: { name?: string; snaplen?: number; tsresol?: number; tsoffset?: bigint } = {}): Uint8Array {
    const opts: Opt[] = [];
    if (o.name !== undefined) opts.push({ code: 2, value: new TextEncoder().encode(o.name) });
    if (o.tsresol !== undefined) opts.push({ code: 9, value: Uint8Array.of(o.tsresol) });
    if (o.tsoffset !== undefined) opts.push({ code: 14, value: this.u64(o.tsoffset) });
    return this.block(1, [this.u16(linkType), this.u16(0), this.u32(o.snaplen ?? 0)], opts);
  }

  epb(ifId: number, ts: bigint, data: Uint8Array, o: { origlen?: number; flags?: number } = {}): Uint8Array {
    const opts: Opt[] = o.flags === undefined ? [] : [{ code: 2, value: this.u32(o.flags) }];
    const hi = Number(ts >> 32n);
    const lo = Number(ts & 0xffffffffn);
    return this.block(6, [this.u32(ifId), this.u32(hi), this.u32(lo), this.u32(data.length), this.u32(o.origlen ?? data.length), data], opts);
  }

  /** Obsolete packet block (type 2): 16-bit interface id and drop count. */
  pb(ifId: number, ts: bigint, data: Uint8Array, o: { origlen?: number; flags?: number } = {}): Uint8Array {
    const opts: Opt[] = o.flags === undefined ? [] : [{ code: 2, value: this.u32(o.flags) }];
    const hi = Number(ts >> 32n);
    const lo = Number(ts & 0xffffffffn);
    return this.block(2, [this.u16(ifId), this.u16(0), this.u32(hi), this.u32(lo), this.u32(data.length), this.u32(o.origlen ?? data.length), data], opts);
  }

  spb(data: Uint8Array, origlen = data.length): Uint8Array {
    return this.block(3, [this.u32(origlen), data]);
  }
}

export function cat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const port = (system: string, port: number, state: number) => ({ systemPriority: 32768, system, key: 17, portPriority: 32768, port, state });

/** A 124-byte Ethernet LACPDU frame from `02:00:00:00:00:NN`, port `n`. */
export function lacpFrame(n: number, vlans: { id: number; tpid?: number }[] = []): Uint8Array {
  const hex = (n & 0xff).toString(16).padStart(2, '0');
  return buildEthernetFrame({
    src: `02:00:00:00:00:${hex}`,
    vlans,
    payload: encodeLacpPayload({ actor: port(`02:aa:00:00:00:${hex}`, n, 0x3d), partner: port('02:bb:00:00:00:01', 1, 0x3d) }),
  });
}

/** A non-slow Ethernet frame (IPv4 EtherType) of `len` bytes. */
export function otherFrame(len: number, fill = 0x5a): Uint8Array {
  const f = new Uint8Array(len).fill(fill);
  f[12] = 0x08;
  f[13] = 0x00;
  return f;
}
