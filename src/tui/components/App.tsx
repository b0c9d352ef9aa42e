/** The Ink root: subscribes to the store, keeps the UI state, forwards keys, renders the screen lines. */
import { Box, useInput } from 'ink';
import { useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { FindingsOrder } from '../derive.js';
import type { Model, Size } from '../screen.js';
import { buildModel, makeCtx, renderScreen } from '../screen.js';
import type { UiState } from '../state.js';
import { initialState, keyCommand, reduce, splitKeys } from '../state.js';
import type { Snapshot } from '../store.js';
import { Lines } from './Lines.js';
import { useTerminalSize } from './useTerminalSize.js';

export interface SnapshotSource {
  subscribe(listener: () => void): () => void;
  getSnapshot(): Snapshot;
}

export interface AppProps {
  store: SnapshotSource;
  title: string;
  live: boolean;
  noColor: boolean;
  /** A fixed size instead of the terminal's (tests). */
  size?: Size;
  /** False when there is no terminal to read keys from. */
  keyboard?: boolean;
  onQuit(): void;
}

export function App({ store, title, live, noColor, size: fixedSize, keyboard = true, onQuit }: AppProps) {
  const current = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const terminal = useTerminalSize();
  const size = fixedSize ?? terminal;
  // One row short of the terminal: a frame as tall as the terminal makes Ink 6.8 clear the screen
  // on every render, and its throttled first write can then land after a newer frame.
  const screen = { columns: size.columns, rows: Math.max(1, size.rows - 1) };
  const uiRef = useRef<UiState>(initialState());
  const [ui, setUi] = useState<UiState>(uiRef.current);
  // Paused (live, follow off): the screen holds the data as it was; counters and messages stay live.
  const frozen = useRef<Snapshot | null>(null);
  const paused = live && !ui.follow;
  if (!paused) frozen.current = null;
  else if (!frozen.current) frozen.current = current;
  const shown = useMemo(
    () => (frozen.current ? { ...frozen.current, counts: current.counts, stopped: current.stopped, error: current.error, recent: current.recent } : current),
    [frozen.current, current],
  );
  const model = useMemo(() => buildModel(shown, ui.filter, ui.findingsOrder), [shown, ui.filter, ui.findingsOrder]);
  const modelFor = (filter: string, order: FindingsOrder): Model =>
    filter === ui.filter && order === ui.findingsOrder ? model : buildModel(shown, filter, order);

  useInput((input, key) => {
    let next = uiRef.current;
    for (const [ch, k] of splitKeys(input, key)) {
      const cmd = keyCommand(next, ch, k);
      if (!cmd) continue;
      if (cmd.type === 'quit') {
        onQuit();
        return;
      }
      next = reduce(next, cmd, makeCtx(modelFor(next.filter, next.findingsOrder), next, screen, live));
    }
    uiRef.current = next;
    setUi(next);
  }, { isActive: keyboard });

  const lines = renderScreen(model, ui, screen, { title, live });
  return (
    <Box flexDirection="column" width={screen.columns} height={screen.rows}>
      <Lines lines={lines} noColor={noColor} />
    </Box>
  );
}
