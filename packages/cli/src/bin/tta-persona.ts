#!/usr/bin/env node
import { runSafely } from '../main.js';
import { runPersonaCommand } from '../persona/personaCommand.js';
import { withTelemetry } from '../telemetry/withTelemetry.js';
import { VERSION as version } from '../version.js';
import { exit, processIo } from './processIo.js';

const io = processIo();
// OTEL_* and TTA_TRACE_FILE as for `tta` (the SDK loads only when they ask for something).
exit(
  await runSafely(io, () =>
    withTelemetry(io, {}, version, () => runPersonaCommand(process.argv.slice(2), io)),
  ),
);
