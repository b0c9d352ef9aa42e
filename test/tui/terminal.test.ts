import { describe, expect, it } from 'vitest';
import { colourDisabled } from '../../src/tui/run.js';
import { enterFullScreen, ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, SHOW_CURSOR } from '../../src/tui/terminal.js';

describe('full screen', () => {
  it('enters the alternate screen, and restores once: raw mode off, cursor shown, screen left', () => {
    const written: string[] = [];
    const raw: boolean[] = [];
    const restore = enterFullScreen({ write: (s) => written.push(s) }, { isTTY: true, setRawMode: (m) => raw.push(m) });
    expect(written).toEqual([ENTER_ALT_SCREEN]);
    restore();
    restore();
    expect(written).toEqual([ENTER_ALT_SCREEN, SHOW_CURSOR + LEAVE_ALT_SCREEN]);
    expect(raw).toEqual([false]);
  });
});

describe('colour', () => {
  it('follows --no-color and a non-empty NO_COLOR', () => {
    expect(colourDisabled({}, undefined)).toBe(false);
    expect(colourDisabled({ NO_COLOR: '1' }, undefined)).toBe(true);
    expect(colourDisabled({ NO_COLOR: '' }, undefined)).toBe(false);
    expect(colourDisabled({}, true)).toBe(true);
  });
});
