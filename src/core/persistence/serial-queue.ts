/**
 * Runs async jobs one at a time, in submission order. PGlite is a single session: two
 * transactions started concurrently would interleave inside one, so every use goes through here.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  run<T>(job: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(job).finally(() => {
      this.waiting--;
    });
    // The chain continues whether the job failed or not; the caller gets the failure.
    this.tail = result.catch(() => undefined);
    return result;
  }

  get depth(): number {
    return this.waiting;
  }
}
