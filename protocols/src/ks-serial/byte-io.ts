/**
 * Bounds-checked big-endian reader and writer — [KS-SERIAL §3.2]: every multi-byte integer on the
 * wire is big-endian (network order). Neither class throws: a short read or an out-of-range write
 * latches `failed` (with the first offending field) and the caller turns that into a `Result`.
 */
export class KsWriter {
  private readonly out: number[] = [];
  /** Name of the first field that did not fit its wire type, or null. */
  badField: string | null = null;

  private check(ok: boolean, field: string): boolean {
    if (!ok && this.badField === null) this.badField = field;
    return ok;
  }

  uint(value: number, bytes: 1 | 2 | 4, field: string): this {
    const max = bytes === 4 ? 0xffffffff : (1 << (8 * bytes)) - 1;
    if (!this.check(Number.isInteger(value) && value >= 0 && value <= max, field)) return this;
    for (let i = bytes - 1; i >= 0; i--) this.out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
    return this;
  }

  u8(value: number, field: string): this {
    return this.uint(value, 1, field);
  }
  u16(value: number, field: string): this {
    return this.uint(value, 2, field);
  }
  u32(value: number, field: string): this {
    return this.uint(value, 4, field);
  }

  u64(value: bigint, field: string): this {
    if (!this.check(typeof value === 'bigint' && value >= 0n && value < 1n << 64n, field)) return this;
    for (let i = 7; i >= 0; i--) this.out.push(Number((value >> BigInt(8 * i)) & 0xffn));
    return this;
  }

  bool(value: boolean, field: string): this {
    return this.u8(value ? 1 : 0, field);
  }

  raw(bytes: Uint8Array, field: string, exactLength?: number): this {
    if (!this.check(bytes instanceof Uint8Array, field)) return this;
    if (exactLength !== undefined && !this.check(bytes.length === exactLength, field)) return this;
    for (const b of bytes) this.out.push(b);
    return this;
  }

  /** u8 length then bytes; `min..max` bounds the length. */
  bytesLp(bytes: Uint8Array, min: number, max: number, field: string): this {
    if (!this.check(bytes instanceof Uint8Array && bytes.length >= min && bytes.length <= max, field)) {
      return this;
    }
    return this.u8(bytes.length, field).raw(bytes, field);
  }

  /** u8 length then printable ASCII (0x21..0x7E) — [KS-SERIAL §3.2]. */
  ascii(value: string, min: number, max: number, field: string): this {
    if (!this.check(typeof value === 'string' && isPrintableAscii(value), field)) return this;
    return this.bytesLp(new TextEncoder().encode(value), min, max, field);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function isPrintableAscii(value: string): boolean {
  return /^[\x21-\x7e]*$/.test(value);
}

export class KsReader {
  private pos = 0;
  /** Set once any read ran past the end or a value was out of its allowed range. */
  failed = false;
  constructor(private readonly buf: Uint8Array) {}

  private take(n: number): number {
    if (this.failed || this.pos + n > this.buf.length) {
      this.failed = true;
      return -1;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  uint(bytes: 1 | 2 | 4): number {
    const at = this.take(bytes);
    if (at < 0) return 0;
    let v = 0;
    for (let i = 0; i < bytes; i++) v = v * 256 + this.buf[at + i]!;
    return v;
  }
  u8(): number {
    return this.uint(1);
  }
  u16(): number {
    return this.uint(2);
  }
  u32(): number {
    return this.uint(4);
  }

  u64(): bigint {
    const at = this.take(8);
    if (at < 0) return 0n;
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(this.buf[at + i]!);
    return v;
  }

  /** Strict boolean: only 0x00 and 0x01 are valid — [KS-SERIAL §3.2]. */
  bool(): boolean {
    const v = this.u8();
    if (v > 1) this.failed = true;
    return v === 1;
  }

  raw(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? new Uint8Array(0) : this.buf.slice(at, at + n);
  }

  bytesLp(min: number, max: number): Uint8Array {
    const n = this.u8();
    if (n < min || n > max) {
      this.failed = true;
      return new Uint8Array(0);
    }
    return this.raw(n);
  }

  ascii(min: number, max: number): string {
    const bytes = this.bytesLp(min, max);
    let s = '';
    for (const b of bytes) {
      if (b < 0x21 || b > 0x7e) this.failed = true;
      s += String.fromCharCode(b);
    }
    return s;
  }

  /** Mark the input invalid (a field value outside its allowed set). */
  reject(): void {
    this.failed = true;
  }

  /** True when every byte was consumed and no read failed: decoders accept only exact payloads. */
  done(): boolean {
    return !this.failed && this.pos === this.buf.length;
  }
}
