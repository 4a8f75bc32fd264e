/**
 * A store's reload whose calls collapse: a call made while a reload is in flight asks for one
 * more after it (however many such calls come), and waits for that one.
 */
export class CollapsingReload {
  readonly #load: () => Promise<void>;
  #running: Promise<void> | null = null;
  #again = false;

  constructor(load: () => Promise<void>) {
    this.#load = load;
  }

  run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#load();
      } while (this.#again);
      this.#running = null;
    })();
    return this.#running;
  }
}
