import { GitFields, type StepRunner } from '@tta-dev/workflows';
import { InvalidStepError, stepFields, toFlag } from '../steps/stepFields.js';
import { GitRepository } from './GitRepository.js';

/** A list of names, also as rendered from an expression (a JSON list or one name). */
const nameList = (v: string | string[] | undefined) =>
  v === undefined ? undefined : Array.isArray(v) ? v : v.trim() === '' ? [] : [v];

/**
 * Runs `git` steps with the local git in the run's folder: `branch` (created, or switched to when
 * it exists), `commit` (only the changed paths under `files`, less `exclude`, never tta's own
 * state), `status` (the changed paths, as `changed`), `tag` (annotated when given a message;
 * kept when already at the commit) and `push` (branch and tags, to `remote` or origin).
 */
export const gitStepRunner: StepRunner = async (step, context) => {
  const { git: action, with: w, id } = stepFields(step, 'git', GitFields);
  const repo = new GitRepository({
    cwd: context.cwd,
    env: context.env,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  const need = (field: 'name' | 'message', value: string | undefined): string => {
    if (value === undefined || value.trim() === '')
      throw new InvalidStepError(`git ${action} step "${id}" needs with.${field}`);
    return value;
  };
  switch (action) {
    case 'branch':
      return repo.branch({
        name: need('name', w.name),
        ...(w.from ? { from: w.from } : {}),
        checkout: w.checkout === undefined ? true : toFlag(w.checkout),
      });
    case 'commit':
      return repo.commit({
        message: need('message', w.message),
        ...(w.files === undefined ? {} : { files: nameList(w.files)! }),
        ...(w.exclude === undefined ? {} : { exclude: nameList(w.exclude)! }),
        allowEmpty: toFlag(w.allowEmpty),
      });
    case 'status':
      return repo.status(w.files === undefined ? {} : { files: nameList(w.files)! });
    case 'tag':
      return repo.tag({
        name: need('name', w.name),
        ...(w.message ? { message: w.message } : {}),
        ...(w.ref ? { ref: w.ref } : {}),
      });
    case 'push':
      return repo.push({
        ...(w.remote ? { remote: w.remote } : {}),
        ...(w.branch === undefined ? {} : { branch: w.branch }),
        ...(w.tags === undefined ? {} : { tags: nameList(w.tags)! }),
      });
  }
};
