/**
 * Reads a capture file from disk in chunks (1 MiB), handing each packet to `onPacket` as it is
 * completed: memory stays constant whatever the file's size. A file that is not a capture, or
 * whose structure breaks, stops with a CaptureError (exit 2) naming the block and byte offset; a
 * cut-off last packet is reported and everything before it counts.
 */
import { createReadStream } from 'node:fs';
import { CaptureReader, type CaptureFormat, type CaptureProblem, type CapturedPacket } from '../wire/capture.js';
import { CaptureError, messageOf } from '../errors.js';

/** What reading a file gave, besides the packets. */
export interface CaptureSummary {
  readonly format: CaptureFormat | undefined;
  readonly packets: number;
  /** Non-fatal problems (a cut-off last packet), one sentence each. */
  readonly warnings: readonly CaptureProblem[];
}

/** Reads `file`, calling `onPacket` for every packet in order. */
export async function readCaptureFile(file: string, onPacket: (p: CapturedPacket) => void): Promise<CaptureSummary> {
  const reader = new CaptureReader();
  let packets = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      for (const p of reader.push(chunk as Buffer)) {
        packets += 1;
        onPacket(p);
      }
      if (reader.problems.some((x) => x.fatal)) break;
    }
  } catch (err) {
    throw new CaptureError(`cannot read ${file}: ${messageOf(err)}`, file, { cause: err });
  }
  const problems = reader.end();
  const fatal = problems.find((p) => p.fatal);
  if (fatal) throw new CaptureError(`${file}: ${fatal.message}`, file);
  return { format: reader.format, packets, warnings: problems.filter((p) => !p.fatal) };
}
