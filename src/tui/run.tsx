/**
 * `runTui`: the interactive review, full screen, on any feed (files, standard input, live capture).
 * No JSX here: TypeScript would put its react/jsx-runtime import above production.js, and React
 * would load its development build.
 */
import './production.js';
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { render, type Instance } from 'ink';
import { createElement } from 'react';
import type { AnalyzerOptions } from '../analyze/analyzer.js';
import { createAnalyzer } from '../analyze/analyzer.js';
import { App } from './components/App.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import type { FeedEvent } from './feed.js';
import { LIVE_FPS, LIVE_INTERVAL_MS, TuiStore } from './store.js';
import { enterFullScreen, guardProcess } from './terminal.js';
import { warmUp } from './warmup.js';

export type { FeedEvent } from './feed.js';

export interface TuiOptions {
  title: string;
  feed: AsyncIterable<FeedEvent>;
  live?: boolean;
  noColor?: boolean;
  analyzerOptions?: AnalyzerOptions;
}

/** NO_COLOR (https://no-color.org): present and not empty disables colour. */
export function colourDisabled(env: NodeJS.ProcessEnv, noColor: boolean | undefined): boolean {
  return noColor === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/**
 * Where keys come from: standard input when it is the terminal; the controlling terminal when
 * standard input carries the capture (`tcpdump -w - | lacpscope -`); none without a terminal.
 */
function keyboard(): ReadStream | null {
  if (process.stdin.isTTY) return process.stdin;
  try {
    return new ReadStream(openSync('/dev/tty', 'r'));
  } catch {
    return null;
  }
}

/**
 * Runs until the user quits (q or Ctrl-C); resolves then, with the terminal restored. Rejects
 * (terminal restored too) when rendering crashes. Reading continues in the background while the
 * user looks; quitting closes the feed's iterator.
 */
export function runTui(options: TuiOptions): Promise<void> {
  const live = options.live ?? false;
  const noColor = colourDisabled(process.env, options.noColor);
  // Live, frames are shown as they come: draw one off screen first so that the first real ones
  // are not drawn by cold code (a frame arriving meanwhile waits in the feed).
  if (live) warmUp({ columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 }, noColor);
  const store = new TuiStore({ analyzer: createAnalyzer(options.analyzerOptions), minIntervalMs: live ? LIVE_INTERVAL_MS : undefined });
  const keys = keyboard();
  const restore = enterFullScreen(process.stdout, keys ?? undefined);
  const abort = new AbortController();
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let instance: Instance | null = null;
    const finish = (error?: unknown) => {
      if (done) return;
      // A crash during the first render arrives before render() has returned.
      if (!instance) return void setImmediate(() => finish(error));
      done = true;
      abort.abort();
      unguard();
      store.dispose();
      instance.unmount();
      restore();
      if (keys && keys !== process.stdin) keys.destroy();
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const unguard = guardProcess(restore, finish);
    const app = createElement(App, {
      store,
      title: options.title,
      live,
      noColor,
      keyboard: keys !== null,
      onQuit: () => finish(),
    });
    instance = render(createElement(ErrorBoundary, { onCrash: finish, children: app }), {
      stdin: keys ?? undefined,
      exitOnCtrlC: false,
      patchConsole: false,
      // LACP is a few frames a second per port: live, a redraw per frame is affordable.
      maxFps: live ? LIVE_FPS : 30,
    });
    store.consume(options.feed, abort.signal).catch(finish);
  });
}
