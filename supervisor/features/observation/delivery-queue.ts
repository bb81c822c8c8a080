/**
 * A queue with a ceiling that drops its oldest item to take a new one: deliveries to a receiver that is down
 * wait here without growing the supervisor, and the newest (most likely still true) are kept. Pure.
 */
export class DroppingQueue<T> {
  private readonly items: T[] = [];
  /** Items dropped since the start. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  /** Adds `item`; returns the oldest item dropped to make room, or undefined. */
  push(item: T): T | undefined {
    this.items.push(item);
    if (this.items.length <= this.capacity) return undefined;
    this.dropped += 1;
    return this.items.shift();
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  get length(): number {
    return this.items.length;
  }
}
