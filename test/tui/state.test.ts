import { describe, expect, it } from 'vitest';
import type { Ctx, UiState } from '../../src/tui/state.js';
import { fitZoom, initialState, keyCommand, KEY_HELP, reduce, secondsPerColumn, splitKeys, ZOOM_LEVELS } from '../../src/tui/state.js';

function ctx(over: Partial<Ctx> = {}): Ctx {
  return {
    live: false,
    overviewCount: 4,
    findingsCount: 3,
    links: 2,
    endsOf: () => 2,
    detailFields: 10,
    pageRows: 5,
    span: 99,
    laneCols: 100,
    overviewTarget: (i) => ({ link: i >> 1, end: i & 1, time: null, detail: null }),
    findingTarget: (i) => ({ link: 1, end: 1, time: 10 + i, detail: { frameKey: `cap#${i + 40}`, port: 'p', time: 10 + i } }),
    pduNear: (link, end, time) => ({ frameKey: `cap#${link}-${end}-${Math.round(time)}`, port: 'p', time: Math.round(time) }),
    pduStep: (_port, time, dir) => ({ frameKey: 'cap#x', port: 'p', time: time + dir * 2 }),
    portOf: () => 'p',
    ...over,
  };
}

/** Press keys (Ink-style input strings, or named keys) in order. */
function press(ui: UiState, keys: (string | Record<string, boolean>)[], c = ctx()): UiState {
  for (const k of keys) {
    const cmd = typeof k === 'string' ? keyCommand(ui, k, {}) : keyCommand(ui, '', k);
    if (cmd) ui = reduce(ui, cmd, c);
  }
  return ui;
}

describe('keys to commands', () => {
  it('maps vim keys and arrows to the same moves', () => {
    const ui = initialState();
    expect(keyCommand(ui, 'j', {})).toEqual(keyCommand(ui, '', { downArrow: true }));
    expect(keyCommand(ui, 'k', {})).toEqual(keyCommand(ui, '', { upArrow: true }));
    expect(keyCommand(ui, 'h', {})).toEqual(keyCommand(ui, '', { leftArrow: true }));
    expect(keyCommand(ui, 'l', {})).toEqual(keyCommand(ui, '', { rightArrow: true }));
  });

  it('quits on q and Ctrl-C, even with help open, but types q into the filter', () => {
    expect(keyCommand(initialState(), 'q', {})).toEqual({ type: 'quit' });
    expect(keyCommand(initialState(), 'c', { ctrl: true })).toEqual({ type: 'quit' });
    expect(keyCommand({ ...initialState(), help: true }, 'q', {})).toEqual({ type: 'quit' });
    expect(keyCommand({ ...initialState(), filterDraft: '' }, 'q', {})).toEqual({ type: 'filterType', text: 'q' });
  });

  it('splits a burst of keys, keeping Enter and Esc in it', () => {
    let ui = initialState();
    for (const [input, key] of splitKeys('/sev:error\r', {})) {
      const cmd = keyCommand(ui, input, key);
      if (cmd) ui = reduce(ui, cmd, ctx());
    }
    expect(ui).toMatchObject({ filter: 'sev:error', filterDraft: null });
    expect(splitKeys('j', { ctrl: true })).toEqual([['j', { ctrl: true }]]);
    expect(splitKeys('a\x1b', {})).toEqual([['a', {}], ['', { escape: true }]]);
  });

  it('lists every bound key in the help table', () => {
    const listed = KEY_HELP.map((k) => k.keys).join(' ');
    for (const key of ['1', 'Tab', 'j', 'k', 'gg', 'G', 'Enter', 'Esc', 'h', 'l', '+', '-', '0', 'n', 'N', 'e', 'p', 's', '/', 'Space', 'f', '?', 'q', 'Ctrl-c', 'PgUp', 'Home']) {
      expect(listed).toContain(key);
    }
  });
});

