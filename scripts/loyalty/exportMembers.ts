/** `export`: every member as CSV, to a file or to standard output. */
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { MemberAdmin } from '../../shared/loyalty/admin';
import type { CliIo } from './cliIo';
import { CSV_LINE_END, csvRecord } from './csvWrite';

export const EXPORT_HEADER = ['email', 'loyaltyId', 'promoCode', 'status'] as const;

interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  abort(): void;
}

/** A file written as FILE.partial, renamed to FILE once complete. */
function fileSink(file: string): Sink {
  const partial = `${file}.partial`;
  const stream = createWriteStream(partial, { encoding: 'utf8' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    async write(text) {
      if (failure) throw failure;
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async close() {
      stream.end();
      await once(stream, 'close');
      if (failure) throw failure;
      renameSync(partial, file);
    },
    abort() {
      stream.destroy();
      rmSync(partial, { force: true });
    },
  };
}

function streamSink(stream: NodeJS.WritableStream): Sink {
  return {
    async write(text) {
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async close() {},
    abort() {},
  };
}

/** Without a stream (tests): each record to io.out, without its line end. */
function lineSink(io: CliIo): Sink {
  return {
    async write(text) {
      io.out(text.endsWith(CSV_LINE_END) ? text.slice(0, -CSV_LINE_END.length) : text);
    },
    async close() {},
    abort() {},
  };
}

/** Writes the header and every member, page by page; returns how many members. */
export async function exportMembers(
  repository: MemberAdmin,
  out: string | undefined,
  io: CliIo,
): Promise<number> {
  const sink = out !== undefined ? fileSink(out) : io.stdout ? streamSink(io.stdout) : lineSink(io);
  let count = 0;
  try {
    await sink.write(csvRecord(EXPORT_HEADER));
    for await (const page of repository.listMembers()) {
      await sink.write(
        page.map((m) => csvRecord([m.email, m.loyaltyId, m.promoCode, m.status])).join(''),
      );
      count += page.length;
    }
    await sink.close();
  } catch (error) {
    sink.abort();
    throw error;
  }
  return count;
}
