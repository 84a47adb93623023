import type { CellValue, TableColumns, UserAction } from './grist-types.ts';

/**
 * Typed wrappers for the parts of Grist's widget API (`grist-plugin-api.js`, served from our
 * origin) that Passerelle uses. The npm package `grist-plugin-api` is a 2018 build, so the
 * types live here.
 */

/** Access levels a widget may ask for. */
export type AccessLevel = 'none' | 'read table' | 'full';

/** What `grist.docApi.getAccessToken` gives (real Grist only; grist-static refuses). */
export interface AccessToken {
	token: string;
	baseUrl: string;
	ttlMsecs?: number;
}

/** The document API of the widget. */
export interface GristDocApi {
	getDocName(): Promise<string>;
	listTables(): Promise<string[]>;
	fetchTable(tableId: string): Promise<Record<string, CellValue[]>>;
	applyUserActions(
		actions: UserAction[],
		options?: unknown
	): Promise<{ actionNum: number; retValues: unknown[] }>;
	getAccessToken(options?: { readOnly?: boolean }): Promise<AccessToken>;
}

/** Options of `grist.ready`. */
export interface ReadyOptions {
	requiredAccess?: AccessLevel;
	/** Called when the user clicks the widget's "Open configuration" button. */
	onEditOptions?: () => void;
	allowSelectBy?: boolean;
}

/** The `grist` global provided by `grist-plugin-api.js`. */
export interface GristGlobal {
	ready(options?: ReadyOptions): void;
	docApi: GristDocApi;
	onOptions(cb: (options: Record<string, unknown> | null, interaction: unknown) => void): void;
	setOption(key: string, value: unknown): Promise<void>;
	getOption(key: string): Promise<unknown>;
	onRecords(cb: (records: unknown[]) => void): void;
}

declare global {
	interface Window {
		grist?: GristGlobal;
	}
}

/** How the page is hosted: outside any frame, in a frame without enough access, or ready. */
export type HostState =
	{ kind: 'outside-grist' } | { kind: 'no-access'; access: string } | { kind: 'grist'; access: AccessLevel };

/**
 * Reads where the widget runs from the page itself: Grist opens custom widgets in an iframe
 * and appends `access=<level>` to their URL.
 */
export function detectHost(location: { search: string }, inFrame: boolean): HostState {
	if (!inFrame) return { kind: 'outside-grist' };
	const access = new URLSearchParams(location.search).get('access') ?? 'none';
	if (access !== 'full') return { kind: 'no-access', access };
	return { kind: 'grist', access: 'full' };
}

/** Loads `grist-plugin-api.js` from our own origin and resolves to the `grist` global. */
export function loadGristPluginApi(src: string, timeoutMs = 15_000): Promise<GristGlobal> {
	if (window.grist) return Promise.resolve(window.grist);
	return new Promise((resolve, reject) => {
		const script = document.createElement('script');
		script.src = src;
		const timer = setTimeout(
			() => reject(new Error('grist-plugin-api.js ne s’est pas chargé à temps.')),
			timeoutMs
		);
		script.onload = () => {
			clearTimeout(timer);
			if (window.grist) resolve(window.grist);
			else reject(new Error('grist-plugin-api.js chargé, mais l’objet grist est absent.'));
		};
		script.onerror = () => {
			clearTimeout(timer);
			reject(new Error(`Impossible de charger ${src}.`));
		};
		document.head.appendChild(script);
	});
}

/** `fetchTable` result as typed column arrays (Grist returns `id` plus one array per column). */
export function asTableColumns(data: Record<string, CellValue[]>): TableColumns {
	return { ...data, id: (data.id ?? []) as number[] } as TableColumns;
}
