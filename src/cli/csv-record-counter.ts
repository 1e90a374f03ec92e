/**
 * Counts the records of RFC 4180 CSV as it arrives in pieces: a line break inside a quoted
 * cell (a customer's title may hold one) does not end a record. A doubled quote toggles the
 * state twice, so it needs no case of its own.
 */
export class CsvRecordCounter {
  records = 0;
  private quoted = false;

  add(text: string): void {
    for (const char of text) {
      if (char === '"') this.quoted = !this.quoted;
      else if (char === '\n' && !this.quoted) this.records += 1;
    }
  }
}
