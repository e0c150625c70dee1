import { describe, expect, it } from 'vitest';
import { SseParser } from './SseParser.js';

describe('SseParser', () => {
  it('reads the run server’s messages: comments skipped, id, event and data fields', () => {
    const parser = new SseParser();
    const text =
      ': tta run server\nretry: 3000\n\nid: 7\nevent: run-event\ndata: {"seq":7}\n\nevent: ready\ndata: {}\n\n';
    expect(parser.push(text)).toEqual([
      { event: 'run-event', data: '{"seq":7}', id: '7' },
      // The last event id stays until another is given, as EventSource keeps it.
      { event: 'ready', data: '{}', id: '7' },
    ]);
  });

  it('completes messages across chunks, a CRLF split between two included', () => {
    const parser = new SseParser();
    expect(parser.push('event: run-event\r\ndata: {"a"')).toEqual([]);
    expect(parser.push(':1}\r')).toEqual([]);
    expect(parser.push('\n\r')).toEqual([{ event: 'run-event', data: '{"a":1}' }]);
    expect(parser.push('\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('joins data lines with newlines, drops messages without data, keeps a value’s inner colons', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\ndata:b: c\n\nevent: nothing\n\n')).toEqual([
      { event: 'message', data: 'a\nb: c' },
    ]);
  });
});
