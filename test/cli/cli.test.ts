/** The command line's surface: help, version, usage errors, unreadable inputs, exit codes. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/analyze/thresholds.js';
import { colorWanted, type CliIo } from '../../src/cli/io.js';
import { demoCapturePath } from '../../src/cli/review-command.js';
import { ROOT, STACK, cli, ensureBuilt, removeScratch, scratch } from './support.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(ensureBuilt);
afterAll(removeScratch);

/** A failure prints exactly one line: no stack trace, no extra noise. */
function oneLine(stderr: string): string {
  expect(stderr).not.toMatch(STACK);
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines, stderr).toHaveLength(1);
  return lines[0];
}

describe('--help and --version on every command', () => {
  it.each([[[]], [['decode']], [['analyze']], [['live']]])('%j --help / -h', (cmd) => {
    for (const flag of ['--help', '-h']) {
      const r = cli([...cmd, flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: lacpscope/);
      expect(r.stdout).toContain('--help');
      expect(r.stderr).toBe('');
    }
  });

  it('main help names every command and the exit codes', () => {
    const out = cli(['--help']).stdout;
    for (const c of ['analyze', 'decode', 'live']) expect(out).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(out).toContain('Exit status: 0 success, 1 a finding at or above --fail-on, 2 usage error or unreadable input');
  });

  it('analyze help lists every threshold with its default', () => {
    const out = cli(['analyze', '--help']).stdout;
    for (const [name, value] of Object.entries(DEFAULT_THRESHOLDS)) expect(out).toMatch(new RegExp(`^  ${name} +${value}$`, 'm'));
  });

  it.each([[[]], [['decode']], [['analyze']], [['live']]])('%j --version prints the package version', (cmd) => {
    const r = cli([...cmd, '--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });
});

describe('usage errors exit 2 with one line naming the problem', () => {
  it.each([
    [['decode'], /decode needs at least one FILE/],
    [['analyze'], /analyze needs at least one FILE/],
    [['decode', '--bogus', 'x'], /Unknown option '--bogus'.*lacpscope decode --help/],
    [['analyze', '--format', 'yaml', 'x'], /--format must be one of text, json, markdown, not 'yaml'/],
    [['decode', '--format', 'json', 'x'], /--format must be one of text, jsonl, not 'json'/],
    [['analyze', '--fail-on', 'sometimes', 'x'], /--fail-on must be one of error, warning, never/],
    [['analyze', '--threshold', 'noSuchThing=3', 'x'], /unknown threshold 'noSuchThing'; known: fastPeriodSec/],
    [['analyze', '--threshold', 'lateFactor=fast', 'x'], /--threshold lateFactor needs a number/],
    [['analyze', '--date', '2024-02-30', 'x'], /--date must be a day as YYYY-MM-DD, not '2024-02-30'/],
    [['analyze', '--format'], /--format/],
  ])('%j', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const line = oneLine(r.stderr);
    expect(line).toMatch(/^lacpscope: /);
    expect(line).toMatch(message);
    expect(line).toMatch(/\[LACPSCOPE_USAGE\]$/);
  });
});

describe('unreadable input: exit 2, one line with the file, what was expected and the byte offset', () => {
  it.each(['decode', 'analyze'])('%s on a file that is not a capture', (command) => {
    const path = scratch('notes.bin');
    writeFileSync(path, Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x00, 0x00, 0x10, 0x20, 0x30, 0x40, ...Array(200).fill(0x7f)]));
    const r = cli([command, path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const line = oneLine(r.stderr);
    expect(line).toContain(path.split('/').pop());
    expect(line).toMatch(/pcap/i);
    expect(line).toMatch(/byte offset \d+/);
    expect(line).toMatch(/\[LACPSCOPE_[A-Z_]+\]$/);
  });

  it.each(['decode', 'analyze'])('%s on a text file that is not tcpdump output', (command) => {
    const path = scratch('README.txt');
    writeFileSync(path, '# Bond runbook\nCheck /proc/net/bonding/bond0 on both hosts.\n');
    const r = cli([command, path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLine(r.stderr)).toMatch(/README\.txt: not a capture: .*tcpdump text.*byte offset 0.*\[LACPSCOPE_UNKNOWN_FORMAT\]$/);
  });

  it('the default command reports it the same way without opening anything', () => {
    const path = scratch('notes2.bin');
    writeFileSync(path, Buffer.from([0x00, 0x00, 0x00, 0x01, ...Array(296).fill(0xee)]));
    const r = cli([path]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/notes2\.bin.*byte offset \d+/);
  });

  it('a missing file is named', () => {
    const r = cli(['decode', 'no-such-capture.pcap']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/no-such-capture\.pcap/);
  });

  it('a directory is not a capture', () => {
    const r = cli(['analyze', ROOT]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain(ROOT);
  });
});

describe('the default command', () => {
  it('with no FILE uses the bundled demo capture, or says clearly that it is missing', () => {
    const r = cli([]);
    let present = true;
    try {
      readFileSync(demoCapturePath());
    } catch {
      present = false;
    }
    if (present) {
      expect([0, 1]).toContain(r.code);
      expect(r.stdout).toMatch(/^lacpscope: \d+ ports?/);
    } else {
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/demo\.pcapng.*demo capture is missing/);
    }
  });
});

describe('colour', () => {
  const io = (isTTY: boolean, env: Record<string, string> = {}): CliIo => ({ stdout: { isTTY } as CliIo['stdout'], stderr: process.stderr, env });
  it('only on a terminal, and never with NO_COLOR or --no-color', () => {
    expect(colorWanted(io(true), false)).toBe(true);
    expect(colorWanted(io(false), false)).toBe(false);
    expect(colorWanted(io(true, { NO_COLOR: '1' }), false)).toBe(false);
    expect(colorWanted(io(true), true)).toBe(false);
  });
});

const HAVE_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!HAVE_SCRIPT)('standard input that is a terminal (util-linux script gives a pty)', () => {
  it('`-` is a usage error naming the fix, instead of waiting forever', () => {
    const r = spawnSync('script', ['-qec', 'node bin/lacpscope.js decode -; echo "exit=$?"', '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toMatch(/standard input, but it is a terminal: pipe one in/);
    expect(r.stdout).toMatch(/exit=2/);
  });
});

describe.skipIf(!HAVE_SCRIPT)('the default command on a terminal', () => {
  it('an input that is not a capture gets the error line, without taking over the screen', () => {
    const path = scratch('tty-not-a-capture.bin');
    writeFileSync(path, Buffer.alloc(300, 0));
    const r = spawnSync('script', ['-qec', `env -u CI node bin/lacpscope.js "${path}"; echo "exit=$?"`, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toMatch(/^lacpscope: .*tty-not-a-capture\.bin: not a capture.*byte offset 0/);
    expect(r.stdout).toMatch(/exit=2/);
    expect(r.stdout).not.toContain('\x1b[?1049h'); // the alternate screen was never entered
  });
});
