/**
 * End to end: the real `lacpscope FILE` in a tmux terminal. A user finds the failing port, the
 * moment it failed and the PDU that shows it with the keys the help lists, and on quit gets
 * their shell back as it was.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { BIN, ensureBuilt, pub, ROOT } from '../cli/support.js';
import { scenarioFrames, SYS_A, SYS_B } from './fixtures.js';
import { HAVE_TMUX, killServers, Terminal } from './tmux.js';

const LACP_PCAP = pub('tcpdump', 'LACP.pcap');
const DEMO = join(ROOT, 'captures', 'demo', 'demo.pcapng');
let dir = '';
let scenario = '';
let term: Terminal | null = null;

function open(file: string, env = ''): Terminal {
  term = new Terminal(ROOT);
  term.run('echo before-the-review');
  term.run(`env -u CI ${env} node ${BIN} ${file}; echo "review exited $?"`);
  return term;
}

beforeAll(() => {
  if (!HAVE_TMUX) return;
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lacpscope-tui-'));
  scenario = join(dir, 'silent-member.pcap');
  // B/6 falls silent after 10 s; A/2 reports Expired from 13 s.
  writePcap(scenario, 1, scenarioFrames().map((d) => ({ timeNs: BigInt(d.pdu.time.replace('.', '')), data: d.bytes })));
});

afterEach(() => {
  term?.kill();
  term = null;
});

afterAll(() => {
  killServers();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAVE_TMUX)('the review in a terminal (tmux)', () => {
  it('leads from the failing port to the finding, its moment and the PDU that shows it', async () => {
    const t = open(scenario);
    const overview = await t.waitFor((s) => /02:aa:00:00:00:01\/2\s+\S+\s+expired/.test(s) && !s.includes('(so far)'));
    expect(overview).toMatch(/02:bb:00:00:00:02\/6\s+\S+\s+timed out/);
    expect(overview).toMatch(/02:aa:00:00:00:01\/1\s+\S+\s+bundled/);
    expect(t.format('#{alternate_on}')).toBe('1');

    t.keys('3');
    const findings = await t.waitFor(/Findings \d+\s+by severity/);
    expect(findings).toMatch(/▶ ERROR\s+\+1\d\.\d{3}s\s+PDU_TIMEOUT\s+02:bb:00:00:00:02\/6\s/); // the silent sender

    t.keys('Enter');
    const timeline = await t.waitFor(`Link 2/2`);
    expect(timeline).toContain('B PDUs');
    expect(timeline).toMatch(/B PDUs\s+[|\s]+X+/); // the silence, timed out
    expect(timeline).toContain('(Enter: detail)');

    t.keys('Enter');
    const detail = await t.waitFor('Actor Information');
    expect(detail).toContain(`Actor System ID: ${SYS_B}`);
    expect(detail).toContain('Actor Port: 6 (0x0006)');
    expect(detail).toMatch(/0000 \[01 80 c2 00 00 02/); // the whole frame selected in the hex dump

    // Select the actor state: the hex dump brackets its byte (frame offset 32).
    const selected = (screen: string) => screen.split('\n').find((l) => l.startsWith('▶')) ?? '';
    let state = t.screen();
    for (let i = 0; i < 30 && !selected(state).includes('Actor State'); i++) {
      const before = selected(state);
      t.keys('j');
      state = await t.waitFor((s) => selected(s) !== before);
    }
    expect(state).toContain('▶    Actor State: 0x3f  **DCSGSA');
    expect(state).toMatch(/0020 \[3f\]00 00 00 02/);

    t.keys('q');
    await t.waitFor('review exited 0');
  });

  it('shows the help and filters', async () => {
    const t = open(scenario);
    await t.waitFor('Aggregation');
    t.keys('?');
    const help = await t.waitFor('Timeline legend');
    for (const k of ['Tab / Shift-Tab', 'gg  G', '+ -', 'n N', '/', 'q  Ctrl-c']) expect(help).toContain(k);
    t.keys('Escape');
    await t.waitFor('Aggregation');
    t.keys('/');
    await t.waitFor('Enter apply');
    t.type('code:expired');
    t.keys('Enter');
    const filtered = await t.waitFor('filter: code:expired');
    expect(filtered).toContain(`${SYS_A}/2`);
    expect(filtered).not.toMatch(new RegExp(`^\\s*${SYS_B}/6`, 'm'));
    t.keys('3');
    const list = await t.waitFor('Findings 1 of');
    expect(list).toContain('EXPIRED');
    expect(list).not.toMatch(/ERROR\s+\+\d/);
    t.keys('q');
    await t.waitFor('review exited 0');
  });

  it('gives the shell back as it was on q and on Ctrl-C, with the cursor shown', async () => {
    for (const quit of ['q', 'C-c']) {
      const t = open(scenario);
      await t.waitFor('Aggregation');
      expect(t.format('#{alternate_on}')).toBe('1');
      t.keys(quit);
      const back = await t.waitFor((s) => s.includes('review exited') && /^tui-test\$\s*$/m.test(s));
      expect(t.format('#{alternate_on}')).toBe('0');
      expect(t.format('#{cursor_flag}')).toBe('1');
      expect(back).toContain('before-the-review');
      expect(back).not.toContain('Aggregation');
      t.kill();
    }
  });

  it('follows a terminal resize and fits 80x24', async () => {
    const t = open(scenario);
    await t.waitFor('Aggregation');
    t.resize(80, 24);
    // The frame redrawn for 80x24: title on the first row, keys on the last but one.
    const small = await t.waitFor((s) => {
      const rows = s.split('\n');
      return rows[0].includes('lacpscope') && rows[22]?.includes('/ filter') === true && s.includes(`${SYS_B}/6`);
    });
    expect(small.split('\n').every((l) => [...l].length <= 80)).toBe(true);
    expect(small).toMatch(/HEALTH/);
    t.keys('q');
    await t.waitFor('review exited 0');
  });

  it('has no colour with NO_COLOR, and colour without', async () => {
    const plain = open(scenario, 'NO_COLOR=1');
    await plain.waitFor('timed out');
    expect(plain.screen(true)).not.toMatch(/\x1b\[(3[1-7]|9[0-7])m/);
    plain.keys('q');
    await plain.waitFor('review exited 0');
    plain.kill();
    const colour = open(scenario);
    await colour.waitFor('timed out');
    expect(colour.screen(true)).toMatch(/\x1b\[(3[1-7]|9[0-7])m/);
    colour.keys('q');
    await colour.waitFor('review exited 0');
  });
});

describe.skipIf(!HAVE_TMUX || !existsSync(LACP_PCAP))('the review of a public capture (tcpdump LACP.pcap)', () => {
  it('shows the Cisco ports, the defaulted port and the PDU that shows it', async () => {
    const t = open(LACP_PCAP);
    // Loaded to the end: the findings count is no longer "so far".
    const overview = await t.waitFor((s) => s.includes('DEFAULTED') && s.includes('Findings 2 errors') && !s.includes('(so far)'));
    expect(overview).toContain('00:13:c4:12:0f:00/22');
    expect(overview).toContain('00:0e:83:16:f5:00/25');
    t.keys('3');
    await t.waitFor(/Findings \d+\s+by severity/);
    t.keys('Enter');
    await t.waitFor('Link 1/1');
    t.keys('Enter');
    const detail = await t.waitFor('Actor Information');
    expect(detail).toContain('Actor System ID: 00:13:c4:12:0f:00');
    expect(detail).toMatch(/Partner System: 00:00:00:00:00:00/);
    t.keys('q');
    await t.waitFor('review exited 0');
  });
});

describe.skipIf(!HAVE_TMUX || !existsSync(DEMO))('the bundled demo (a lab failure: the partner stops LACP)', () => {
  it('opens with no FILE and leads to the silent partner, the moment and its last PDU', async () => {
    const t = open('');
    const overview = await t.waitFor((s) => s.includes('demo capture') && /timed out/.test(s) && !s.includes('(so far)'));
    expect(overview).toMatch(/02:0a:00:00:00:0a\/\d\s+\S+\s+defaulted/);
    t.keys('3');
    const findings = await t.waitFor(/Findings \d+\s+by severity/);
    expect(findings).toMatch(/▶ ERROR\s+\+\d+\.\d{3}s\s+PDU_TIMEOUT\s+02:0b:00:00:00:0b\//);
    t.keys('Enter');
    const timeline = await t.waitFor('(Enter: detail)');
    expect(timeline).toMatch(/B PDUs\s+[|\s]+X+/);
    t.keys('Enter');
    const detail = await t.waitFor('Actor Information');
    expect(detail).toContain('Actor System ID: 02:0b:00:00:00:0b');
    // n steps to the port's next PDU: there is none after the silence, so the frame stays.
    const frame = detail.match(/Frame (\d+) of demo\.pcapng/)?.[1];
    t.keys('n');
    await new Promise((r) => setTimeout(r, 300));
    expect(t.screen()).toContain(`Frame ${frame} of demo.pcapng`);
    t.keys('N');
    await t.waitFor((s) => /Frame (\d+) of demo/.exec(s)?.[1] !== frame);
    t.keys('q');
    await t.waitFor('review exited 0');
  });
});
