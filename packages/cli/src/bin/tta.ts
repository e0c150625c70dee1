#!/usr/bin/env node
import { createRequire } from 'node:module';
import { runSafely, runTta } from '../main.js';
import { exit, processIo } from './processIo.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
const io = processIo();
exit(await runSafely(io, () => runTta(process.argv.slice(2), io, version)));
