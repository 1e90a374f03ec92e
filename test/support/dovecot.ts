import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { withImap } from './imap-client';

export interface DovecotUser {
  user: string;
  password: string;
}

export interface DovecotOptions {
  users?: DovecotUser[];
  /** Replaces the capability list Dovecot announces (`imap_capability`), e.g. one without IDLE. */
  capabilities?: string;
  /** STARTTLS on `port` and implicit TLS on `tlsPort`, with a certificate signed by a throwaway CA (`caFile`). */
  tls?: boolean;
  /**
   * OAuth2 bearer tokens (XOAUTH2, OAUTHBEARER) checked by Dovecot's oauth2 passdb against a
   * token introspection endpoint (RFC 7662, `POST token=…`), besides the passwords of `users`
   * for PLAIN and LOGIN. The endpoint must answer `{"active": true, "username": "<user>"}` for a
   * good token; the user must still be one of `users` (the userdb stays the passwd-file).
   */
  oauth2?: DovecotOAuth2Options;
}

export interface DovecotOAuth2Options {
  /** e.g. `http://127.0.0.1:PORT/introspect` (see test/support/oauth-introspection.ts). */
  introspectionUrl: string;
  /** The token mechanisms offered; default both. imapflow prefers OAUTHBEARER when offered. */
  mechanisms?: ('xoauth2' | 'oauthbearer')[];
}

/** A real Dovecot IMAP server on loopback with Maildirs in a temporary directory. */
export interface DovecotServer {
  readonly host: string;
  readonly port: number;
  readonly tlsPort?: number;
  readonly caFile?: string;
  readonly users: DovecotUser[];
  /** Root of everything this server owns: config, log, run and state directories, homes. */
  readonly dir: string;
  maildir(user: string): string;
  /** SIGTERM, then SIGKILL after 5 s; waits until every process of this server is gone. */
  stop(): Promise<void>;
  /** Starts again on the same port(s) with the same Maildirs. */
  restart(): Promise<void>;
  /** SIGKILL to every process of this server, as in a crash: open connections drop without BYE. */
  kill(): Promise<void>;
  /**
   * Gives the mailbox a new UIDVALIDITY while keeping its messages, as after a server-side
   * rebuild. Restarts the server to do it and leaves it running or stopped as it found it.
   */
  forceUidValidityChange(user: string, mailbox?: string): Promise<string>;
  /** The live processes of this server (master and children), for leak checks. */
  processIds(): number[];
  /** Dovecot's log and the master's own output, for failure messages. */
  logs(): string;
  /** Stops the server and removes its directory. */
  cleanup(): Promise<void>;
}

const INSTALL_COMMAND = 'apt-get install -y --no-install-recommends dovecot-imapd dovecot-core';
const DEFAULT_USERS: DovecotUser[] = [{ user: 'support@example.test', password: 'secret-pass-1' }];
const HOST = '127.0.0.1';
const STOP_GRACE_MS = 5000;
const READY_TIMEOUT_MS = 10_000;
/** How long a restart keeps retrying while the old port is still taken. */
const PORT_BUSY_RETRY_MS = 5000;

const activeServers = new Set<HarnessDovecot>();
const warnedSuites = new Set<string>();
const execFileAsync = promisify(execFile);

export function dovecotBinary(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'dovecot'));
  return [...onPath, '/usr/sbin/dovecot'].find(isExecutableFile);
}

/**
 * `describe` when Dovecot can run here. Otherwise the suite is skipped with a warning, or fails
 * when REPLYWATCH_REQUIRE_DOVECOT=1 (CI), so a missing package cannot pass as green.
 * Every server still running when the suite ends is stopped and removed.
 */
export function describeWithDovecot(name: string, fn: () => void): void {
  const missing = missingPrerequisite();
  if (!missing) {
    describe(name, () => {
      afterAll(stopAllDovecots);
      fn();
    });
    return;
  }
  if (process.env.REPLYWATCH_REQUIRE_DOVECOT === '1') {
    describe(name, () => {
      it('requires Dovecot', () => {
        throw new Error(`Dovecot is required (REPLYWATCH_REQUIRE_DOVECOT=1), but ${missing}`);
      });
    });
    return;
  }
  if (!warnedSuites.has(name)) {
    warnedSuites.add(name);
    console.warn(`Skipping "${name}": it needs Dovecot, but ${missing}`);
  }
  describe.skip(name, fn);
}

