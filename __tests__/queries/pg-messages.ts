// Encoders for the Postgres wire messages the tests feed to the framer and tap (protocol 3.0 layouts).
const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

export function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type, 'latin1'), int32(body.length + 4), body]);
}

export const fe = {
  startup: (user = 'app', database = 'app'): Buffer => {
    const body = Buffer.concat([int32(196608), cstr('user'), cstr(user), cstr('database'), cstr(database), Buffer.from([0])]);
    return Buffer.concat([int32(body.length + 4), body]);
  },
  sslRequest: (): Buffer => Buffer.concat([int32(8), int32(80877103)]),
  gssencRequest: (): Buffer => Buffer.concat([int32(8), int32(80877104)]),
  cancelRequest: (pid = 1, key = 2): Buffer => Buffer.concat([int32(16), int32(80877102), int32(pid), int32(key)]),
  query: (sql: string): Buffer => message('Q', cstr(sql)),
  parse: (name: string, sql: string): Buffer => message('P', cstr(name), cstr(sql), int16(0)),
  bind: (portal: string, statement: string, params: (string | Buffer | null)[], formats: number[] = []): Buffer =>
    message(
      'B',
      cstr(portal),
      cstr(statement),
      int16(formats.length),
      ...formats.map(int16),
      int16(params.length),
      ...params.map((p) =>
        p === null ? int32(-1) : Buffer.concat([int32(Buffer.byteLength(p)), typeof p === 'string' ? Buffer.from(p) : p]),
      ),
      int16(0),
    ),
  describe: (kind: 'S' | 'P', name: string): Buffer => message('D', Buffer.from(kind), cstr(name)),
  execute: (portal = '', maxRows = 0): Buffer => message('E', cstr(portal), int32(maxRows)),
  sync: (): Buffer => message('S'),
  flush: (): Buffer => message('H'),
  close: (kind: 'S' | 'P', name: string): Buffer => message('C', Buffer.from(kind), cstr(name)),
  copyData: (data: Buffer | string): Buffer => message('d', Buffer.from(data)),
  copyDone: (): Buffer => message('c'),
};

export const be = {
  authOk: (): Buffer => message('R', int32(0)),
  parseComplete: (): Buffer => message('1'),
  bindComplete: (): Buffer => message('2'),
  closeComplete: (): Buffer => message('3'),
  noData: (): Buffer => message('n'),
  commandComplete: (tag: string): Buffer => message('C', cstr(tag)),
  emptyQuery: (): Buffer => message('I'),
  error: (msg = 'boom', code = 'XX000'): Buffer =>
    message('E', Buffer.from('S'), cstr('ERROR'), Buffer.from('C'), cstr(code), Buffer.from('M'), cstr(msg), Buffer.from([0])),
  ready: (status: 'I' | 'T' | 'E' = 'I'): Buffer => message('Z', Buffer.from(status)),
  dataRow: (...values: string[]): Buffer =>
    message('D', int16(values.length), ...values.map((v) => Buffer.concat([int32(Buffer.byteLength(v)), Buffer.from(v)]))),
  portalSuspended: (): Buffer => message('s'),
  copyInResponse: (): Buffer => message('G', Buffer.from([0]), int16(0)),
  copyOutResponse: (): Buffer => message('H', Buffer.from([0]), int16(0)),
  copyData: (data: string): Buffer => message('d', Buffer.from(data)),
  copyDone: (): Buffer => message('c'),
  notice: (): Buffer => message('N', Buffer.from('M'), cstr('note'), Buffer.from([0])),
};
