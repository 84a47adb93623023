import { createGristPort, type GristBackend, type GristPort } from '#widget/grist-port.ts';
import {
	detectHost,
	loadGristPluginApi,
	type GristGlobal,
	type HostState
} from '#widget/grist-plugin-api.ts';
import { createPluginBackend } from '#widget/plugin-backend.ts';
import { PasserelleError } from '#widget/errors.ts';
import { handleError } from './errors.ts';
import { journal } from './journal.svelte.ts';

/** Server facts the widget needs (from `GET /api/health`). */
export interface ServerStatus {
	status: string;
	version: string;
	database: string;
	demo: boolean;
}

/** Where the widget stands: the Grist host, its document, and its server. */
class GristSession {
	host = $state<HostState | { kind: 'loading' }>({ kind: 'loading' });
	docName = $state<string>('');
	server = $state<ServerStatus | null>(null);
	serverError = $state<string | null>(null);
	grist: GristGlobal | null = null;
	port: GristPort | null = null;
	/** The raw plugin backend, lent to workers that write Grist through the page. */
	backend: GristBackend | null = null;
	/** Called when the user clicks Grist's "Open configuration" button. */
	onEditOptions: (() => void) | null = null;

	/** Connects to Grist (if hosted by it) and to the server. */
	async start(): Promise<void> {
		const host = detectHost(window.location, window.self !== window.top);
		void this.checkServer();
		if (host.kind !== 'grist') {
			this.host = host;
			return;
		}
		try {
			const grist = await loadGristPluginApi('/vendor/grist-plugin-api.js');
			grist.ready({ requiredAccess: 'full', onEditOptions: () => this.onEditOptions?.() });
			this.grist = grist;
			this.backend = createPluginBackend(grist.docApi);
			this.port = createGristPort(this.backend);
			this.docName = await withTimeout(grist.docApi.getDocName(), 10_000);
			this.host = host;
			journal.add('info', `Connecté au document Grist « ${this.docName} ».`);
			exposeDebugHandle(this);
		} catch (error) {
			this.host = { kind: 'outside-grist' };
			handleError(error, 'Connexion à Grist');
		}
	}

	/** Asks the server whether it is up (and whether it runs the demo). */
	async checkServer(): Promise<void> {
		this.serverError = null;
		try {
			const res = await fetch('/api/health', { headers: { Accept: 'application/json' } });
			if (!res.ok) throw new Error(`HTTP ${res.status}`);
			this.server = (await res.json()) as ServerStatus;
		} catch (error) {
			this.server = null;
			this.serverError =
				'Le serveur Passerelle ne répond pas. Les fonctions qui en dépendent (jetons, planification) sont indisponibles.';
			handleError(error, 'Serveur Passerelle');
		}
	}

	/**
	 * Headers that prove to our server which Grist document the call concerns: a Grist access
	 * token in a real Grist; in the loopback-only demo (grist-static has no tokens), the demo header.
	 */
	async authHeaders(): Promise<Record<string, string>> {
		if (!this.grist) throw new PasserelleError('not_in_grist', 'Ouvrez Passerelle depuis un document Grist.');
		try {
			const { token, baseUrl } = await this.grist.docApi.getAccessToken({ readOnly: false });
			return { 'X-Grist-Access-Token': token, 'X-Grist-Base-Url': baseUrl };
		} catch (error) {
			// grist-static names its documents like `new~tTzg…`: keep the characters the server accepts.
			if (this.server?.demo)
				return {
					'X-Passerelle-Demo-Doc': this.docName.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 64) || 'demo'
				};
			throw new PasserelleError(
				'no_access_token',
				'Grist ne fournit pas de jeton d’accès à ce widget : le serveur ne peut pas vérifier vos droits sur ce document.',
				false,
				{ cause: error }
			);
		}
	}

	/** Calls our server for this document; errors come back as PasserelleError with the server's French message. */
	async api<T>(path: string, init: RequestInit = {}): Promise<T> {
		const headers: Record<string, string> = {
			Accept: 'application/json',
			...(await this.authHeaders()),
			...(init.headers as Record<string, string>)
		};
		if (init.body && typeof init.body === 'string') headers['Content-Type'] = 'application/json';
		let res: Response;
		try {
			res = await fetch(path, { ...init, headers });
		} catch (cause) {
			throw new PasserelleError(
				'server_unreachable',
				'Le serveur Passerelle ne répond pas. Réessayez dans un instant.',
				true,
				{ cause }
			);
		}
		const text = await res.text();
		const body: unknown = text ? safeJson(text) : null;
		if (!res.ok) {
			const b = (body ?? {}) as { message?: string; code?: string; retryable?: boolean };
			throw new PasserelleError(
				b.code ?? `http_${res.status}`,
				b.message ?? `Erreur du serveur (${res.status}).`,
				b.retryable ?? res.status >= 500
			);
		}
		return body as T;
	}
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return { message: text.slice(0, 300) };
	}
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	return Promise.race([
		promise,
		new Promise<T>((_, reject) =>
			setTimeout(
				() => reject(new PasserelleError('grist_timeout', 'Grist ne répond pas au widget.', true)),
				ms
			)
		)
	]);
}

/** A console handle for power users and end-to-end tests: `passerelle.grist` is the live GristPort. */
function exposeDebugHandle(session: GristSession): void {
	(window as unknown as { passerelle: unknown }).passerelle = { grist: session.port, session };
}

export const session = new GristSession();
