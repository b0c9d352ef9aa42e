/**
 * `lacpscope live` off a terminal, end to end: the real binary captures on a veth end while a lab
 * capture is replayed into the other end at its own pace; each frame becomes a stdout line as it
 * arrives and a silent port is flagged by the clock, with no frame to trigger it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, tsharkAvailable, tsharkRead } from '../writer/tshark.js';
import { createVethLab, netnsUnavailable, replay, type VethLab } from './netns.js';
import { cutAtFirstSilence, ensureBuilt, hex, labCapture, latencyFigures, readFrames, spawnLines, until, type Line } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lacpscope-live-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(netnsUnavailable !== null)(`lacpscope live without a terminal${netnsUnavailable ? ` (skipped: ${netnsUnavailable})` : ''}`, () => {
  let lab: VethLab;
  beforeAll(() => {
    ensureBuilt();
    lab = createVethLab(1)[0];
  });
  afterAll(() => lab?.cleanup());

  it('prints each replayed frame as it arrives, flags the silent ports on time and writes every frame', async () => {
    // Both switches bundled at the fast rate; cut just after the last exchange, so both ports go
    // silent at once and only the clock can reveal it (3 s: the short timeout each asked for).
    const replayFile = join(dir, 'replay.pcap');
    const { sent, lastOf } = cutAtFirstSilence(labCapture('partner-stops-lacp', 'a0.pcap'), replayFile);
    expect(lastOf.size).toBe(2);
    const out = join(dir, 'live.pcapng');
    const run = spawnLines(process.execPath, ['bin/lacpscope.js', 'live', '-i', lab.host, '--write', out]);
    const { lines, child } = run;
    try {
      await until(() => run.stderr.includes('listening on'), 10_000, () => `no "listening" line; stderr: ${run.stderr}`);
      await replay(lab, replayFile);
      const frameLines = () => lines.filter((l) => /^\d+ \d+\.\d{9} /.test(l.text));
      await until(() => frameLines().length >= sent.length, 3000, () => `${frameLines().length} of ${sent.length} frame lines`);
      const timeouts = () => lines.filter((l) => /^! ERROR PDU_TIMEOUT /.test(l.text));
      await until(() => timeouts().length >= 2, 6000, () => `no PDU_TIMEOUT line 6 s after the last frame:\n${lines.map((l) => l.text).join('\n')}`);

      // Every frame line: in order, on our interface, as captured.
      const fl = frameLines();
      expect(fl).toHaveLength(sent.length);
      expect(fl.map((l) => Number(l.text.split(' ')[0]))).toEqual(sent.map((_, i) => i + 1));
      expect(new Set(fl.map((l) => l.text.split(' ')[2]))).toEqual(new Set([lab.host]));

      // Delay from the wire (kernel receive stamp on the line) to the line on stdout.
      const lat = latencyFigures(fl.map((l) => l.atMs - Number(l.text.split(' ')[1]) * 1000));
      console.log(`live (no terminal): wire to stdout line over ${lat.n} frames: median ${lat.median.toFixed(1)} ms, p95 ${lat.p95.toFixed(1)} ms, max ${lat.max.toFixed(1)} ms`);
      expect(lat.p95).toBeLessThan(100);

      // Silence flagged by the clock, at the 3 s short timeout after each port's last frame.
      for (const [sys, last] of lastOf) {
        const t = timeouts().find((l) => new RegExp(`PDU_TIMEOUT \\S+ ${sys}/`).test(l.text));
        expect(t, `PDU_TIMEOUT naming ${sys}`).toBeDefined();
        // When that port's last frame crossed the wire here (the stamp on its line).
        const wireMs = Number(fl[sent.indexOf(last)].text.split(' ')[1]) * 1000;
        const after = (t as Line).atMs - wireMs;
        console.log(`live (no terminal): ${sys} flagged ${after.toFixed(0)} ms after its last frame (short timeout 3000 ms)`);
        expect(after).toBeGreaterThan(2500);
        expect(after).toBeLessThan(4000);
      }
    } finally {
      child.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
    // The report comes at the end, and the summary line counts what was captured and written.
    expect(lines.some((l) => l.text.includes('PDU_TIMEOUT'))).toBe(true);
    expect(run.stderr).toMatch(new RegExp(`captured ${sent.length} LACP/Slow Protocols frames \\(${lab.host}: ${sent.length} frames\\); ${sent.length} written to `));

    // The --write file holds the replayed frames byte for byte, on one interface named after ours.
    const back = readFrames(out);
    expect(back.map((f) => hex(f.data))).toEqual(sent.map((f) => hex(f.data)));
    expect(new Set(back.map((f) => f.interface))).toEqual(new Set([lab.host]));
    if (tsharkAvailable) expect(tsharkRead(out).map((p) => [p.interfaceName, p.hex])).toEqual(sent.map((f) => [lab.host, toHex(f.data)]));
  });

  it('an interface that does not exist: one line with the fix, exit 2, no capture', async () => {
    const run = spawnLines(process.execPath, ['bin/lacpscope.js', 'live', '-i', 'lsnosuch9']);
    const code = await run.exited;
    const stderr = run.stderr;
    const stdout = run.lines.map((l) => l.text).join('\n');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^lacpscope: no such interface 'lsnosuch9'; available: .*\blo\b.* \[LACPSCOPE_LIVE\]\n$/);
  });
});