export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  const binary = dovecotBinary();
  if (!binary) throw new Error(`Dovecot is not installed. Install it with: ${INSTALL_COMMAND}`);
  const users = options.users ?? DEFAULT_USERS;
  for (const { user, password } of users) {
    if (/[:\s]/.test(user + password)) throw new Error(`User names and passwords go into a passwd-file: no colons or whitespace (${user})`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'replywatch-dovecot-'));
  // The auth and mail processes run as the dovecot user and must reach the passwd-file and homes.
  chmodSync(dir, 0o755);
  const [port, tlsPort] = await freePorts(options.tls ? 2 : 1);
  if (port === undefined) throw new Error('No free port');
  const server = new HarnessDovecot(binary, dir, users, port, tlsPort, options.tls ? path.join(dir, 'tls', 'ca.pem') : undefined);
  activeServers.add(server);
  try {
    await server.prepare(options);
    await server.launch();
  } catch (error) {
    await server.cleanup();
    throw error;
  }
  return server;
}

/** Stops and removes every server this process started; registered by describeWithDovecot. */
export async function stopAllDovecots(): Promise<void> {
  await Promise.all([...activeServers].map((server) => server.cleanup()));
}

class HarnessDovecot implements DovecotServer {
  readonly host = HOST;
  private readonly configFile: string;
  private readonly logFile: string;
  /** Tells our greeting from whatever else may have grabbed the port meanwhile. */
  private readonly greeting = `Dovecot test server ${randomBytes(6).toString('hex')} ready.`;
  private master: ChildProcess | undefined;
  private watchdog: ChildProcess | undefined;
  private masterOutput = '';

  constructor(
    private readonly binary: string,
    readonly dir: string,
    readonly users: DovecotUser[],
    readonly port: number,
    readonly tlsPort: number | undefined,
    readonly caFile: string | undefined,
  ) {
    this.configFile = path.join(dir, 'dovecot.conf');
    this.logFile = path.join(dir, 'dovecot.log');
  }

  maildir(user: string): string {
    if (!this.users.some((candidate) => candidate.user === user)) throw new Error(`No user ${user} on this Dovecot`);
    return path.join(this.home(user), 'Maildir');
  }

  async prepare(options: DovecotOptions): Promise<void> {
    const owner = dovecotAccount();
    const passwdFile = path.join(this.dir, 'passwd');
    const passwdLines = this.users.map(({ user, password }) => `${user}:{PLAIN}${password}:${owner.uid}:${owner.gid}::${this.home(user)}::`);
    writeFileSync(passwdFile, `${passwdLines.join('\n')}\n`);
    chmodSync(passwdFile, 0o644);
    for (const { user } of this.users) {
      const maildir = this.maildir(user);
      const ownedByMailUser = [this.home(user), maildir, ...['cur', 'new', 'tmp'].map((sub) => path.join(maildir, sub))];
      for (const dir of ownedByMailUser) mkdirSync(dir, { recursive: true, mode: 0o755 });
      // Dovecot refuses mail users with uid 0, so homes belong to the dovecot user.
      for (const dir of ownedByMailUser) chownSync(dir, owner.uid, owner.gid);
    }
    chmodSync(path.join(this.dir, 'home'), 0o755);
    const tls = this.caFile ? await createCertificates(path.dirname(this.caFile)) : undefined;
    const oauth2 = options.oauth2 ? this.writeOAuth2Config(options.oauth2) : undefined;
    const config = dovecotConfig({ dir: this.dir, passwdFile, logFile: this.logFile, owner, greeting: this.greeting, port: this.port, tlsPort: this.tlsPort, tls, capabilities: options.capabilities, oauth2 });
    writeFileSync(this.configFile, config);
  }

