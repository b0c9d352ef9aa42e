import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { droppedByKernel, explainTcpdumpFailure, startLiveCapture, type LiveStatus } from '../../src/capture/live.js';
import { LacpscopeError } from '../../src/errors.js';
import { toHex, tsharkAvailable, tsharkRead } from '../writer/tshark.js';
import { createVethLab, netnsUnavailable, replay } from './netns.js';
import { hex, labCapture, latencyFigures, readFrames, until } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lacpscope-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collect(interfaces: string[], write?: string, tcpdump?: string) {
  const frames: Frame[] = [];
  const arrivedMs: number[] = [];
  const statuses: LiveStatus[] = [];
  const capture = startLiveCapture({
    interfaces,
    write,
    tcpdump,
    onFrame: (f) => {
      arrivedMs.push(Date.now());
      frames.push(f);
    },
    onStatus: (s) => statuses.push(s),
  });
  return { capture, frames, arrivedMs, statuses };
}

describe('live capture failures are explained with the fix', () => {
  it('tcpdump missing: says how to install it', () => {
    const run = () => collect(['lo'], undefined, 'lacpscope-test-no-such-tcpdump');
    expect(run).toThrow(LacpscopeError);
    expect(run).toThrow(/tcpdump not found: install it .*apt-get install tcpdump/);
  });

  it.skipIf(process.platform !== 'linux')('no such interface: lists the ones there are', () => {
    try {
      collect(['lsnosuch0']);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LacpscopeError);
      const e = error as LacpscopeError;
      expect(e.code).toBe('LACPSCOPE_LIVE');
      expect(e.message).toMatch(/^no such interface 'lsnosuch0'; available: .*\blo\b/);
    }
  });

  it('reads the kernel drop count from tcpdump 4.99\'s statistics lines', () => {
    expect(droppedByKernel('tcpdump: 12 packets captured, 15 packets received by filter, 3 packets dropped by kernel')).toBe(3);
    expect(droppedByKernel('1 packet dropped by kernel')).toBe(1);
    expect(droppedByKernel('0 packets dropped by kernel')).toBe(0);
    expect(droppedByKernel('15 packets received by filter')).toBeNull();
  });

  it('explains the messages real tcpdump 4.99 prints', () => {
    const perm = explainTcpdumpFailure('eth0', ["tcpdump: eth0: You don't have permission to perform this capture on that device", '(socket: Operation not permitted)'], 1, null);
    expect(perm.message).toMatch(/no permission to capture on 'eth0': run as root, or .*setcap cap_net_raw,cap_net_admin=eip \$\(which tcpdump\)/);
    const down = explainTcpdumpFailure('eth1', ['tcpdump: eth1: That device is not up'], 1, null);
    expect(down.message).toBe("interface 'eth1' is down: bring it up with ip link set eth1 up");
    const other = explainTcpdumpFailure('eth2', ['tcpdump: listening on eth2, link-type EN10MB (Ethernet), snapshot length 262144 bytes', 'tcpdump: pcap_loop: The interface disappeared', '3 packets captured'], 1, null);
    expect(other.message).toBe("tcpdump on 'eth2' exited with code 1: pcap_loop: The interface disappeared");
    expect(explainTcpdumpFailure('eth3', [], null, 'SIGKILL').message).toBe("tcpdump on 'eth3' was killed by SIGKILL");
  });

  const canDrop = process.getuid?.() === 0 && execOk('setpriv', ['--version']) && execOk('tcpdump', ['--version']);
  it.skipIf(!canDrop)('no permission (real tcpdump run as an unprivileged user): says to run as root or setcap', async () => {
    // A wrapper that runs the real tcpdump without privileges: the message is tcpdump's own.
    const wrapper = join(dir, 'tcpdump-unprivileged');
    writeFileSync(wrapper, '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups tcpdump "$@"\n');
    chmodSync(wrapper, 0o755);
    const { capture } = collect(['lo'], undefined, wrapper);
    await expect(capture.ready).rejects.toThrow(/no permission to capture on 'lo': run as root, or .*setcap/);
    const summary = await capture.done;
    expect(summary.error?.code).toBe('LACPSCOPE_LIVE');
  });
});

