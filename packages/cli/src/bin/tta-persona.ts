#!/usr/bin/env node
import { createRequire } from 'node:module';
import { runSafely } from '../main.js';
import { runPersonaCommand } from '../persona/personaCommand.js';
import { withTelemetry } from '../telemetry/withTelemetry.js';
import { exit, processIo } from './processIo.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
const io = processIo();
// OTEL_* and TTA_TRACE_FILE as for `tta` (the SDK loads only when they ask for something).
exit(
  await runSafely(io, () =>
    withTelemetry(io, {}, version, () => runPersonaCommand(process.argv.slice(2), io)),
  ),
);
