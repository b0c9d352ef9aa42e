/** Renders precomputed styled lines; the only place tones become colours. */
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Line, Tone } from '../text.js';

const COLOURS: Record<Tone, string> = {
  good: 'green',
  warn: 'yellow',
  bad: 'red',
  info: 'cyan',
  accent: 'cyan',
  muted: 'gray',
};

function sameLine(a: Line, b: Line): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.text !== y.text || x.tone !== y.tone || x.bold !== y.bold || x.inverse !== y.inverse) return false;
  }
  return true;
}

const Row = memo(
  function Row({ line, noColor }: { line: Line; noColor: boolean }) {
    return (
      <Text wrap="truncate">
        {line.length === 0
          ? ' '
          : line.map((s, j) => (
              <Text key={j} color={noColor || !s.tone ? undefined : COLOURS[s.tone]} bold={s.bold} inverse={s.inverse}>
                {s.text}
              </Text>
            ))}
      </Text>
    );
  },
  (a, b) => a.noColor === b.noColor && sameLine(a.line, b.line),
);

export function Lines({ lines, noColor }: { lines: Line[]; noColor: boolean }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Row key={i} line={line} noColor={noColor} />
      ))}
    </Box>
  );
}