describe('views and lists', () => {
  it('switches views with number keys and Tab, both ways', () => {
    let ui = press(initialState(), ['2']);
    expect(ui.view).toBe('timeline');
    ui = press(ui, [{ tab: true }]);
    expect(ui.view).toBe('findings');
    ui = press(ui, [{ tab: true, shift: true }, { tab: true, shift: true }, { tab: true, shift: true }]);
    expect(ui.view).toBe('detail');
    ui = press(ui, ['1']);
    expect(ui.view).toBe('overview');
  });

  it('moves within bounds, gg and G go to the ends', () => {
    let ui = press(initialState(), ['j', 'j', 'j', 'j', 'j', 'j']);
    expect(ui.overviewSel).toBe(3);
    ui = press(ui, ['k']);
    expect(ui.overviewSel).toBe(2);
    ui = press(ui, ['g', 'g']);
    expect(ui.overviewSel).toBe(0);
    ui = press(ui, ['G']);
    expect(ui.overviewSel).toBe(3);
    // A lone g followed by another key is not gg.
    ui = press(ui, ['g', 'k', 'g']);
    expect(ui.overviewSel).toBe(2);
    expect(ui.pendingG).toBe(true);
  });

  it('Enter on a finding goes to its link, end, moment and PDU; Enter there opens the PDU', () => {
    let ui = press(initialState(), ['3', 'j', { return: true }]);
    expect(ui.view).toBe('timeline');
    expect(ui.timeline).toMatchObject({ link: 1, end: 1, cursor: 11 });
    expect(ui.detail?.frameKey).toBe('cap#41');
    ui = press(ui, [{ return: true }]);
    expect(ui.view).toBe('detail');
    expect(ui.detail?.frameKey).toBe('cap#1-1-11');
    ui = press(ui, [{ escape: true }]);
    expect(ui.view).toBe('timeline');
  });

  it('Enter on an overview port opens the timeline of its link and end', () => {
    const ui = press(initialState(), ['j', 'j', 'j', { return: true }]);
    expect(ui.view).toBe('timeline');
    expect(ui.timeline).toMatchObject({ link: 1, end: 1 });
  });

  it('help opens and closes; Esc clears an applied filter', () => {
    let ui = press(initialState(), ['?']);
    expect(ui.help).toBe(true);
    ui = press(ui, ['j', { escape: true }]);
    expect(ui).toMatchObject({ help: false, overviewSel: 0 });
    ui = press(ui, ['/', 's', 'e', 'v', ':', 'e', 'r', { backspace: true }, 'r', { return: true }]);
    expect(ui).toMatchObject({ filter: 'sev:er', filterDraft: null });
    ui = press(ui, [{ escape: true }]);
    expect(ui.filter).toBe('');
  });

  it('Esc in the filter prompt keeps the previous filter', () => {
    let ui = press(initialState(), ['/', 'a', { return: true }, '/', 'b', { escape: true }]);
    expect(ui.filter).toBe('a');
  });

  it('s toggles the findings order only in the findings view', () => {
    expect(press(initialState(), ['s']).findingsOrder).toBe('severity');
    expect(press(initialState(), ['3', 's']).findingsOrder).toBe('time');
  });
});

describe('timeline axis', () => {
  it('fits the capture by default, then zooms around the cursor', () => {
    expect(secondsPerColumn(null, 99, 100)).toBe(1);
    expect(fitZoom(1000, 100)).toBe(ZOOM_LEVELS.indexOf(10));
    let ui = press(initialState(), ['2', 'l', 'l', 'l', 'l', 'l']);
    expect(ui.timeline.cursor).toBe(5);
    ui = press(ui, ['+']);
    expect(ZOOM_LEVELS[ui.timeline.zoom!]).toBe(0.5);
    // The cursor keeps its time and stays on screen.
    expect(ui.timeline.cursor).toBe(5);
    expect(ui.timeline.start).toBeLessThanOrEqual(5);
    expect(ui.timeline.start + 0.5 * 100).toBeGreaterThan(5);
    ui = press(ui, ['-', '-']);
    expect(ZOOM_LEVELS[ui.timeline.zoom!]).toBe(2);
    ui = press(ui, ['0']);
    expect(ui.timeline.zoom).toBeNull();
  });

  it('scrolls the window with the cursor and keeps both inside the capture', () => {
    let ui = press(initialState(), ['2', '+', '+', '+']); // 0.2 s per column: 20 s on screen
    ui = press(ui, ['L', 'L', 'L']);
    expect(ui.timeline.start).toBeGreaterThan(0);
    expect(ui.timeline.cursor).toBeGreaterThanOrEqual(ui.timeline.start);
    ui = press(ui, ['G']);
    expect(ui.timeline.cursor).toBe(99);
    expect(ui.timeline.start + 0.2 * 100).toBeGreaterThan(99 - 1e-9);
    ui = press(ui, ['g', 'g']);
    expect(ui.timeline).toMatchObject({ cursor: 0, start: 0 });
    ui = press(ui, ['h']);
    expect(ui.timeline.cursor).toBe(0);
  });

  it('n/N step the cursor from PDU to PDU; e switches the end; j/k the link', () => {
    let ui = press(initialState(), ['2', 'n', 'n']);
    expect(ui.timeline.cursor).toBe(4);
    ui = press(ui, ['N']);
    expect(ui.timeline.cursor).toBe(2);
    ui = press(ui, ['e']);
    expect(ui.timeline.end).toBe(1);
    ui = press(ui, ['e']);
    expect(ui.timeline.end).toBe(0);
    ui = press(ui, ['j', 'j']);
    expect(ui.timeline.link).toBe(1);
  });

  it('follows a live capture until the user moves, and Space toggles it', () => {
    const live = ctx({ live: true });
    let ui = press(initialState(), ['2'], live);
    expect(ui.follow).toBe(true);
    ui = press(ui, ['h'], live);
    expect(ui.follow).toBe(false);
    // Moving from the live edge, not from where the cursor was stored.
    expect(ui.timeline.cursor).toBe(98);
    ui = press(ui, [' '], live);
    expect(ui.follow).toBe(true);
    // Pausing holds the view at the live edge.
    ui = press(ui, [' '], live);
    expect(ui).toMatchObject({ follow: false, timeline: { cursor: 99 } });
  });
});
