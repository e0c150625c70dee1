#!/usr/bin/env node
import { runSafely, runTta } from '../main.js';
import { VERSION as version } from '../version.js';
import { exit, processIo } from './processIo.js';

const io = processIo();
exit(await runSafely(io, () => runTta(process.argv.slice(2), io, version)));
