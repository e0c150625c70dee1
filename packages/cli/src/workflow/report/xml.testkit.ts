// Test-only: parses XML with a real parser (Python's expat, through python3, which the machines
// have), so that a test checks well-formedness as a browser's XML parser would.
import { spawnSync } from 'node:child_process';

export interface XmlElement {
  /** Local name (namespace dropped). */
  readonly tag: string;
  readonly attributes: Record<string, string>;
  /** Text directly inside the element, before its first child. */
  readonly text: string;
  /** Text after the element, before its next sibling. */
  readonly tail: string;
  readonly children: readonly XmlElement[];
}

const SCRIPT = `
import json, sys, xml.etree.ElementTree as ET
def local(name): return name.split('}')[-1]
def walk(e): return {'tag': local(e.tag), 'attributes': {local(k): v for k, v in e.attrib.items()}, 'text': (e.text or ''), 'tail': (e.tail or ''), 'children': [walk(c) for c in e]}
try:
    root = ET.fromstring(sys.stdin.buffer.read())
except ET.ParseError as error:
    sys.stderr.write(str(error)); sys.exit(3)
sys.stdout.write(json.dumps(walk(root)))
`;

/** The element tree of `text`; throws with the parser's message (line, column) when not well-formed. */
export function parseXml(text: string): XmlElement {
  const result = spawnSync('python3', ['-c', SCRIPT], { input: text, encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`not well-formed XML: ${result.stderr}`);
  return JSON.parse(result.stdout) as XmlElement;
}

/** Every element of the tree, depth first. */
export function elements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(elements)];
}

/** The elements with `tag` whose class list holds `className`. */
export const byClass = (root: XmlElement, tag: string, className: string) =>
  elements(root).filter(
    (e) => e.tag === tag && (e.attributes.class ?? '').split(' ').includes(className),
  );

/** All the text inside an element, as a DOM's `textContent`. */
export const textContent = (element: XmlElement): string =>
  element.text + element.children.map((c) => textContent(c) + c.tail).join('');

/** The text of an element's `<title>` child. */
export const titleOf = (element: XmlElement) =>
  element.children.find((c) => c.tag === 'title')?.text ?? '';
