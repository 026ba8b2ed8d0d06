/**
 * The service clock. Business dates (expedition not in the future, lote timestamps) come from here,
 * never from Date directly, so test harnesses can move time without sleeps.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that runs with the system clock plus an offset, or stands still at a frozen instant. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  constructor(private readonly base: Clock = systemClock) {}

  now(): Date {
    return new Date(this.frozenAt ?? this.base.now().getTime() + this.offsetMs);
  }

  /** Jump to an instant; time keeps running from there unless frozen. */
  set(instant: Date, frozen = false): void {
    if (frozen) {
      this.frozenAt = instant.getTime();
    } else {
      this.frozenAt = null;
      this.offsetMs = instant.getTime() - this.base.now().getTime();
    }
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
  }

  get state(): { now: string; offsetMs: number; frozen: boolean } {
    return { now: this.now().toISOString(), offsetMs: this.frozenAt === null ? this.offsetMs : this.frozenAt - this.base.now().getTime(), frozen: this.frozenAt !== null };
  }
}
