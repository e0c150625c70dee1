import type { ILSPluginUser } from '@logseq/libs/dist/LSPlugin';
import type { LogseqHost } from './LogseqHost.js';

/** The plugin's view of the real SDK (`window.logseq`): the calls it makes, nothing more. */
export function fromLogseq(logseq: ILSPluginUser): LogseqHost {
  const { Editor, App, UI } = logseq;
  return {
    Editor: {
      getPage: (nameOrId) => Editor.getPage(nameOrId),
      getPageProperties: (page) => Editor.getPageProperties(page),
      getBlockProperties: (uuid) => Editor.getBlockProperties(uuid),
      getBlock: (uuid) => Editor.getBlock(uuid),
      updateBlock: (uuid, content) => Editor.updateBlock(uuid, content),
      upsertBlockProperty: (uuid, key, value, options) =>
        Editor.upsertBlockProperty(uuid, key, value, options),
      checkEditing: async () => {
        const editing = await Editor.checkEditing();
        return typeof editing === 'string' ? editing : false;
      },
      getEditingBlockContent: () => Editor.getEditingBlockContent(),
      exitEditingMode: (selectBlock) => Editor.exitEditingMode(selectBlock),
    },
    App: {
      // Logseq versions from before DB graphs do not have the call: theirs are file graphs.
      checkCurrentIsDbGraph: async () => {
        try {
          const db: unknown = await App.checkCurrentIsDbGraph();
          return db === true;
        } catch {
          return false;
        }
      },
      pushState: (route, params) => App.pushState(route, params),
    },
    UI: { showMsg: (content, status) => UI.showMsg(content, status) },
  };
}
