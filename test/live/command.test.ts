/** `lacpscope live` argument handling and start-up failures, through main() (no capture needed). */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseLiveArgs } from '../../src/cli/live-command.js';

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdout, stderr, env: {} }, out: () => out, err: () => err };
}

describe('lacpscope live: arguments', () => {
  it('takes repeated -i, --write, --fail-on and thresholds', () => {
    expect(parseLiveArgs(['-i', 'eth0', '--interface', 'eth1', '-w', 'x.pcapng', '--fail-on', 'warning', '--no-color'])).toEqual({
      interfaces: ['eth0', 'eth1'],
      write: 'x.pcapng',
      noColor: true,
      failOn: 'warning',
      thresholds: undefined,
    });
    expect(parseLiveArgs(['-i', 'eth0'])).toMatchObject({ failOn: 'never', write: undefined });
  });

  it('needs an interface, and takes no FILE', async () => {
    const a = io();
    expect(await main(['live'], a.io)).toBe(2);
    expect(a.err()).toBe("lacpscope: live needs at least one interface: -i IFACE (see 'lacpscope live --help') [LACPSCOPE_USAGE]\n");
    const b = io();
    expect(await main(['live', '-i', 'eth0', 'cap.pcap'], b.io)).toBe(2);
    expect(b.err()).toMatch(/live takes no FILE \(got 'cap.pcap'\); to watch a pipe use 'lacpscope -'/);
    const c = io();
    expect(await main(['live', '-i', 'eth0', '--fail-on', 'sometimes'], c.io)).toBe(2);
    expect(c.err()).toMatch(/--fail-on must be one of error, warning, never, not 'sometimes'/);
  });

  it('--help explains the options, the permission needed and the exit status', async () => {
    const a = io();
    expect(await main(['live', '--help'], a.io)).toBe(0);
    expect(a.out()).toMatch(/^Usage: lacpscope live -i IFACE \[-i IFACE\]\.\.\. \[--write FILE\]/);
    for (const s of ['--write FILE', 'cap_net_raw,cap_net_admin', 'Exit status', '--fail-on LEVEL']) expect(a.out()).toContain(s);
  });

  it.skipIf(process.platform !== 'linux')('a --write file that cannot be created: one line naming it, exit 2', async () => {
    const a = io();
    expect(await main(['live', '-i', 'lo', '--write', '/nonexistent-dir/x.pcapng'], a.io)).toBe(2);
    expect(a.err()).toBe('lacpscope: /nonexistent-dir/x.pcapng: cannot create the --write file (ENOENT) [LACPSCOPE_IO]\n');
    expect(a.out()).toBe('');
  });
});
