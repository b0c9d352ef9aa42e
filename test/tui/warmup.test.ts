import { describe, expect, it } from 'vitest';
import { warmUp } from '../../src/tui/warmup.js';

describe('warmUp', () => {
  it('draws a bundled link of two ports, the screen a live frame brings, off screen', () => {
    const screen = warmUp({ columns: 120, rows: 40 }, true);
    // Port rows, not the waiting screen: the code that draws real frames is the code warmed up.
    expect(screen).not.toMatch(/Waiting for LACPDUs/);
    const rows = screen.split('\n').filter((l) => /^[▶ ] +02:00:00:00:00:0[ab]\/1 /.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/ bundled /);
    expect(screen.split('\n')).toHaveLength(39);
  });
});
