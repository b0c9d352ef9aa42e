/**
 * `lacpscope live` on a terminal, end to end: the real binary runs in tmux on one end of a veth
 * pair while a lab capture is replayed into the other end at its own pace. The screen is sampled
 * continuously to see ports and findings appear as frames arrive, the silent ports flagged by the
 * clock, and to measure the delay from the wire to the screen.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVethLab, netnsUnavailable, replay, type VethLab } from './netns.js';
import type { Frame } from '../../src/capture/frame.js';
import { actorSystem, cutAtFirstSilence, ensureBuilt, hex, labCapture, latencyFigures, projectRoot, readFrames, until } from './support.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'lacpscope-live-tui-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tmuxMissing = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'tmux is not installed';
  }
})();
const unavailable = netnsUnavailable ?? tmuxMissing;

interface Sample {
  atMs: number;
  screen: string;
}

/** A command in a detached 120x40 tmux session, its screen sampled back to back until `stop()`. */
function inTmux(session: string, command: string) {
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', command]);
  const samples: Sample[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const screen = await run('tmux', ['capture-pane', '-p', '-t', session]).then((r) => r.stdout, () => '');
      samples.push({ atMs: Date.now(), screen });
    }
  })();
  return {
    samples,
    /** The first sample matching `re`. */
    seen: (re: RegExp) => samples.find((s) => re.test(s.screen)),
    last: () => samples.at(-1)?.screen ?? '',
    keys: (...keys: string[]) => execFileSync('tmux', ['send-keys', '-t', session, ...keys]),
    async stop() {
      sampling = false;
      await sampler;
    },
  };
}

/** The live view's recent event for a port timing out: the message starts with the silent port. */
const timeoutOf = (sys: string) => new RegExp(`PDU_TIMEOUT: port \\d+ of system ${sys}`, 'i');

