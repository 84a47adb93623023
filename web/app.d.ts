// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		/** What `handleError` returns: a French message and a stable code, never a stack. */
		interface Error {
			message: string;
			code: string;
		}
	}
}

export {};
