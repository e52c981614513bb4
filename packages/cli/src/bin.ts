#!/usr/bin/env node
import { processIo } from './io';
import { run } from './run';

// The first Ctrl-C asks the running command to save its state and stop; a second one quits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

run(process.argv.slice(2), processIo(interrupt.signal)).then((code) => {
  process.exitCode = code;
});