  /** The oauth2 passdb's settings file (read by the auth process, which runs as the dovecot user). */
  private writeOAuth2Config(options: DovecotOAuth2Options): { configFile: string; mechanisms: string } {
    const url = new URL(options.introspectionUrl);
    if (!/^https?:$/.test(url.protocol) || /\s/.test(options.introspectionUrl)) throw new Error(`Not an http(s) URL: ${options.introspectionUrl}`);
    const mechanisms = options.mechanisms ?? ['xoauth2', 'oauthbearer'];
    if (mechanisms.length === 0) throw new Error('oauth2.mechanisms: name at least one of xoauth2, oauthbearer');
    const configFile = path.join(this.dir, 'dovecot-oauth2.conf.ext');
    const settings = [
      // RFC 7662: POST with `token=<token>` as a form body; no tokeninfo_url, so every login is introspected.
      'introspection_mode = post',
      `introspection_url = ${options.introspectionUrl}`,
      'username_attribute = username',
      // The login name must equal the introspected one; %Lu (the default) would lowercase it.
      'username_format = %u',
      'active_attribute = active',
      'active_value = true',
      // An endpoint that does not answer fails the login instead of hanging it (default: no limit).
      'timeout_msecs = 5000',
    ];
    writeFileSync(configFile, `${settings.join('\n')}\n`);
    chmodSync(configFile, 0o644);
    return { configFile, mechanisms: mechanisms.join(' ') };
  }

  /** Starts the master and resolves once it greets, retrying while the port is still busy. */
  async launch(): Promise<void> {
    const giveUpOnBusyPortAt = Date.now() + PORT_BUSY_RETRY_MS;
    for (;;) {
      const output = await this.launchOnce();
      if (output === undefined) return;
      if (!output.includes('Address already in use') || Date.now() > giveUpOnBusyPortAt) throw new Error(`Dovecot did not start:\n${this.logs()}`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    await this.terminate('SIGTERM');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async kill(): Promise<void> {
    await this.terminate('SIGKILL');
  }

  async forceUidValidityChange(user: string, mailbox = 'INBOX'): Promise<string> {
    const wasRunning = this.master !== undefined;
    if (!wasRunning) await this.launch();
    // Selecting makes Dovecot write the mailbox's dovecot-uidlist if it has none yet.
    const before = await this.selectedUidValidity(user, mailbox);
    await this.stop();
    const mailboxDir = mailbox === 'INBOX' ? this.maildir(user) : path.join(this.maildir(user), `.${mailbox}`);
    const uidlistFile = path.join(mailboxDir, 'dovecot-uidlist');
    const [header = '', ...records] = readFileSync(uidlistFile, 'utf8').split('\n');
    if (!/ V\d+/.test(header)) throw new Error(`Unexpected dovecot-uidlist header in ${uidlistFile}: ${header}`);
    // UIDVALIDITY is a non-zero 32-bit number.
    const wanted = String((Number(before) % 0xffffffff) + 1);
    writeFileSync(uidlistFile, [header.replace(/ V\d+/, ` V${wanted}`), ...records].join('\n'));
    // The indexes remember the old value and would override the uidlist; Dovecot rebuilds them from it.
    removeFilesStartingWith(mailboxDir, 'dovecot.index');
    removeFilesStartingWith(this.maildir(user), 'dovecot.list.index');
    await this.launch();
    const after = await this.selectedUidValidity(user, mailbox);
    if (!wasRunning) await this.stop();
    if (after !== wanted) throw new Error(`UIDVALIDITY of ${mailbox} is ${after} after the rewrite, wanted ${wanted} (was ${before})\n${this.logs()}`);
    return after;
  }

  processIds(): number[] {
    return this.master?.pid === undefined ? [] : liveProcessesInGroup(this.master.pid);
  }

  logs(): string {
    const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '(no log file)\n';
    return this.masterOutput ? `${log}--- master stdout/stderr ---\n${this.masterOutput}` : log;
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
    activeServers.delete(this);
  }

  /** Resolves undefined once Dovecot greets, or the master's output if it exited instead. */
  private async launchOnce(): Promise<string | undefined> {
    // A master.pid left by a SIGKILL could name a reused pid, and Dovecot would refuse to start.
    rmSync(path.join(this.dir, 'run', 'master.pid'), { force: true });
    // Detached: the master leads its own process group, so its children can be signalled with it.
    const master = spawn(this.binary, ['-F', '-c', this.configFile], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (master.pid === undefined) throw new Error(`Could not spawn ${this.binary}`);
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      this.masterOutput += chunk.toString();
    };
    master.stdout.on('data', collect);
    master.stderr.on('data', collect);
    this.master = master;
    this.watchdog = startWatchdog(master.pid);
    // A master that fails (port busy) must not wait out a greeting probe stuck on whoever holds the port.
    const exited = new Promise<false>((resolve) => master.once('exit', () => resolve(false)));
    const outputComplete = new Promise<void>((resolve) => master.once('close', () => resolve()));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!hasExited(master)) {
      if (await Promise.race([greets(this.port, this.greeting), exited])) return undefined;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`Dovecot did not greet on port ${this.port} within ${READY_TIMEOUT_MS} ms:\n${this.logs()}`);
      }
      await sleep(10);
    }
    await this.terminate('SIGKILL');
    // 'exit' can come before the last of the master's output; 'close' comes after it.
    await outputComplete;
    return output;
  }

