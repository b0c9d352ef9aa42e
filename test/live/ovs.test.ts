/**
 * `lacpscope live` against a real LACP peer: two Open vSwitch switches bundle two links at the
 * fast rate; lacpscope captures both members on switch A's side. Then switch B stops LACP: the
 * live output must flag B's ports as timed out at the short timeout, as Open vSwitch itself
 * expires them, and the --write file must hold every frame printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsUnavailable } from './netns.js';
import { ensureBuilt, projectRoot, readFrames, spawnLines, until, type Line } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lsov-'));
const script = join(projectRoot, 'test/live/ovs-pair.sh');
const name = `lsov${process.pid % 100000}`;
const env = { ...process.env, LAB_WORK: dir };
const ovsMissing = spawnSync('sh', ['-c', 'command -v ovs-vswitchd && command -v ovsdb-server']).status === 0 ? null : 'Open vSwitch is not installed';
const unavailable = netnsUnavailable ?? ovsMissing;

const pair = (action: string) => execFileSync('bash', [script, action, name], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe.skipIf(unavailable !== null)(`lacpscope live against Open vSwitch${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(() => {
    ensureBuilt();
    pair('up');
  });
  afterAll(() => {
    spawnSync('bash', [script, 'down', name], { env, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees the bond form, then flags the partner that stops LACP when Open vSwitch expires it', async () => {
    const out = join(dir, 'ovs.pcapng');
    const run = spawnLines('ip', ['netns', 'exec', `${name}a`, process.execPath, 'bin/lacpscope.js', 'live', '-i', 'a0', '-i', 'a1', '--write', out]);
    const { lines, child } = run;
    const frameLines = () => lines.filter((l) => /^\d+ \d+\.\d{9} a[01] /.test(l.text));
    // A bundled port: actor Collecting and Distributing with Synchronization (`**DCSGSA`-like).
    const bundledFrom = (sys: string, iface: string) =>
      frameLines().some((l) => new RegExp(` ${iface} .* ACTOR ${sys} P: \\d+ K: \\d+ [E*][F*]DCS`).test(l.text));
    try {
      await until(() => (run.stderr.match(/listening on/g) ?? []).length === 2, 15_000, () => `tcpdump did not start: ${run.stderr}`);
      await until(
        () => ['a0', 'a1'].every((i) => bundledFrom('02:0a:00:00:00:0a', i) && bundledFrom('02:0b:00:00:00:0b', i)),
        30_000,
        () => `the bond did not form:\n${lines.map((l) => l.text).join('\n')}`,
      );
      expect(lines.some((l) => l.text.startsWith('! '))).toBe(false);

      pair('lacp-off');
      const timeouts = () => lines.filter((l) => /^! ERROR PDU_TIMEOUT \S+ 02:0b:00:00:00:0b\//.test(l.text));
      await until(() => timeouts().length >= 2, 15_000, () => `B's ports not flagged:\n${lines.map((l) => l.text).join('\n')}`);
      // Open vSwitch's own verdict on A's members: B's information expired or defaulted.
      const verdict = pair('show');
      expect(verdict).toMatch(/member: a0: (expired|defaulted)/);
      expect(verdict).toMatch(/member: a1: (expired|defaulted)/);

      // Each of B's ports flagged at its partner's short timeout (3 s) after its last LACPDU here.
      for (const t of timeouts()) {
        const port = /PDU_TIMEOUT \S+ (\S+):/.exec(t.text)?.[1] as string;
        const [sys, num] = port.split('/');
        const last = frameLines().filter((l) => l.text.includes(`ACTOR ${sys} P: ${num} `)).at(-1) as Line;
        const after = t.atMs - Number(last.text.split(' ')[1]) * 1000;
        console.log(`live vs Open vSwitch: ${port} flagged ${after.toFixed(0)} ms after its last LACPDU (short timeout 3000 ms)`);
        expect(after).toBeGreaterThan(2500);
        expect(after).toBeLessThan(4500);
      }
    } finally {
      child.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
    const back = readFrames(out);
    expect(back.length).toBe(frameLines().length);
    expect(new Set(back.map((f) => f.interface))).toEqual(new Set(['a0', 'a1']));
    expect(back.map((f) => `${f.index} ${f.interface}`)).toEqual(frameLines().map((l) => l.text.split(' ').slice(0, 3).filter((_, i) => i !== 1).join(' ')));
  });
});
