import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Anthropic Messages API on 127.0.0.1, enough for the real
 * Claude Code CLI to run one scripted turn offline. `reply` decides the answer
 * to every `POST /v1/messages` from the request; everything else (token
 * counts, the CLI's side requests) gets a harmless answer. Every request is
 * recorded and logged, so a failing test can show what the CLI asked for.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  /** One line: model, stream, the last message's roles and block types, and its text's start. */
  summary: string;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface ScriptedReply {
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use';
}

export interface MessagesRequest {
  model?: string;
  stream?: boolean;
  system?: unknown;
  messages?: { role: string; content: unknown }[];
  tools?: { name?: string }[];
}

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  /** Every line of the request log, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

export async function startFakeAnthropic(reply: (req: MessagesRequest) => ScriptedReply): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const lines: string[] = [];
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      lines.push(`error: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(err) } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    let body: unknown = undefined;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const path = req.url ?? '/';
    const pathname = path.split('?')[0]!;
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, body, summary: summarize(body) };
    requests.push(recorded);
    lines.push(`${recorded.method} ${path} ${recorded.summary}`);

    if (req.method === 'POST' && pathname === '/v1/messages/count_tokens') {
      return json(res, { input_tokens: Math.ceil(text.length / 4) });
    }
    if (req.method === 'POST' && pathname === '/v1/messages') {
      const request = (body ?? {}) as MessagesRequest;
      const answer = reply(request);
      lines.push(`  -> ${answer.stopReason}: ${answer.content.map((b) => (b.type === 'text' ? `text ${JSON.stringify(b.text.slice(0, 80))}` : `tool_use ${b.name} ${JSON.stringify(b.input)}`)).join(', ')}`);
      const model = request.model ?? 'claude-sonnet-4-5';
      if (request.stream) return stream(res, model, answer);
      return json(res, message(model, answer));
    }
    // Anything else the CLI may ask (settings, feature flags, account checks): an empty success.
    return json(res, {});
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    log: () => lines.join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let nextId = 1;

function message(model: string, answer: ScriptedReply) {
  return {
    id: `msg_fake_${nextId++}`,
    type: 'message',
    role: 'assistant',
    model,
    content: answer.content,
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

function stream(res: ServerResponse, model: string, answer: ScriptedReply): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'request-id': `req_fake_${nextId}` });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const start = message(model, answer);
  send('message_start', { type: 'message_start', message: { ...start, content: [], stop_reason: null, usage: { ...start.usage, output_tokens: 1 } } });
  answer.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    send('content_block_stop', { type: 'content_block_stop', index });
  });
  send('message_delta', { type: 'message_delta', delta: { stop_reason: answer.stopReason, stop_sequence: null }, usage: { output_tokens: 20 } });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The blocks of a message's content, whether it is a string or an array. */
export function blocks(content: unknown): { type: string; text?: string; tool_use_id?: string; content?: unknown; id?: string; name?: string; input?: unknown }[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as { type: string }[]) : [];
}

/** All the text in a message's content, tool results included. */
export function textOf(content: unknown): string {
  return blocks(content)
    .map((b) => (b.type === 'text' ? (b.text ?? '') : b.type === 'tool_result' ? textOf(b.content) : ''))
    .join('\n');
}

function summarize(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const r = body as MessagesRequest;
  const messages = r.messages ?? [];
  const last = messages[messages.length - 1];
  const lastText = last ? textOf(last.content).replace(/\s+/g, ' ').slice(0, 100) : '';
  const lastTypes = last ? blocks(last.content).map((b) => b.type).join('+') : '';
  return `model=${r.model ?? '-'} stream=${r.stream ? 1 : 0} tools=${r.tools?.length ?? 0} messages=${messages.length} roles=${messages.map((m) => m.role[0]).join('')} last=${lastTypes} ${JSON.stringify(lastText)}`;
}
