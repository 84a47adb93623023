/** One line of the widget's journal, shown in the "Journal" tab. */
export interface JournalEntry {
	at: Date;
	level: 'info' | 'succes' | 'alerte' | 'erreur';
	message: string;
}

/** The session journal: what the widget did and what went wrong, in French, newest first. */
class Journal {
	entries = $state<JournalEntry[]>([]);

	add(level: JournalEntry['level'], message: string): void {
		this.entries = [{ at: new Date(), level, message }, ...this.entries].slice(0, 500);
	}
}

export const journal = new Journal();
