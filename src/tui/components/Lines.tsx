/** Renders precomputed styled lines; the only place tones become colours. */
import { Box, Text } from 'ink';
import type { Line, Tone } from '../text.js';

const COLOURS: Record<Tone, string> = {
  good: 'green',
  warn: 'yellow',
  bad: 'red',
  info: 'cyan',
  accent: 'cyan',
  muted: 'gray',
};

export function Lines({ lines, noColor }: { lines: Line[]; noColor: boolean }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line.length === 0
            ? ' '
            : line.map((s, j) => (
                <Text key={j} color={noColor || !s.tone ? undefined : COLOURS[s.tone]} bold={s.bold} inverse={s.inverse}>
                  {s.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}
