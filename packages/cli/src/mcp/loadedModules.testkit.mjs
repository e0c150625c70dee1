// Test-only, for `node --import`: appends the URL of every module the process loads to the file
// named by $TTA_LOADED_MODULES (module hooks run on their own thread, so they write to a file).
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TTA_LOADED_MODULES, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