  private async terminate(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const master = this.master;
    if (master?.pid === undefined) return;
    this.stopWatchdog();
    signalGroup(master.pid, signal);
    if (!(await groupExited(master, master.pid, STOP_GRACE_MS))) {
      signalGroup(master.pid, 'SIGKILL');
      if (!(await groupExited(master, master.pid, STOP_GRACE_MS))) throw new Error(`Dovecot processes ${liveProcessesInGroup(master.pid).join(', ')} survived SIGKILL`);
    }
    if (this.master === master) this.master = undefined;
  }

  private stopWatchdog(): void {
    // Killed before its stdin closes, so it cannot take the closing pipe for our death.
    this.watchdog?.kill('SIGKILL');
    this.watchdog?.stdin?.destroy();
    this.watchdog = undefined;
  }

  private selectedUidValidity(user: string, mailbox: string): Promise<string> {
    return withImap(this, user, async (client) => {
      const lock = await client.getMailboxLock(mailbox);
      try {
        if (!client.mailbox) throw new Error(`Could not select ${mailbox}`);
        return client.mailbox.uidValidity.toString();
      } finally {
        lock.release();
      }
    });
  }

  private home(user: string): string {
    return path.join(this.dir, 'home', user.replace(/[^\w@.-]/g, '_'));
  }
}

interface ConfigInput {
  dir: string;
  passwdFile: string;
  logFile: string;
  owner: { uid: number; gid: number };
  greeting: string;
  port: number;
  tlsPort: number | undefined;
  tls: { certFile: string; keyFile: string } | undefined;
  capabilities: string | undefined;
  oauth2: { configFile: string; mechanisms: string } | undefined;
}

/** A self-contained configuration: nothing of /etc/dovecot (conf.d, plugins) is included. */
function dovecotConfig(input: ConfigInput): string {
  const { dir, passwdFile, owner, tls, oauth2 } = input;
  const mailbox = (name: string, specialUse: string): string => `  mailbox ${name} {\n    special_use = ${specialUse}\n    auto = subscribe\n  }`;
  const implicitTlsListener = tls ? `  inet_listener imaps {\n    address = ${HOST}\n    port = ${input.tlsPort}\n    ssl = yes\n  }` : '  inet_listener imaps {\n    port = 0\n  }';
  return `${[
    'protocols = imap',
    `listen = ${HOST}`,
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `log_path = ${input.logFile}`,
    // imap-login refuses to run as root.
    'default_login_user = dovenull',
    'default_internal_user = dovecot',
    // The dovecot user's uid is below the default floor of 500.
    `first_valid_uid = ${owner.uid}`,
    `first_valid_gid = ${owner.gid}`,
    'disable_plaintext_auth = no',
    `auth_mechanisms = plain login${oauth2 ? ` ${oauth2.mechanisms}` : ''}`,
    'auth_username_format = %u',
    // Tests try wrong passwords on purpose; the default 2 s penalty only slows them down.
    'auth_failure_delay = 0',
    'auth_verbose = yes',
    `login_greeting = ${input.greeting}`,
    'mail_location = maildir:~/Maildir',
    'mail_plugins =',
    // Tests open many connections from 127.0.0.1 at once.
    'mail_max_userip_connections = 100',
    // inotify reports most changes at once; this bounds the delay for the rest.
    'mailbox_idle_check_interval = 1 secs',
    ...(input.capabilities === undefined ? [] : [`imap_capability = ${input.capabilities}`]),
    ...(tls ? ['ssl = yes', `ssl_cert = <${tls.certFile}`, `ssl_key = <${tls.keyFile}`] : ['ssl = no']),
    // With tokens on, the passwords answer only PLAIN and LOGIN, and the tokens only the token mechanisms.
    `passdb {\n  driver = passwd-file\n${oauth2 ? '  mechanisms = plain login\n' : ''}  args = scheme=PLAIN username_format=%u ${passwdFile}\n}`,
    ...(oauth2 ? [`passdb {\n  driver = oauth2\n  mechanisms = ${oauth2.mechanisms}\n  args = ${oauth2.configFile}\n}`] : []),
    `userdb {\n  driver = passwd-file\n  args = username_format=%u ${passwdFile}\n}`,
    `namespace inbox {\n  inbox = yes\n${mailbox('Sent', '\\Sent')}\n${mailbox('Drafts', '\\Drafts')}\n${mailbox('Trash', '\\Trash')}\n}`,
    // Token tests fail logins on purpose, one after another: the auth penalty (anvil, per IP,
    // 2 s doubling up to 15 s) would hold back every next login from 127.0.0.1, good ones too.
    // Mode 0 leaves the listener out, which turns the penalty off (login_trusted_networks did not
    // in 2.3.19: the login process sent no no-penalty flag for a trusted 127.0.0.1).
    ...(oauth2 ? ['service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}'] : []),
    `service imap-login {\n  inet_listener imap {\n    address = ${HOST}\n    port = ${input.port}\n  }\n${implicitTlsListener}\n}`,
  ].join('\n')}\n`;
}

