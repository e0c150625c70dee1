#!/usr/bin/env node
import { runSafely } from '../main.js';
import { runPersonaCommand } from '../persona/personaCommand.js';
import { exit, processIo } from './processIo.js';

const io = processIo();
exit(await runSafely(io, () => runPersonaCommand(process.argv.slice(2), io)));
