import type { RunJournal } from './JournalPage.js';

/**
 * Rewrites `[[name]]` links to the journal's own pages as `[[uuid]]`, the form a DB graph keeps
 * references in: there a link by the full name `TTA/Runs/…/verify` finds no page (the page is
 * named `verify`, under parent pages), and a leaf name is shared by every run.
 */
export function uuidLinks(journal: RunJournal): (text: string) => string {
  const byName = new Map(journal.pages.map((page) => [page.name.toLowerCase(), page.uuid]));
  return (text) =>
    text.replace(/\[\[([^[\]]+)\]\]/g, (link, name: string) => {
      const uuid = byName.get(name.toLowerCase());
      return uuid === undefined ? link : `[[${uuid}]]`;
    });
}
