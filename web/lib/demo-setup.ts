/**
 * Demo only: boots grist-static (Grist's engine in the browser) in an element of the page and
 * adds a Passerelle custom-widget section with full access to its fresh document.
 */

interface GristDocLike {
	docData: {
		sendActions(actions: unknown[][]): Promise<unknown[]>;
		getMetaTable(t: string): { findRow(col: string, v: unknown): number };
	};
	openDocPage(viewRef: number): Promise<void> | void;
}

interface GristFrameWindow extends Window {
	gristDocPageModel?: { gristDoc: { get(): GristDocLike | null } };
}

declare global {
	interface Window {
		bootstrapGrist?: (options: Record<string, unknown>) => void;
	}
}

/** Loads a classic script from our origin. */
function loadScript(src: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const s = document.createElement('script');
		s.src = src;
		s.onload = () => resolve();
		s.onerror = () => reject(new Error(`Impossible de charger ${src}`));
		document.head.appendChild(s);
	});
}

async function waitFor<T>(probe: () => T | null | undefined, timeoutMs: number, what: string): Promise<T> {
	const start = Date.now();
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() - start > timeoutMs) throw new Error(`Délai dépassé : ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/**
 * grist-static opens custom widgets in `credentialless` iframes, whose storage (IndexedDB) ends
 * with the page; a real Grist does not. Navigate such frames again without the attribute, so the
 * demo's widget keeps its local data (quotes read in the browser) across reloads, as in Grist.
 */
function keepWidgetStorage(doc: Document): void {
	const fix = () => {
		for (const frame of doc.querySelectorAll<HTMLIFrameElement>('iframe[credentialless]')) {
			frame.removeAttribute('credentialless');
			// The frame's first navigation may already be under way: once it has loaded, start it again.
			frame.addEventListener('load', function reload() {
				const win = frame.contentWindow as (Window & { credentialless?: boolean }) | null;
				if (win?.credentialless) frame.setAttribute('src', frame.getAttribute('src') ?? '');
				else frame.removeEventListener('load', reload);
			});
		}
	};
	fix();
	new MutationObserver(fix).observe(doc.body, {
		subtree: true,
		childList: true,
		attributes: true,
		attributeFilter: ['credentialless']
	});
}

/** Boots the demo document in `element` and opens a page holding the widget at `widgetUrl`. */
export async function bootDemo(
	element: HTMLElement,
	widgetUrl: string
): Promise<{ sectionRef: number; viewRef: number }> {
	await loadScript('/grist/latest.js');
	window.bootstrapGrist!({ name: 'Démo Passerelle', element });
	const frame = await waitFor(() => element.querySelector('iframe'), 10_000, 'cadre Grist');
	const gristDoc = await waitFor(
		() => (frame.contentWindow as GristFrameWindow | null)?.gristDocPageModel?.gristDoc.get(),
		90_000,
		'document Grist'
	);
	keepWidgetStorage(frame.contentDocument!);
	const tableRef = gristDoc.docData.getMetaTable('_grist_Tables').findRow('tableId', 'Table1');
	// The first action also waits for the Python engine (Pyodide) to be up.
	const [created] = (await gristDoc.docData.sendActions([
		['CreateViewSection', tableRef, 0, 'custom', null, null]
	])) as {
		sectionRef: number;
		viewRef: number;
	}[];
	const { sectionRef, viewRef } = created!;
	const customView = { mode: 'url', url: widgetUrl, access: 'full', widgetOptions: {} };
	await gristDoc.docData.sendActions([
		[
			'UpdateRecord',
			'_grist_Views_section',
			sectionRef,
			{ title: 'Passerelle', options: JSON.stringify({ customView: JSON.stringify(customView) }) }
		],
		['UpdateRecord', '_grist_Views', viewRef, { name: 'Passerelle' }]
	]);
	await gristDoc.openDocPage(viewRef);
	return { sectionRef, viewRef };
}
