import { randomUUID } from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { llmCache, llmQuota, llmUsage } from './schema.ts';

/** A cached answer. */
export interface CachedAnswer {
	provider: string;
	model: string;
	result: unknown;
}

/** One usage row (the text itself is never stored, only its length). */
export interface UsageRecord {
	docId: string;
	task: string;
	provider: string | null;
	model: string | null;
	/** `ok`, `cached`, `invalid_output`, `unavailable`, `quota_exceeded`, `refused_personal_data`… */
	outcome: string;
	cached: boolean;
	attempts: number;
	promptTokens: number;
	completionTokens: number;
	inputChars: number;
	durationMs: number;
}

/** Persistence of the LLM cache, the per-document daily quota and usage accounting. */
export interface LlmStore {
	getCached(key: string, now: Date): Promise<CachedAnswer | null>;
	putCached(key: string, task: string, answer: CachedAnswer, expiresAt: Date): Promise<void>;
	/** Counts one call for `docId` on `day` if fewer than `limit` were made; says whether it was allowed. */
	consumeQuota(docId: string, day: string, limit: number): Promise<{ allowed: boolean; used: number }>;
	quotaUsed(docId: string, day: string): Promise<number>;
	recordUsage(record: UsageRecord): Promise<void>;
	/** Deletes expired cache entries; returns how many. */
	purgeExpired(now: Date): Promise<number>;
}

/** The LLM store over the application database (tables of migration `0003_llm.sql`). */
export function createLlmStore(database: Database): LlmStore {
	const db = database.db;
	return {
		async getCached(key, now) {
			const [row] = await db
				.select({ provider: llmCache.provider, model: llmCache.model, result: llmCache.result })
				.from(llmCache)
				.where(and(eq(llmCache.cacheKey, key), gt(llmCache.expiresAt, now)));
			return row ?? null;
		},
		async putCached(key, task, answer, expiresAt) {
			const values = { cacheKey: key, task, ...answer, result: answer.result as object, expiresAt };
			await db
				.insert(llmCache)
				.values(values)
				.onConflictDoUpdate({
					target: llmCache.cacheKey,
					set: {
						provider: answer.provider,
						model: answer.model,
						result: values.result,
						expiresAt,
						createdAt: new Date()
					}
				});
		},
		async consumeQuota(docId, day, limit) {
			if (limit <= 0) return { allowed: false, used: await this.quotaUsed(docId, day) };
			// One statement, so two concurrent requests cannot both take the last call.
			const rows = await db
				.insert(llmQuota)
				.values({ docId, day, calls: 1 })
				.onConflictDoUpdate({
					target: [llmQuota.docId, llmQuota.day],
					set: { calls: sql`${llmQuota.calls} + 1` },
					setWhere: lt(llmQuota.calls, limit)
				})
				.returning({ calls: llmQuota.calls });
			if (rows[0]) return { allowed: true, used: rows[0].calls };
			return { allowed: false, used: await this.quotaUsed(docId, day) };
		},
		async quotaUsed(docId, day) {
			const [row] = await db
				.select({ calls: llmQuota.calls })
				.from(llmQuota)
				.where(and(eq(llmQuota.docId, docId), eq(llmQuota.day, day)));
			return row?.calls ?? 0;
		},
		async recordUsage(record) {
			await db.insert(llmUsage).values({ id: randomUUID(), ...record });
		},
		async purgeExpired(now) {
			const rows = await db
				.delete(llmCache)
				.where(lt(llmCache.expiresAt, now))
				.returning({ key: llmCache.cacheKey });
			return rows.length;
		}
	};
}
