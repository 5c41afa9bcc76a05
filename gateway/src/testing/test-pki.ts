import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A PEM key + certificate pair made by `openssl`. */
export interface TestCert {
  key: string;
  cert: string;
}

/**
 * Throw-away PKI for TLS tests, made with the `openssl` command in `dir` (callers gate on
 * `needProgram('openssl')` and remove `dir`). Keys are EC P-256: quick to generate.
 */
export class TestPki {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** A self-signed CA (basicConstraints CA:TRUE, keyCertSign) called `name`. */
  ca(name: string): TestCert {
    const key = join(this.#dir, `${name}.key`);
    const cert = join(this.#dir, `${name}.crt`);
    this.#openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
    this.#openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      key,
      '-sha256',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      cert,
    ]);
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  }

  /**
   * A server certificate signed by `ca`, for the subjectAltName entries in `san`
   * (e.g. `['DNS:localhost', 'IP:127.0.0.1']`); the CN is not a host name, so only the SAN counts.
   */
  server(name: string, ca: TestCert, san: string[]): TestCert {
    const key = join(this.#dir, `${name}.key`);
    const csr = join(this.#dir, `${name}.csr`);
    const cert = join(this.#dir, `${name}.crt`);
    const caKey = this.#write(`${name}.issuer.key`, ca.key);
    const caCert = this.#write(`${name}.issuer.crt`, ca.cert);
    const ext = this.#write(
      `${name}.ext`,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        `subjectAltName=${san.join(',')}`,
        '',
      ].join('\n'),
    );
    this.#openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
    this.#openssl(['req', '-new', '-key', key, '-subj', `/CN=baken test server ${name}`, '-out', csr]);
    this.#openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      caCert,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-sha256',
      '-days',
      '2',
      '-extfile',
      ext,
      '-out',
      cert,
    ]);
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  }

  #write(name: string, text: string): string {
    const path = join(this.#dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  }

  #openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.#dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }
}
