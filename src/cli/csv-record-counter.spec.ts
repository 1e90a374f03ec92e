import { CsvRecordCounter } from './csv-record-counter';

describe('CsvRecordCounter', () => {
  it('counts records, not the line breaks inside quoted cells, across chunk boundaries', () => {
    const counter = new CsvRecordCounter();
    for (const chunk of ['chat_id,title\r\n', '1,"two\r\nlines"\r', '\n2,"say ""hi', '"""\r\n']) counter.add(chunk);
    expect(counter.records).toBe(3);
  });
});
