import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { globalAgent } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestCertificates {
  /** A throwaway CA (PEM); trust it with trustTestCa. */
  ca: string;
  /** For 127.0.0.1 and localhost, issued by `ca`: verifies once the CA is trusted. */
  valid: KeyPair;
  /** Issued by `ca` for another host (elsewhere.test): a hostname mismatch at 127.0.0.1. */
  wrongHost: KeyPair;
  /** For 127.0.0.1, signed by itself: never verifies. */
  selfSigned: KeyPair;
}

/** Certificates made with openssl at test time (P-256 keys, valid for two days). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'replywatch-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=Replywatch Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const issue = (name: string, subject: string, altNames: string): KeyPair => {
      openssl('req', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
      writeFileSync(file(`${name}.ext`), `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth\n`);
      openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file(`${name}.crt`), '-days', '2', '-extfile', file(`${name}.ext`));
      return { key: readFileSync(file(`${name}.key`), 'utf8'), cert: readFileSync(file(`${name}.crt`), 'utf8') };
    };
    const valid = issue('valid', '/CN=127.0.0.1', 'IP:127.0.0.1,DNS:localhost');
    const wrongHost = issue('wrong-host', '/CN=elsewhere.test', 'DNS:elsewhere.test');
    openssl('req', '-x509', ...ec, '-keyout', file('self.key'), '-out', file('self.crt'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
    const selfSigned = { key: readFileSync(file('self.key'), 'utf8'), cert: readFileSync(file('self.crt'), 'utf8') };
    return { ca: readFileSync(file('ca.crt'), 'utf8'), valid, wrongHost, selfSigned };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Trusts `ca` besides Node's own roots for https requests made in this process through the
 * global agent (what the hub's outbound HTTP uses), as NODE_EXTRA_CA_CERTS would for a real
 * hub. Returns the undo; call it in afterAll, since other test files may share the process.
 */
export function trustTestCa(ca: string): () => void {
  const before = globalAgent.options.ca;
  globalAgent.options.ca = [...rootCertificates, ca];
  return () => {
    if (before === undefined) delete globalAgent.options.ca;
    else globalAgent.options.ca = before;
  };
}
