/** Reads a capture back with tshark: the reference the writers are checked against. */
import { execFileSync } from 'node:child_process';

export interface TsharkPacket {
  timeEpoch: string;
  len: number;
  capLen: number;
  interfaceName: string;
  /** pcapng epb_flags direction as tshark prints it: '' (none), '1' inbound, '2' outbound. */
  direction: string;
  hex: string;
}

export const tsharkAvailable = (() => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

export function tsharkRead(path: string): TsharkPacket[] {
  const fields = tshark(['-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len',
    '-e', 'frame.interface_name', '-e', 'frame.packet_flags_direction']);
  const json = JSON.parse(tshark(['-r', path, '-T', 'json', '-x'])) as { _source: { layers: { frame_raw: [string, ...unknown[]] } } }[];
  const rows = fields.split('\n').filter((l) => l.length > 0);
  if (rows.length !== json.length) throw new Error(`tshark: ${rows.length} field rows but ${json.length} JSON packets`);
  return rows.map((row, i) => {
    const [timeEpoch, len, capLen, interfaceName, direction] = row.split('\t');
    const dir = direction === undefined || direction === '' ? '' : String(Number(direction));
    return { timeEpoch, len: Number(len), capLen: Number(capLen), interfaceName: interfaceName ?? '', direction: dir, hex: json[i]._source.layers.frame_raw[0] };
  });
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
