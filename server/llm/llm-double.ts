import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat-completions request the double received. */
export interface LlmDoubleRequest {
	model: string;
	messages: { role: string; content: string }[];
	responseFormat: unknown;
	authorization: string | undefined;
	/** The last user message: what the double usually answers to. */
	lastUserMessage: string;
}

/** How the double answers one request. */
export interface LlmDoubleReply {
	/** HTTP status (default 200). */
	status?: number;
	/** The assistant's message content. */
	content?: string;
	/** Shortcut: JSON.stringify'd into `content`. */
	json?: unknown;
	/** A raw HTTP body instead of a chat-completion envelope. */
	rawBody?: string;
	/** Wait this long before answering (to provoke timeouts). */
	delayMs?: number;
	/** Close the connection without answering. */
	hangUp?: boolean;
}

/** Decides the reply to each request. */
export type LlmDoubleHandler = (
	request: LlmDoubleRequest,
	index: number
) => LlmDoubleReply | Promise<LlmDoubleReply>;

/** A running OpenAI-compatible double on 127.0.0.1. */
export interface LlmDouble {
	/** Base URL to put in `LLM_BASE_URL` (ends with `/v1`). */
	baseUrl: string;
	requests: LlmDoubleRequest[];
	setHandler(handler: LlmDoubleHandler): void;
	close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function send(res: ServerResponse, status: number, body: string): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(body);
}

/**
 * Starts a local OpenAI-compatible chat-completions server (`POST /v1/chat/completions`,
 * `GET /v1/models`) whose answers come from `handler`. Used by tests and the offline demo.
 */
export async function startLlmDouble(
	handler: LlmDoubleHandler,
	options: { model?: string } = {}
): Promise<LlmDouble> {
	let current = handler;
	const requests: LlmDoubleRequest[] = [];
	const pending = new Set<NodeJS.Timeout>();
	const server = createServer(async (req, res) => {
		try {
			if (req.method === 'GET' && req.url === '/v1/models') {
				return send(
					res,
					200,
					JSON.stringify({ object: 'list', data: [{ id: options.model ?? 'double', object: 'model' }] })
				);
			}
			if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
				return send(res, 404, '{"error":"not found"}');
			const body = JSON.parse(await readBody(req)) as {
				model?: string;
				messages?: { role: string; content: string }[];
				response_format?: unknown;
			};
			const messages = body.messages ?? [];
			const request: LlmDoubleRequest = {
				model: body.model ?? '',
				messages,
				responseFormat: body.response_format,
				authorization: req.headers.authorization,
				lastUserMessage: [...messages].reverse().find((m) => m.role === 'user')?.content ?? ''
			};
			requests.push(request);
			const reply = await current(request, requests.length - 1);
			if (reply.delayMs) {
				await new Promise<void>((resolve) => {
					const timer = setTimeout(() => {
						pending.delete(timer);
						resolve();
					}, reply.delayMs);
					pending.add(timer);
					res.on('close', () => {
						clearTimeout(timer);
						pending.delete(timer);
						resolve();
					});
				});
				if (res.destroyed) return;
			}
			if (reply.hangUp) {
				req.socket.destroy();
				return;
			}
			if (reply.rawBody !== undefined) return send(res, reply.status ?? 200, reply.rawBody);
			const content = reply.content ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
			const promptChars = messages.reduce((n, m) => n + m.content.length, 0);
			send(
				res,
				reply.status ?? 200,
				JSON.stringify({
					id: `chatcmpl-double-${requests.length}`,
					object: 'chat.completion',
					model: options.model ?? request.model,
					choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
					usage: {
						prompt_tokens: Math.ceil(promptChars / 4),
						completion_tokens: Math.ceil(content.length / 4),
						total_tokens: Math.ceil(promptChars / 4) + Math.ceil(content.length / 4)
					}
				})
			);
		} catch (error) {
			if (!res.headersSent) send(res, 500, JSON.stringify({ error: String(error) }));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		setHandler(next) {
			current = next;
		},
		async close() {
			for (const timer of pending) clearTimeout(timer);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
