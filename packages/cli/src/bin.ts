#!/usr/bin/env node
import { processIo } from './io';
import { run } from './run';

// The first Ctrl-C asks the running command to save its state and stop; a second one quits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

// A reader that goes away (`porter-connect connect --json | head -1`) ends the command, quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

run(process.argv.slice(2), processIo(interrupt.signal)).then((code) => {
  process.exitCode = code;
});
