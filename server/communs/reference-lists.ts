import competencesJson from './reference/competences-m57.json' with { type: 'json' };
import leviersJson from './reference/leviers-sgpe.json' with { type: 'json' };

/** One M57 functional code: a compétence (`90-XX`) or a sous-compétence (`90-XXX`). */
export interface Competence {
	code: string;
	/** "Parent > Enfant" for a sous-compétence. */
	libelle: string;
	/** `90-XX` of a sous-compétence, null for a compétence. */
	parentCode: string | null;
}

/** Snapshot of the Les communs reference lists (see `reference/SOURCE.md`), stored with each result. */
export const REFERENCE_VERSION = 'les-communs@fc8bd41';

/** The 156 M57 compétences and sous-compétences. */
export const COMPETENCES: readonly Competence[] = (
	competencesJson as { code: string; libelle: string }[]
).map((c) => ({
	code: c.code,
	libelle: c.libelle,
	parentCode: c.code.length > 5 ? c.code.slice(0, 5) : null
}));

/** The 72 leviers (50 SGPE, then 22 adaptation leviers). */
export const LEVIERS: readonly string[] = leviersJson as string[];

/** Compétences by code. */
export const COMPETENCE_BY_CODE: ReadonlyMap<string, Competence> = new Map(
	COMPETENCES.map((c) => [c.code, c])
);

/** Lower case, accents, punctuation and spacing removed: the key two spellings of one label share. */
export function labelKey(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[’']/g, "'")
		.replace(/[^a-z0-9']+/g, ' ')
		.trim();
}