describe.skipIf(unavailable !== null)(`lacpscope live in a terminal${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let lab: VethLab;
  const session = `lslive${process.pid}`;
  const stdinSession = `lsstdin${process.pid}`;
  beforeAll(() => {
    ensureBuilt();
    lab = createVethLab(1)[0];
  });
  afterAll(() => {
    for (const s of [session, stdinSession]) spawnSync('tmux', ['kill-session', '-t', s], { stdio: 'ignore' });
    lab?.cleanup();
  });

  it('shows ports and findings as frames arrive, flags silent ports on time, says when tcpdump dies', async () => {
    // Bundled at the fast rate, cut as the partner stops: both ports fall silent at once.
    const replayFile = join(dir, 'replay.pcap');
    const { sent, lastOf } = cutAtFirstSilence(labCapture('partner-stops-lacp', 'a0.pcap'), replayFile);
    const [A, B] = [...lastOf.keys()];
    expect(lastOf.size).toBe(2);
    const out = join(dir, 'live.pcapng');
    const code = join(dir, 'code');
    const err = join(dir, 'stderr');
    const command = `cd '${projectRoot}' && env -u CI node bin/lacpscope.js live -i ${lab.host} --write '${out}' 2>'${err}'; echo $? >'${code}'`;
    const tmux = inTmux(session, command);
    const { samples, seen } = tmux;
    try {
      await until(() => seen(/Waiting for LACPDUs/) !== undefined, 20_000, () => `no live view; screen:\n${tmux.last()}`);
      expect(seen(/Waiting for LACPDUs/)?.screen).toMatch(new RegExp(`live: ${lab.host} -> `));

      await replay(lab, replayFile);
      await until(() => seen(timeoutOf(A)) !== undefined && seen(timeoutOf(B)) !== undefined, 6000, () => `no PDU_TIMEOUT on screen:\n${tmux.last()}`);

      // The --write file holds the replayed frames byte for byte, with their kernel timestamps.
      const back = readFrames(out);
      expect(back.map((f) => hex(f.data))).toEqual(sent.map((f) => hex(f.data)));

      // Delay from the wire (kernel receive stamp) to the frame counter on screen, per frame.
      const counter = (s: string) => Number(/([\d,]+) slow frames decoded/.exec(s)?.[1].replace(/,/g, '') ?? -1);
      const delays = back.map((f, i) => {
        const shown = samples.find((s) => counter(s.screen) >= i + 1);
        return (shown ? shown.atMs : Infinity) - Number(f.timeNs) / 1e6;
      });
      const lat = latencyFigures(delays);
      console.log(`live (tmux): per-frame delays (ms): ${delays.map((d) => d.toFixed(0)).join(" ")}`);
      const gaps = latencyFigures(samples.slice(1).map((s, i) => s.atMs - samples[i].atMs));
      console.log(
        `live (tmux): wire to screen over ${lat.n} frames: median ${lat.median.toFixed(0)} ms, p95 ${lat.p95.toFixed(0)} ms, max ${lat.max.toFixed(0)} ms ` +
          `(screen sampled every ${gaps.median} ms median; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
      );
      // Issue 5: a frame is on screen within 100 ms of its arrival. The tail (the second frame of
      // a pair waits for the previous redraw) is bounded loosely enough for a loaded 2-core machine.
      expect(lat.median).toBeLessThan(100);
      expect(lat.p95).toBeLessThan(300);
      expect(lat.max).toBeLessThan(1000);

      // Each port's row appears with its first frame.
      for (const sys of [A, B]) {
        const first = back.find((f) => actorSystem(f) === sys);
        const row = seen(new RegExp(`^[▶ ] +${sys}/\\d+ +lsh`, 'm'));
        expect(row, `row of ${sys}`).toBeDefined();
        expect((row as Sample).atMs - Number((first as { timeNs: bigint }).timeNs) / 1e6).toBeLessThan(300);
      }

      // Silence flagged by the clock at the short timeout (3 s) after each port's last frame.
      for (const sys of [A, B]) {
        // The kernel stamp of that port's last frame as it arrived here (the file keeps the order).
        const wire = back[sent.indexOf(lastOf.get(sys) as Frame)];
        const flagged = (seen(timeoutOf(sys)) as Sample).atMs - Number(wire.timeNs) / 1e6;
        console.log(`live (tmux): ${sys} shown timed out ${flagged.toFixed(0)} ms after its last frame (short timeout 3000 ms)`);
        expect(flagged).toBeGreaterThan(2500);
        expect(flagged).toBeLessThan(4000);
      }
      expect(samples.at(-1)?.screen).toMatch(/^Findings [2-9] errors/m);

      // tcpdump killed: the view keeps what it has and says the capture stopped, and why.
      const pid = Number(execFileSync('pgrep', ['-f', `^/\\S*tcpdump .* -i ${lab.host} `]).toString().trim().split('\n')[0]);
      process.kill(pid, 'SIGKILL');
      await until(() => seen(/capture stopped/) !== undefined, 5000, () => `no "capture stopped" on screen:\n${tmux.last()}`);
      const stopped = (seen(/capture stopped/) as Sample).screen;
      expect(stopped).toMatch(/killed by SIGKILL/);
      expect(stopped).toMatch(new RegExp(`${A}/\\d+`));
    } finally {
      await tmux.stop();
      tmux.keys('q');
    }
    await until(() => existsSync(code), 5000, () => 'lacpscope did not exit on q');
    expect(readFileSync(code, 'utf8').trim()).toBe('2');
    expect(readFileSync(err, 'utf8')).toMatch(new RegExp(`^lacpscope: captured ${sent.length} LACP/Slow Protocols frames .*\\nlacpscope: tcpdump on '${lab.host}' was killed by SIGKILL \\[LACPSCOPE_LIVE\\]\\n`));
  });

  it('tcpdump -U -w - | lacpscope - opens the same live view: ports as they arrive, silence flagged by the clock', async () => {
    const replayFile = join(dir, 'replay-stdin.pcap');
    const { lastOf } = cutAtFirstSilence(labCapture('partner-stops-lacp', 'a0.pcap'), replayFile);
    const code = join(dir, 'stdin-code');
    const command =
      `cd '${projectRoot}' && tcpdump -U --immediate-mode -w - -i ${lab.host} 'ether proto 0x8809' 2>/dev/null | ` +
      // lacpscope's own status: tcpdump only notices the closed pipe at its next frame.
      `(env -u CI node bin/lacpscope.js - ; echo $? >'${code}')`;
    const tmux = inTmux(stdinSession, command);
    try {
      // The view opens once the pipe carries tcpdump's file header.
      await until(() => tmux.seen(/ LIVE /) !== undefined, 20_000, () => `no live view on standard input; screen:\n${tmux.last()}`);
      await replay(lab, replayFile);
      // tcpreplay returns right after sending the last frame: the silence starts there.
      const silentFrom = Date.now();
      const ports = [...lastOf.keys()];
      await until(() => ports.every((sys) => tmux.seen(timeoutOf(sys)) !== undefined), 6000, () => `no PDU_TIMEOUT on screen:\n${tmux.last()}`);
      for (const sys of ports) {
        expect(tmux.seen(new RegExp(`^[▶ ] +${sys}/\\d+ `, 'm'))).toBeDefined();
        const after = (tmux.seen(timeoutOf(sys)) as Sample).atMs - silentFrom;
        console.log(`lacpscope - (tmux): ${sys} shown timed out ${after} ms after the last frame was sent (short timeout 3000 ms)`);
        expect(after).toBeGreaterThan(2000);
        expect(after).toBeLessThan(4500);
      }
    } finally {
      await tmux.stop();
      tmux.keys('q');
    }
    await until(() => existsSync(code), 5000, () => `lacpscope - did not exit on q; screen:\n${tmux.last()}`);
    expect(readFileSync(code, 'utf8').trim()).toBe('0');
  });
});