function execOk(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(netnsUnavailable !== null)(`live capture on veth pairs${netnsUnavailable ? ` (skipped: ${netnsUnavailable})` : ''}`, () => {
  const labs = netnsUnavailable === null ? createVethLab(2) : [];
  afterAll(() => labs[0]?.cleanup());
  const a0 = labCapture('healthy-fast', 'a0.pcap');
  const a1 = labCapture('healthy-fast', 'a1.pcap');

  it('hands on every replayed frame byte for byte, in arrival order, and writes them all to the pcapng', async () => {
    const out = join(dir, 'two.pcapng');
    const { capture, frames, arrivedMs, statuses } = collect([labs[0].host, labs[1].host], out);
    await capture.ready;
    await until(() => statuses.filter((s) => s.kind === 'listening').length === 2, 5000);
    expect(statuses.filter((s) => s.kind === 'listening').map((s) => s.kind === 'listening' && s.interface).sort()).toEqual([labs[0].host, labs[1].host].sort());
    const sent0 = readFrames(a0);
    const sent1 = readFrames(a1);
    await Promise.all([replay(labs[0], a0, 200), replay(labs[1], a1, 200)]);
    await until(() => frames.length >= sent0.length + sent1.length, 5000);
    // Written before being handed on: the file holds every frame while capture still runs.
    expect(readFrames(out)).toHaveLength(frames.length);
    const summary = await capture.stop();

    expect(summary.error).toBeNull();
    expect(summary.frames).toBe(sent0.length + sent1.length);
    expect(summary.written).toBe(summary.frames);
    expect(frames.map((f) => f.index)).toEqual(frames.map((_, i) => i + 1));
    expect(new Set(frames.map((f) => f.source))).toEqual(new Set(['two.pcapng']));
    const on = (iface: string) => frames.filter((f) => f.interface === iface).map((f) => hex(f.data));
    expect(on(labs[0].host)).toEqual(sent0.map((f) => hex(f.data)));
    expect(on(labs[1].host)).toEqual(sent1.map((f) => hex(f.data)));

    // The file read back (project reader): the same frames, times, interfaces and numbering.
    const back = readFrames(out);
    expect(back.map((f) => [f.index, f.interface, f.timeNs, hex(f.data), f.originalLength])).toEqual(
      frames.map((f) => [f.index, f.interface, f.timeNs, hex(f.data), f.originalLength]),
    );
    if (tsharkAvailable) {
      const t = tsharkRead(out);
      expect(t.map((p) => [p.interfaceName, p.hex])).toEqual(frames.map((f) => [f.interface, toHex(f.data)]));
    }

    // Wire (kernel receive timestamp) to onFrame, same clock.
    const lat = latencyFigures(frames.map((f, i) => arrivedMs[i] - Number(f.timeNs / 1_000_000n)));
    console.log(`live capture: kernel timestamp to onFrame over ${lat.n} frames: median ${lat.median} ms, p95 ${lat.p95} ms, max ${lat.max} ms`);
    expect(lat.p95).toBeLessThan(100);
  });

  it('a tcpdump killed mid-capture is reported with how it ended, and the file keeps every frame shown', async () => {
    const out = join(dir, 'killed.pcapng');
    const { capture, frames, statuses } = collect([labs[0].host], out);
    await capture.ready;
    await replay(labs[0], a0, 200);
    await until(() => frames.length >= 10, 5000);
    const pid = capture.summary().interfaces[0].pid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid as number, 'SIGKILL');
    const summary = await capture.done;
    expect(summary.error?.message).toBe(`tcpdump on '${labs[0].host}' was killed by SIGKILL`);
    expect(statuses.find((s) => s.kind === 'failed')).toBeDefined();
    const stopped = statuses.find((s) => s.kind === 'stopped');
    expect(stopped && stopped.kind === 'stopped' && stopped.message).toMatch(/^capture stopped: tcpdump on .* was killed by SIGKILL \(\d+ frames captured, written to /);
    expect(statSync(out).size).toBeGreaterThan(0);
    expect(readFrames(out).map((f) => hex(f.data))).toEqual(frames.map((f) => hex(f.data)));
  });

  it('kernel drops (tcpdump paused while frames pour in) are counted from tcpdump\'s statistics', async () => {
    const { capture, frames, statuses } = collect([labs[1].host]);
    await capture.ready;
    const pid = capture.summary().interfaces[0].pid as number;
    // A stopped tcpdump reads nothing: the kernel's capture buffer fills and the rest is dropped.
    process.kill(pid, 'SIGSTOP');
    const loops = 400;
    await new Promise<void>((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', labs[1].ns, 'tcpreplay', '-q', '--topspeed', `--loop=${loops}`, '-i', labs[1].peer, a0], { stdio: 'ignore' });
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tcpreplay exited with ${code}`))));
    });
    process.kill(pid, 'SIGCONT');
    await until(() => statuses.some((s) => s.kind === 'drops'), 5000);
    const summary = await capture.stop();
    const sent = readFrames(a0).length * loops;
    const dropped = summary.interfaces[0].dropped as number;
    console.log(`live capture: ${sent} frames sent while tcpdump was stopped, ${frames.length} captured, ${dropped} dropped by the kernel`);
    expect(dropped).toBeGreaterThan(0);
    expect(frames.length + dropped).toBe(sent);
    expect(summary.error).toBeNull();
  });

  it('an interface deleted while capturing: tcpdump exits, the reason is given and the frames are kept', async () => {
    const extra = createVethLab(1)[0];
    try {
      const { capture, frames } = collect([extra.host]);
      await capture.ready;
      await replay(extra, a0, 200);
      await until(() => frames.length >= 5, 5000);
      execFileSync('ip', ['link', 'del', extra.host]);
      const summary = await capture.done;
      expect(summary.error?.code).toBe('LACPSCOPE_LIVE');
      expect(summary.error?.message).toMatch(new RegExp(`tcpdump on '${extra.host}'|no such interface '${extra.host}'`));
      expect(summary.frames).toBe(frames.length);
    } finally {
      extra.cleanup();
    }
  });
});
