import { z } from 'zod';
import { GESTE_FIELDS, GESTE_TYPE_SPECS, type GesteFamily } from '#worker/quotes/extract/index.ts';
import { llmQuoteSchema, type LlmQuoteExtraction } from '#worker/quotes/llm-merge/index.ts';
import { PasserelleError } from '#widget/errors.ts';
import type { LlmService, LlmTask } from './llm-service.ts';

/** Version of the devis prompt, stored with every result (change it with the prompt). */
export const QUOTE_PROMPT_VERSION = 'devis-gestes-2025-1';

const FAMILY_LABELS: Record<GesteFamily, string> = {
	chauffage: 'chauffage (PAC air/eau, eau/eau, hybride, chaudière biomasse, poêle, système solaire combiné)',
	pac_air_air: 'PAC air/air',
	isolation: 'isolation',
	menuiserie: 'menuiseries',
	eau_chaude: 'eau chaude (CESI, chauffe-eau thermodynamique)',
	ventilation: 'ventilation (VMC)'
};

function fieldList(): string {
	const families = [...new Set(GESTE_TYPE_SPECS.map((s) => s.family))];
	return families
		.map((family) => {
			const ids = GESTE_FIELDS.filter((f) => !f.families || f.families.includes(family)).map((f) => f.id);
			return `- ${FAMILY_LABELS[family]} : ${ids.join(', ')}`;
		})
		.join('\n');
}

/** The system prompt (French, structure of quotes.md §6). */
export function quoteSystemPrompt(): string {
	return `Contexte : le texte fourni est un devis de rénovation énergétique adressé par un professionnel à un particulier.
Les données personnelles ont été remplacées par des repères entre crochets ([NOM_1], [ADRESSE_1], [TELEPHONE_1]…) : recopie ces repères tels quels quand un champ en contient.
Rôle : tu es un expert de la lecture de devis de rénovation énergétique.

Réponds par un objet JSON avec exactement ces clés (null quand l’information est absente) :
- type_fichier : "devis", "facture" ou "autre" (autre = aucun geste de rénovation énergétique) ;
- numero_devis, date_devis (AAAA-MM-JJ), date_pre_visite (AAAA-MM-JJ), date_debut_chantier (AAAA-MM-JJ), delai_debut_chantier (texte) ;
- separation_prix_fourniture_pose (booléen : une ligne de main-d’œuvre ou de pose est chiffrée à part) ;
- prix_total_ht, prix_total_ttc (nombres en euros) ;
- pro : raison_sociale, forme_juridique, capital, siret, numero_tva, rcs, rcs_ville, rne, assurance, rge_labels (liste des numéros RGE imprimés) ;
- client : civilite, nom, prenom, adresse ;
- gestes : liste des gestes, chacun avec type, intitule, quantite, unite, prix_unitaire_ht, prix_ht, taux_tva (en %), valeurs, citation.

Types de gestes possibles : ${GESTE_TYPE_SPECS.map((s) => `${s.type} (${s.label})`).join(', ')}.
"valeurs" est une liste de {"champ", "valeur"} : la valeur recopiée telle qu’imprimée, unité comprise ; champs possibles par famille :
${fieldList()}

Consignes :
1. Ne garde que les gestes de la liste ; une ligne de main-d’œuvre, de pose, d’échafaudage, de dépose ou de déplacement n’est pas un geste.
2. Quand une ligne de fourniture et une ligne de pose concernent le même équipement, seule la fourniture est le geste.
3. Utilise les titres de section (pièce, lot) pour comprendre une ligne ; intitule = libellé de la ligne tel qu’imprimé.
4. Ne calcule rien et ne devine rien : recopie ce qui est imprimé ; sinon null.
5. Le taux de TVA peut être donné par un code renvoyant au tableau récapitulatif en fin de devis.
6. citation = la ligne du texte où figure le libellé du geste, recopiée exactement.
7. Ignore les conditions générales de vente.
Réfléchis étape par étape, puis réponds uniquement par l’objet JSON, sans texte autour.`;
}

/** The devis extraction task (temperature 0: the same devis always reads the same). */
export const quoteExtractionTask: LlmTask<LlmQuoteExtraction> = {
	name: 'devis-gestes',
	version: QUOTE_PROMPT_VERSION,
	schema: llmQuoteSchema,
	temperature: 0,
	maxTokens: 6000,
	messages: (text) => [
		{ role: 'system', content: quoteSystemPrompt() },
		{ role: 'user', content: text }
	]
};

/** Body of `POST /api/llm/extract-quote`. */
export const extractQuoteBodySchema = z.object({
	anonymisedText: z.string().min(1),
	/** Page numbers sent (for the usage log only). */
	pages: z.array(z.number().int().positive()).max(1000).optional()
});

/** Answer of `POST /api/llm/extract-quote`: the structured reading, who produced it, with which prompt. */
export interface ExtractQuoteResponse {
	extraction: LlmQuoteExtraction;
	provider: string;
	model: string;
	cached: boolean;
	promptVersion: string;
	quota: { used: number; limit: number };
}

/**
 * Reads an anonymised devis with the LLM for one Grist document: body validated (400), guard,
 * cache, quota and providers as in `LlmService.run`.
 */
export async function extractQuoteForDocument(
	llm: LlmService,
	docId: string,
	body: unknown,
	options: { signal?: AbortSignal } = {}
): Promise<ExtractQuoteResponse> {
	const parsed = extractQuoteBodySchema.safeParse(body);
	if (!parsed.success) {
		throw new PasserelleError(
			'llm_invalid_request',
			'Requête invalide : le texte anonymisé du devis (anonymisedText) est attendu.',
			false,
			{
				details: { status: 400 }
			}
		);
	}
	const result = await llm.run(docId, quoteExtractionTask, parsed.data.anonymisedText, options);
	return {
		extraction: result.data,
		provider: result.provider,
		model: result.model,
		cached: result.cached,
		promptVersion: QUOTE_PROMPT_VERSION,
		quota: result.quota
	};
}
