/**
 * Real interfaces for live tests: a network namespace holding one end of a veth pair, the other
 * end left where lacpscope runs. Frames replayed into the namespace's end arrive on ours exactly
 * as from a switch port, and nothing leaves the machine.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';

function run(args: string[]): void {
  execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

let counter = 0;
/** Interface names are at most 15 bytes; the pid keeps parallel test files apart. */
function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}${process.pid % 100000}${String.fromCharCode(97 + (counter % 26))}${Math.floor(counter / 26) || ''}`.slice(0, 15);
}

/** Why live tests cannot run here, or null when they can (root, iproute2, netns, tcpdump, tcpreplay). */
export const netnsUnavailable: string | null = (() => {
  if (process.platform !== 'linux') return 'live tests need Linux network namespaces';
  if (process.getuid?.() !== 0) return 'live tests need root (network namespaces, veth pairs and capturing)';
  for (const tool of ['ip', 'tcpdump', 'tcpreplay']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `live tests need ${tool} on PATH`;
  }
  const probe = uniqueName('lsp');
  try {
    run(['ip', 'netns', 'add', probe]);
    run(['ip', 'netns', 'del', probe]);
    return null;
  } catch (error) {
    return `cannot create a network namespace (ip netns add failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`;
  }
})();

export interface VethLab {
  ns: string;
  /** Our end, in the current namespace: capture here. */
  host: string;
  /** The far end, inside `ns`: replay here. */
  peer: string;
  cleanup(): void;
}

/** One namespace with one end of each of `count` veth pairs (all up, no addresses). */
export function createVethLab(count = 1): VethLab[] {
  const ns = uniqueName('lsn');
  run(['ip', 'netns', 'add', ns]);
  const labs: VethLab[] = [];
  let nsGone = false;
  const cleanupAll = () => {
    for (const l of labs) spawnSync('ip', ['link', 'del', l.host], { stdio: 'ignore' });
    if (!nsGone) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    nsGone = true;
  };
  try {
    for (let i = 0; i < count; i++) {
      const host = uniqueName('lsh');
      const peer = uniqueName('lsq');
      run(['ip', 'link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
      labs.push({ ns, host, peer, cleanup: cleanupAll });
      run(['ip', 'link', 'set', peer, 'netns', ns]);
      run(['ip', 'link', 'set', host, 'up']);
      run(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', peer, 'up']);
    }
  } catch (error) {
    cleanupAll();
    throw error;
  }
  return labs;
}

/**
 * Replays a capture into `lab.peer` (inside its namespace) with tcpreplay: at the capture's own
 * pace, or at `pps` packets per second. Resolves when the last frame is sent.
 */
export function replay(lab: VethLab, file: string, pps?: number): Promise<void> {
  const speed = pps === undefined ? [] : [`--pps=${pps}`];
  const child = spawn('ip', ['netns', 'exec', lab.ns, 'tcpreplay', '-q', ...speed, '-i', lab.peer, file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tcpreplay exited with ${code}: ${stderr.trim()}`))));
  });
}
