/**
 * The puppet protocol's line side (src/lab/puppet.ts) for the reference stack served in a lab:
 * request lines `SID ID CALL ARG...` in, reply lines `SID ID RET ERRNO DURATION_US [HEX]` out,
 * one ReferencePuppet per session. `SID 0 end` closes the session's handles (calls still waiting
 * are dropped without a reply), `SID 0 hello` repeats the ready line. A line it cannot read gets
 * EBADREQ when it has a session and an id, and is ignored otherwise.
 */
import { BAD_REQUEST, PUPPET_CALLS, PUPPET_PROTOCOL } from '../lab/puppet.js';
import type { AppChannel } from '../engine/app.js';

const REQUEST = /^([1-9]\d{0,9}) (\d{1,10}) ([a-z]{1,12})((?: [!-~]{1,140000}){0,4})$/;

interface Session {
  readonly puppet: AppChannel;
  /** Handles the session's calls returned (socket, accept), to close at its end. */
  readonly handles: Set<number>;
  ended: boolean;
}

export class PuppetLineServer {
  private readonly sessions = new Map<number, Session>();

  /**
   * `make` gives a fresh puppet for a new session; `write` sends a line (without its newline);
   * `stack` names the stack in the ready line.
   */
  constructor(
    private readonly make: () => AppChannel,
    private readonly write: (line: string) => void,
    private readonly stack = 'reference',
  ) {}

  /** The ready line: `0 0 ready PROTOCOL STACK`. */
  get readyLine(): string {
    return `0 0 ready ${PUPPET_PROTOCOL} ${this.stack}`;
  }

  /** Sessions open now. */
  get open(): number {
    return this.sessions.size;
  }

  /** One request line. */
  line(text: string): void {
    const m = REQUEST.exec(text.replace(/\r$/, ''));
    if (!m) {
      const head = /^([1-9]\d{0,9}) ([1-9]\d{0,9})\b/.exec(text);
      if (head) this.write(`${head[1]} ${head[2]} -1 ${BAD_REQUEST} 0`);
      return;
    }
    const sid = Number(m[1]);
    const id = Number(m[2]);
    const call = m[3]!;
    const args = m[4]!.split(' ').filter(Boolean);
    if (id === 0) {
      if (call === 'hello') this.write(this.readyLine);
      else if (call === 'end') this.end(sid);
      return;
    }
    if (!(PUPPET_CALLS as readonly string[]).includes(call)) {
      this.write(`${sid} ${id} -1 ${BAD_REQUEST} 0`);
      return;
    }
    let s = this.sessions.get(sid);
    if (!s) this.sessions.set(sid, (s = { puppet: this.make(), handles: new Set(), ended: false }));
    const session = s;
    if (call === 'close') session.handles.delete(Number(args[0]));
    void session.puppet.call(call, args).then(
      (r) => {
        if (session.ended) return;
        if ((call === 'socket' || call === 'accept') && r.ret > 0) session.handles.add(r.ret);
        const hex = r.data !== undefined ? ` ${Buffer.from(r.data).toString('hex')}` : '';
        this.write(`${sid} ${id} ${r.ret} ${r.errno ?? '-'} ${r.durationUs}${hex}`);
      },
      () => {
        if (!session.ended) this.write(`${sid} ${id} -1 ${BAD_REQUEST} 0`);
      },
    );
  }

  /** Ends session `sid`: its handles are closed. */
  private end(sid: number): void {
    const s = this.sessions.get(sid);
    if (!s) return;
    this.sessions.delete(sid);
    s.ended = true;
    for (const h of s.handles) void s.puppet.call('close', [h]).catch(() => undefined);
  }
}