/** A throwaway CA and a certificate for localhost and 127.0.0.1 signed by it. */
async function createCertificates(tlsDir: string): Promise<{ certFile: string; keyFile: string }> {
  mkdirSync(tlsDir, { recursive: true });
  const file = (name: string): string => path.join(tlsDir, name);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
  await execFileAsync('openssl', ['req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', '/CN=replywatch test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await execFileAsync('openssl', ['req', '-x509', ...newKey, '-keyout', file('server.key'), '-out', file('server.pem'), '-subj', '/CN=localhost', '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth']);
  return { certFile: file('server.pem'), keyFile: file('server.key') };
}

/**
 * Kills the Dovecot process group if this process dies without stopping it (a crashed or killed
 * Jest worker): the pipe on the shell's stdin closes, `read` returns and the kill runs.
 */
function startWatchdog(processGroup: number): ChildProcess {
  const watchdog = spawn('/bin/sh', ['-c', 'read _; kill -KILL "-$1" 2>/dev/null', 'dovecot-watchdog', String(processGroup)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  if (watchdog.stdin instanceof Socket) watchdog.stdin.unref();
  return watchdog;
}

/** Whether a fresh connection gets our greeting: Dovecot is up and it is this instance. */
function greets(port: number, greeting: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    let received = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setEncoding('latin1');
    socket.setTimeout(1000, () => finish(false));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\r\n')) finish(received.startsWith('* OK') && received.includes(greeting));
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}

async function groupExited(master: ChildProcess, processGroup: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited(master) && liveProcessesInGroup(processGroup).length === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
}

/**
 * Non-zombie members of a process group. Children of a killed master linger as zombies until
 * init reaps them, which can take a second; they hold no sockets or files, so they do not count.
 */
function liveProcessesInGroup(processGroup: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return false; // exited while we looked
      }
      // The command name in parentheses may contain spaces; the fields after it are plain.
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(group) === processGroup && state !== 'Z';
    })
    .map(Number);
}

function signalGroup(processGroup: number, signal: 'SIGTERM' | 'SIGKILL'): void {
  try {
    process.kill(-processGroup, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function freePorts(count: number): Promise<number[]> {
  // All held open together, so the kernel cannot hand out the same port twice.
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((server) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, HOST, resolve))));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

function dovecotAccount(): { uid: number; gid: number } {
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('dovecot:'));
  const [, , uid, gid] = entry?.split(':') ?? [];
  if (!uid || !gid) throw new Error(`No dovecot user in /etc/passwd. Install Dovecot with: ${INSTALL_COMMAND}`);
  return { uid: Number(uid), gid: Number(gid) };
}

function missingPrerequisite(): string | undefined {
  if (!dovecotBinary()) return `it is not installed. Install it with: ${INSTALL_COMMAND}`;
  if (process.getuid?.() !== 0) return 'the tests do not run as root, which Dovecot needs to switch to its dovecot and dovenull users';
  return undefined;
}

function removeFilesStartingWith(dir: string, prefix: string): void {
  for (const name of readdirSync(dir)) if (name.startsWith(prefix)) rmSync(path.join(dir, name), { force: true });
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
