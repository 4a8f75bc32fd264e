/**
 * One-line messages for the person at the keyboard: a refused clip, a failed rename, a lost
 * connection. They stay until dismissed (a message that vanishes on a timer is easy to miss
 * while listening), and identical messages are not stacked twice.
 */

/** One message on screen. */
export interface Notice {
  id: number;
  message: string;
  /** "error" for something that did not happen, "info" for a fact worth knowing. */
  kind: 'error' | 'info';
}

export class NoticeStore {
  items = $state<Notice[]>([]);
  #nextId = 1;

  /** Shows a message; returns its id. */
  push(message: string, kind: Notice['kind'] = 'error'): number {
    const existing = this.items.find((item) => item.message === message && item.kind === kind);
    if (existing) return existing.id;
    const id = this.#nextId++;
    this.items.push({ id, message, kind });
    return id;
  }

  dismiss(id: number): void {
    this.items = this.items.filter((item) => item.id !== id);
  }

  clear(): void {
    this.items = [];
  }
}
