/** Ink 6.8 has no useWindowSize: follow the terminal's size through stdout 'resize' events. */
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { CLEAR_SCREEN } from '../terminal.js';

export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => {
      // Ink has just redrawn the old-size frame, which the terminal wrapped: start from a clean
      // screen so the next frame's line erasing does not go astray.
      stdout.write(CLEAR_SCREEN);
      setSize(read());
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
